"""Deterministic Turtle: every file in the canonical layout, so diffs show only real changes."""

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from ipbes_kg.files import write_atomically
from ipbes_kg.rdf.names import bind_prefixes
from ipbes_kg.rdf.reader import rdflib_graph, read_text, read_triples


def canonical_turtle(path: Path) -> str:
    """The file's triples as rdflib ``longturtle`` with the project's prefixes."""
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    return rdflib_graph(read_triples(path), graph).serialize(format="longturtle")


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
        changed = read_text(path) != text
        if changed and not check:
            write_atomically(path, text.encode("utf-8"))
        results.append(FormatResult(path, changed))
    return results
