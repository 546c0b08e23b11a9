"""Deterministic Turtle: every file in the canonical layout, so diffs show only real changes."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ipbes_kg.rdf.names import bind_prefixes
from ipbes_kg.rdf.reader import parse_turtle


def canonical_turtle(path: Path) -> str:
    """The file's triples as rdflib ``longturtle`` with the project's prefixes."""
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    parse_turtle(path, graph)
    return graph.serialize(format="longturtle")


@dataclass(frozen=True)
class FormatResult:
    path: Path
    changed: bool


def format_files(paths: list[Path], check: bool = False) -> list[FormatResult]:
    """Re-serialise each file; with ``check`` only report which ones differ.

    Every file is parsed before any is written, so a syntax error leaves all files untouched.
    """
    rendered = [(path, canonical_turtle(path)) for path in paths]
    results = []
    for path, text in rendered:
        changed = path.read_text(encoding="utf-8") != text
        if changed and not check:
            _write_atomically(path, text)
        results.append(FormatResult(path, changed))
    return results


def _write_atomically(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o777  # mkstemp creates 0600; keep the file's own mode
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
