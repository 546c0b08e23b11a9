"""Reading Turtle into rdflib graphs, with errors a person can act on."""

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from ipbes_kg.errors import UserError
from ipbes_kg.home import expand_paths


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"{path}: cannot read ({exc.strerror}); check the path and permissions"
        ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into ``graph`` (a new one by default); one-line errors with location."""
    text = read_text(path)
    target = graph if graph is not None else Graph()
    before = len(target)
    try:
        target.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise UserError(f"{path}:{_syntax_location(exc)}: {_syntax_reason(exc)}") from exc
    except Exception as exc:  # rdflib raises plain exceptions for bad IRIs, literals, etc.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path}: invalid Turtle: {reason}") from exc
    if len(target) == before and not text.strip():
        raise UserError(f"{path}: file is empty; remove it or add triples")
    return target


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Triple = tuple[URIRef | BNode, URIRef, URIRef | BNode | Literal]


def parse_turtle_native(path: Path) -> list[ox.Triple] | None:
    """The file's triples as pyoxigraph reads them (about 10x faster than rdflib's parser), or
    None when pyoxigraph rejects the file or finds no triple: ``parse_turtle`` then says why,
    with rdflib's messages and positions, so a bad file reads the same whichever parser saw it
    first. Blank nodes are renamed, so two files never share one."""
    try:
        return [
            quad.triple
            for quad in ox.parse(
                path=str(path),
                format=ox.RdfFormat.TURTLE,
                base_iri=path.resolve().as_uri(),
                rename_blank_nodes=True,
            )
        ] or None
    except (SyntaxError, OSError, ValueError):
        return None


def rdflib_triples(triples: Iterable[ox.Triple]) -> list[Triple]:
    """pyoxigraph triples as rdflib terms."""
    iris: dict[str, URIRef] = {}  # the same IRI recurs: make each URIRef once

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
        if isinstance(node, ox.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
            return iri
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if node.language:
            return Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        return Literal(node.value, datatype=None if datatype == XSD_STRING else term(node.datatype))

    # subjects and predicates are IRIs or blank nodes by Turtle's grammar
    return [(term(t.subject), term(t.predicate), term(t.object)) for t in triples]  # type: ignore[misc, arg-type]


def load_graph(paths: Iterable[str | Path]) -> Graph:
    """One graph from many files (directories expanded)."""
    graph = Graph()
    for path in expand_paths(paths):
        parse_turtle(path, graph)
    return graph


def _syntax_location(exc: BadSyntax) -> str:
    text: bytes = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode()
    index: int = exc._i
    line_start = text.rfind(b"\n", 0, index) + 1
    column = len(text[line_start:index].decode("utf-8", errors="replace")) + 1
    return f"{exc.lines + 1}:{column}"


def _syntax_reason(exc: BadSyntax) -> str:
    return f"Turtle syntax error: {exc._why}; fix the file at this position"
