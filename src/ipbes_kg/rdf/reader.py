"""The one way this package reads RDF: strictly, with pyoxigraph, and errors at file:line:column.

rdflib reads invalid Turtle leniently (a bad escape, ``true`` as a subject, a space in an IRI
pass or only log a warning), so a gate built on it lets broken files through. pyoxigraph's
parser follows the W3C grammar and its ``SyntaxError`` carries the line and column, so every
command (query, validate, fmt, build, load, site) reports a bad file with the same words.
Libraries that need an rdflib graph (pySHACL, rdflib's longturtle and JSON-LD writers) get one
built from the strict parse by :func:`rdflib_graph`, never from rdflib's own parser.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.rdf.terms import TripleLike

if TYPE_CHECKING:  # rdflib is imported only by the commands that hand graphs to rdflib libraries
    from rdflib import BNode, Graph, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
}
_WHERE = re.compile(r"^Parser error (?:at|between) line [^:]*: ")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, checked to be UTF-8 without a byte-order mark."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError as exc:
        raise UserError(f"{path}: is a folder; name a file") from exc
    except OSError as exc:
        raise UserError(
            f"{path}: cannot read ({exc.strerror}); check the path and permissions"
        ) from exc
    if raw.startswith(b"\xef\xbb\xbf"):
        raise UserError(
            f"{path}:1:1: the file starts with a byte-order mark; save it as UTF-8 without BOM"
        )
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace"))
        raise UserError(
            f"{path}:{line}:{column + 1}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc
    return raw


def read_text(path: Path) -> str:
    return read_bytes(path).decode("utf-8")


def syntax_error(path: Path | str, exc: SyntaxError) -> UserError:
    """pyoxigraph's syntax error as ``file:line:column: reason; what to do``."""
    reason = _WHERE.sub("", exc.msg or str(exc)).strip()
    where = f"{exc.lineno}:{exc.offset}" if exc.lineno else ""
    at = f"{path}:{where}:" if where else f"{path}:"
    return UserError(f"{at} RDF syntax error: {reason}; fix the file at this position")


def rdf_format(path: Path) -> ox.RdfFormat:
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise UserError(
            f"{path}: unknown RDF file type {path.suffix or '(none)'!r}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return found


def read_quads(path: Path) -> list[ox.Quad]:
    """Every quad of one RDF file (Turtle, N-Triples, TriG, N-Quads by extension), strictly.

    Blank nodes get labels made from the file's path and their order of appearance: two files
    never share one, and the same file reads the same on every run (releases are built from
    these reads byte for byte). Relative IRIs resolve against the file's own URI. An empty file
    is an error: it is always a mistake in this project.
    """
    raw = read_bytes(path)
    try:
        quads = list(ox.parse(raw, format=rdf_format(path), base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise syntax_error(path, exc) from exc
    if not quads and not raw.strip():
        raise UserError(f"{path}: file is empty; remove it or add triples")
    # A blank node needs "_:", "[" or "(" in the text; most files have none of them at all.
    maybe_blank = b"_:" in raw or b"[" in raw or b"(" in raw
    blank = ox.BlankNode
    if maybe_blank and any(
        type(q.subject) is blank or type(q.object) is blank or type(q.graph_name) is blank
        for q in quads
    ):
        tag = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]
        quads = _stable_blank_nodes(quads, tag)
    return quads


def _stable_blank_nodes(quads: list[ox.Quad], tag: str) -> list[ox.Quad]:
    labels: dict[str, ox.BlankNode] = {}

    def stable(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            if term.value not in labels:
                labels[term.value] = ox.BlankNode(f"b{tag}n{len(labels)}")
            return labels[term.value]
        return term

    return [
        ox.Quad(*(stable(term) for term in quad))
        if isinstance(quad.subject, ox.BlankNode)
        or isinstance(quad.object, ox.BlankNode)
        or isinstance(quad.graph_name, ox.BlankNode)
        else quad
        for quad in quads
    ]


def read_default_graph(path: Path) -> list[ox.Quad]:
    """The statements of one file, as the parser gives them (quads of the default graph);
    named graphs are refused (the graph is one default graph)."""
    quads = read_quads(path)
    if rdf_format(path) in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
        return quads  # these formats have no named graphs
    for quad in quads:
        if not isinstance(quad.graph_name, ox.DefaultGraph):
            raise UserError(
                f"{path}: holds the named graph {quad.graph_name}; this command reads one graph "
                "(use the .ttl or .nt release file)"
            )
    return quads


def read_triples(path: Path) -> list[ox.Triple]:
    """The triples of one file; named graphs are refused (the graph is one default graph)."""
    return [quad.triple for quad in read_default_graph(path)]


def parse_bytes(data: bytes, fmt: ox.RdfFormat, source: str) -> list[ox.Triple]:
    """Triples from bytes that are not a file (a server's CONSTRUCT answer); errors name
    ``source`` (a URL, never with credentials) and the line:column in the body."""
    try:
        return [quad.triple for quad in ox.parse(data, format=fmt)]
    except SyntaxError as exc:
        raise syntax_error(source, exc) from exc


def read_files(paths: Iterable[Path]) -> list[ox.Triple]:
    return [triple for path in paths for triple in read_triples(path)]


def load_store(paths: Iterable[Path]) -> ox.Store:
    """An in-memory pyoxigraph store holding the files' triples in its default graph.

    The same parser and error contract as :func:`read_triples`; ``bulk_load`` skips making a
    Python object per triple (a cold query loads the whole graph).
    """
    store = ox.Store()
    for path in paths:
        raw = read_bytes(path)
        fmt = rdf_format(path)
        if fmt not in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES):
            store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in read_triples(path))
            continue
        if not raw.strip():
            raise UserError(f"{path}: file is empty; remove it or add triples")
        try:
            store.bulk_load(raw, format=fmt, base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise syntax_error(path, exc) from exc
    return store


def store_of(triples: Sequence[TripleLike], ntriples: bytes) -> ox.Store:
    """An in-memory store of strictly parsed triples, also given as the N-Triples written from
    them. ``bulk_load`` of the text skips a Python object per triple but gives blank nodes new
    labels, so when the text may hold one (``_:``) the triples are added as they are."""
    store = ox.Store()
    if b"_:" in ntriples:
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    else:
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return store


def rdflib_term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
    """A pyoxigraph term as rdflib's, literals with their lexical form as written."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    datatype = node.datatype.value
    # normalize=False: the lexical form as written ("+400" stays "+400"), so shapes on
    # canonical forms see what the file says, whichever engine runs
    return Literal(
        node.value,
        datatype=None if datatype == XSD_STRING else URIRef(datatype),
        normalize=False,
    )


def rdflib_graph(triples: Iterable[TripleLike], graph: Graph | None = None) -> Graph:
    """Strictly parsed triples as an rdflib graph, for libraries that need one."""
    from rdflib import Graph, URIRef

    target = graph if graph is not None else Graph()
    iris: dict[str, URIRef] = {}  # the same IRI recurs: make each URIRef once

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> URIRef | BNode | Literal:
        if isinstance(node, ox.NamedNode):
            iri = iris.get(node.value)
            if iri is None:
                iri = iris[node.value] = URIRef(node.value)
            return iri
        return rdflib_term(node)

    for t in triples:
        target.add((term(t.subject), term(t.predicate), term(t.object)))  # type: ignore[arg-type]
    return target


def load_graph(paths: Iterable[str | os.PathLike[str]]) -> Graph:
    """One rdflib graph of many files (folders expanded), read strictly."""
    from ipbes_kg.home import expand_paths

    return rdflib_graph(read_files(expand_paths(paths)))
