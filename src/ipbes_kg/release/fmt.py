"""Deterministic Turtle: every file in the canonical layout, so diffs show only real changes.

Formatting must never lose anything a person wrote. rdflib's writer knows triples only, so:
comments before the first statement (a file's header) are kept above the output; a comment
anywhere else cannot be placed back and the file is refused with its line, untouched; and every
output is parsed again and must hold exactly the triples of the input (blank nodes up to
renaming) before it is written.
"""

import difflib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

from ipbes_kg.errors import UserError
from ipbes_kg.files import write_atomically
from ipbes_kg.rdf.names import bind_prefixes
from ipbes_kg.rdf.reader import rdflib_graph, read_text, read_triples, syntax_error
from ipbes_kg.validate.lexer import Positions, scan


def _header(path: Path, positions: Positions) -> str:
    """The comment lines before the first statement; refuse a comment anywhere else."""
    first = positions.first_statement
    header = []
    for line, column, comment in positions.comments:
        if first is None or line < first:
            header.append(comment)
            continue
        raise UserError(
            f"{path}:{line}:{column}: a # comment among the statements, which fmt cannot keep; "
            "move it to the top of the file (or into rdfs:comment or skos:editorialNote), "
            "or leave this file out of fmt"
        )
    return "\n".join(header) + "\n\n" if header else ""


def canonical_turtle(path: Path) -> str:
    """The file's triples as rdflib ``longturtle`` with the project's prefixes, header kept."""
    triples = read_triples(path)
    positions = scan(read_text(path))
    header = _header(path, positions)
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    known = {str(namespace) for _, namespace in graph.namespaces()}
    for prefix, namespace in positions.prefixes.items():  # the file's own names for the others
        if namespace not in known and prefix not in dict(graph.namespaces()):
            graph.bind(prefix, namespace)
    text = header + rdflib_graph(triples, graph).serialize(format="longturtle")
    _check_same(path, triples, text)
    return text


def _check_same(path: Path, triples: list[ox.Triple], text: str) -> None:
    """Refuse an output that does not hold exactly the input's triples."""
    try:
        again = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)]
    except SyntaxError as exc:  # a writer bug: never write it
        raise syntax_error(f"{path} (as formatted)", exc) from exc
    if len(again) != len(triples) or not isomorphic(rdflib_graph(triples), rdflib_graph(again)):
        raise UserError(
            f"{path}: formatting would change the triples ({len(triples)} before, "
            f"{len(again)} after); the file is left as it is (please report this)"
        )


@dataclass(frozen=True)
class FormatResult:
    path: Path
    changed: bool
    diff: str = ""  # unified diff from the file as written to the canonical layout


def format_files(paths: list[Path], check: bool = False) -> list[FormatResult]:
    """Re-serialise each file; with ``check`` only report which ones differ (with a diff).

    Every file is parsed and formatted before any is written, so an error (syntax, a comment
    that cannot be kept) leaves all files untouched.
    """
    rendered = [(path, read_text(path), canonical_turtle(path)) for path in paths]
    results = []
    for path, old, text in rendered:
        changed = old != text
        diff = ""
        if changed:
            diff = "".join(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    fromfile=f"{path} (as written)",
                    tofile=f"{path} (formatted)",
                )
            )
            if not check:
                write_atomically(path, text.encode("utf-8"))
        results.append(FormatResult(path, changed, diff))
    return results
