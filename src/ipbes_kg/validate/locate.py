"""Where a statement is written: the file, line and column a person edits to fix it.

A result names a focus node, often a property and sometimes a value; the place to edit is the
line of that property (or of that value) in the focus node's statement, not the line where the
node first appears. :mod:`ipbes_kg.validate.lexer` gives those positions for any valid Turtle
layout, hand-laid or canonical. Files are scanned once, on the first question about them.
"""

from __future__ import annotations

from pathlib import Path

from ipbes_kg.rdf.reader import read_text
from ipbes_kg.validate.lexer import Positions, scan
from ipbes_kg.validate.results import Where, shown


class Locator:
    """Finds where subjects, their properties and their values are written across files."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._positions: dict[Path, Positions] = {}
        self._starts: dict[str, list[tuple[Path, int, int]]] | None = None
        self._shown: dict[Path, str] = {}

    def shown(self, path: Path) -> str:
        name = self._shown.get(path)
        if name is None:
            name = self._shown[path] = shown(path)
        return name

    def positions(self, path: Path) -> Positions:
        found = self._positions.get(path)
        if found is None:
            found = self._positions[path] = scan(read_text(path))
        return found

    def scan(self) -> None:
        """Scan every file now (the positions are asked for later, maybe from another thread)."""
        _ = self.starts

    @property
    def starts(self) -> dict[str, list[tuple[Path, int, int]]]:
        """Subject IRI -> every place it starts a statement (file, line, column), in order."""
        if self._starts is None:
            self._starts = {}
            for path in self.files:
                for iri, line, column in self.positions(path).starts:
                    self._starts.setdefault(iri, []).append((path, line, column))
        return self._starts

    def find(self, subject: str, predicate: str | None = None, value: str | None = None) -> Where:
        """The most precise place known: the value, else the property, else the subject."""
        places = self.starts.get(subject)
        if not places:
            return None
        if predicate is not None:
            for path, _, _ in places:
                positions = self.positions(path)
                at = (
                    positions.objects.get((subject, predicate, value))
                    if value is not None
                    else None
                ) or positions.predicates.get((subject, predicate))
                if at is not None:
                    return self.shown(path), at[0], at[1]
        path, line, column = places[0]
        return self.shown(path), line, column

    def duplicates(self) -> dict[str, list[Where]]:
        """Subjects with more than one statement that states their type (``a …``): an entity
        written twice. A statement only adding properties to a subject is not counted."""
        typed: dict[str, list[Where]] = {}
        for path in self.files:
            for iri, line, column in self.positions(path).typed:
                typed.setdefault(iri, []).append((self.shown(path), line, column))
        return {iri: places for iri, places in typed.items() if len(places) > 1}
