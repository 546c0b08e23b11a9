"""Where a statement is written: the file and line a person edits to fix it.

The files are in the canonical layout ``ipbes-kg fmt`` writes (a subject at column 0, one
predicate per indented line), so a line scan finds them; this reads the text, not the triples.
"""

import re
from pathlib import Path

from ipbes_kg.rdf.reader import read_text
from ipbes_kg.validate.results import Where, shown

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^(<[^>]+>|[\w.-]*:[^\s;,]*)")


def subject_lines(path: Path) -> dict[str, int]:
    """IRI → first line where it starts a statement (at column 0, as the formatter writes)."""
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if match := _PREFIX.match(line):
            prefixes[match.group(1)] = match.group(2)
            continue
        if not line or line[0].isspace() or line.startswith(("#", "@", "[", "(")):
            continue
        match = _SUBJECT.match(line)
        if not match:
            continue
        token = match.group(1)
        if token.startswith("<"):
            iri = token[1:-1]
        else:
            prefix, _, local = token.partition(":")
            if prefix not in prefixes:
                continue
            iri = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
        found.setdefault(iri, number)
    return found


class Locator:
    """Finds the file and line of a subject across many files."""

    def __init__(self, files: list[Path]) -> None:
        self.index: dict[str, tuple[str, int]] = {}
        for path in files:
            name = shown(path)
            for iri, line in subject_lines(path).items():
                self.index.setdefault(iri, (name, line))

    def find(self, subject: str, predicate: str | None = None) -> Where:
        return self.index.get(subject)
