"""Where a statement is written: the file, line and column a person edits to fix it.

A result names a focus node, often a property and sometimes a value; the place to edit is the
line of that property (or of that value) in the focus node's statement, not the line where the
node first appears. :mod:`ipbes_kg.validate.lexer` gives those positions for any valid Turtle
layout, hand-laid or canonical.

Files are split into statements once (``lexer.statements``, a regular expression per
statement), and a statement is scanned token by token only when a result asks about its
subject: most statements have no result, and the token scan is the slow part (×100: 9.6 s for
every statement, 3.2 s for the split). A file the split cannot read is scanned whole.
"""

from __future__ import annotations

from pathlib import Path

from ipbes_kg.rdf.reader import read_text
from ipbes_kg.validate.lexer import Positions, Statement, scan, statements
from ipbes_kg.validate.results import Where, shown

Place = tuple[Path, int, int, Statement | None]  # file, line, column, the statement to scan


class Locator:
    """Finds where subjects, their properties and their values are written across files."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._texts: dict[Path, str] = {}
        self._whole: dict[Path, Positions] = {}  # files scanned whole
        self._scanned: dict[tuple[Path, int], Positions] = {}  # statements scanned alone
        self._glanced: set[tuple[Path, int]] = set()  # statements scanned once up to a pair
        self._starts: dict[str, list[Place]] | None = None
        self._shown: dict[Path, str] = {}

    def shown(self, path: Path) -> str:
        name = self._shown.get(path)
        if name is None:
            name = self._shown[path] = shown(path)
        return name

    def scan(self) -> None:
        """Split every file now (the positions are asked for later)."""
        _ = self.starts

    @property
    def starts(self) -> dict[str, list[Place]]:
        """Subject IRI -> every place it starts a statement, in order."""
        if self._starts is None:
            self._starts = {}
            for path in self.files:
                text = self._texts[path] = read_text(path)
                split = statements(text)
                if split is None:
                    whole = self._whole[path] = scan(text)
                    for iri, line, column in whole.starts:
                        self._starts.setdefault(iri, []).append((path, line, column, None))
                    continue
                for statement in split:
                    if statement.subject is not None:
                        place = (path, statement.line, statement.column, statement)
                        self._starts.setdefault(statement.subject, []).append(place)
        return self._starts

    def _positions(
        self, path: Path, statement: Statement | None, until: tuple[str, str] | None = None
    ) -> Positions:
        """The positions of a statement: scanned whole and kept, or, the first time only one
        (subject, predicate) is asked for, scanned up to it and not kept (a label on the
        statement's second line of twenty: most statements are asked one question)."""
        if statement is None:
            return self._whole[path]
        key = (path, statement.start)
        found = self._scanned.get(key)
        if found is not None:
            return found
        partial = until is not None and key not in self._glanced
        found = scan(
            self._texts[path],
            statement.start,
            line=statement.line,
            line_start=statement.line_start,
            prefixes=statement.prefixes,
            single=True,
            until=until if partial else None,
        )
        if partial:
            self._glanced.add(key)
        else:
            self._scanned[key] = found
        return found

    def find(self, subject: str, predicate: str | None = None, value: str | None = None) -> Where:
        """The most precise place known: the value, else the property, else the subject."""
        places = self.starts.get(subject)
        if not places:
            return None
        if predicate is not None:
            until = (subject, predicate) if value is None else None
            for path, _, _, statement in places:
                positions = self._positions(path, statement, until)
                at = (
                    positions.objects.get((subject, predicate, value))
                    if value is not None
                    else None
                ) or positions.predicates.get((subject, predicate))
                if at is not None:
                    return self.shown(path), at[0], at[1]
        path, line, column, _ = places[0]
        return self.shown(path), line, column

    def duplicates(self) -> dict[str, list[Where]]:
        """Subjects with more than one statement that states their type (``a …``): an entity
        written twice. A statement only adding properties to a subject is not counted."""
        typed: dict[str, list[Where]] = {}
        for iri, places in self.starts.items():
            if len(places) < 2:
                continue
            for path, line, column, statement in places:
                if (iri, line, column) in self._positions(path, statement).typed:
                    typed.setdefault(iri, []).append((self.shown(path), line, column))
        return {iri: places for iri, places in typed.items() if len(places) > 1}
