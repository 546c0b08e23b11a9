"""What the parity tests of the set-based evaluators share (tests/test_core.py,
tests/test_sparql.py): fixtures written as Turtle, a store that keeps their blank nodes, the
terms of pySHACL's reports as pyoxigraph terms, and the real shapes and changed copies of the
real data. Written apart from ``ipbes_kg`` on purpose: the oracle's side of a comparison does
not reuse the code it checks."""

from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF

from ipbes_kg.home import Home
from ipbes_kg.rdf.reader import rdflib_graph, read_triples


def parse(prefixes: str, turtle: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(prefixes + turtle, format=ox.RdfFormat.TURTLE)]


def store_of(data: list[ox.Triple]) -> ox.Store:
    """bulk_extend, not bulk_load: bulk_load gives blank nodes new labels
    (tests/test_sparql.py: test_bulk_load_renames_blank_nodes)."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in data)
    return store


def ox_term(term: Any) -> Any:
    """A term of an rdflib report as the pyoxigraph term the evaluators write."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or rdflib.XSD.string)))


def real_shapes(home: Home) -> rdflib.Graph:
    return rdflib_graph([t for p in home.shapes_files() for t in read_triples(p)])


def thinned(data: list[ox.Triple], every: int) -> list[ox.Triple]:
    """The data with one triple in `every` dropped (types kept): many violations of every kind."""
    return [t for i, t in enumerate(data) if i % every or t.predicate.value == str(RDF.type)]
