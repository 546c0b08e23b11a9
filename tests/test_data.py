"""The knowledge graph itself: complete files, traceable facts, canonical literals, clean Turtle."""

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from ipbes_kg.home import Home
from ipbes_kg.provenance import QUOTE, check_quotes
from ipbes_kg.rdf.names import ID, IPBES, PREFIXES
from ipbes_kg.rdf.reader import load_graph
from ipbes_kg.release.fmt import canonical_turtle
from ipbes_kg.source import split_units

DATA_FILES = {
    "assessments.ttl", "contributions.ttl", "decisions.ttl", "documents.ttl", "events.ttl",
    "groups.ttl", "organizations.ttl", "partnerships.ttl", "places.ttl", "platform.ttl",
    "posts.ttl", "tsus.ttl", "work-programme.ttl",
}  # fmt: skip
PARA = PREFIXES["para"]
CANONICAL_TYPES = {XSD.integer, XSD.decimal, XSD.boolean, XSD.date, XSD.gYear, XSD.gYearMonth}


@pytest.fixture(scope="module")
def data(home: Home) -> Graph:
    return load_graph(home.data_files())


@pytest.fixture(scope="module")
def everything(home: Home) -> Graph:
    return load_graph(home.graph_files())


def subjects(graph: Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef)})


def test_one_file_per_kind_of_entity(home: Home) -> None:
    assert {p.name for p in home.data_files()} == DATA_FILES


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_file_is_in_canonical_format(home: Home, name: str) -> None:
    path = home.data / name
    assert path.read_text(encoding="utf-8") == canonical_turtle(path), f"run: ipbes-kg fmt {path}"


def test_no_blank_nodes(data: Graph) -> None:
    assert not [t for t in data if any(isinstance(x, BNode) for x in t)]


def test_every_entity_has_one_zh_and_one_en_label(data: Graph) -> None:
    bad = {}
    for s in subjects(data):
        tags = sorted(
            o.language or "-" for o in data.objects(s, RDFS.label) if isinstance(o, Literal)
        )
        if tags != ["en", "zh"]:
            bad[str(s)] = tags
    assert not bad


def test_every_entity_is_typed(data: Graph) -> None:
    assert [str(s) for s in subjects(data) if (s, RDF.type, None) not in data] == []


def test_every_entity_cites_a_paragraph_and_quotes_it(data: Graph) -> None:
    missing = [
        str(s)
        for s in subjects(data)
        if not list(data.objects(s, PROV.wasDerivedFrom)) or not list(data.objects(s, QUOTE))
    ]
    assert missing == []


def test_citations_point_at_paragraphs_of_the_report(data: Graph, source_text: str) -> None:
    units = split_units(source_text)
    cited = {str(o) for o in data.objects(None, PROV.wasDerivedFrom)}
    assert sorted(c for c in cited if not c.startswith(PARA) or c[len(PARA) :] not in units) == []


def test_every_paragraph_of_the_report_is_an_entity(data: Graph, source_text: str) -> None:
    defined = {str(s)[len(PARA) :] for s in data.subjects(RDF.type, URIRef(IPBES + "Paragraph"))}
    assert set(split_units(source_text)) == defined


def test_every_quote_is_verbatim_in_a_cited_paragraph(data: Graph, source_text: str) -> None:
    problems = check_quotes(data, split_units(source_text), source_text)
    assert [f"{p.subject} «{p.quote}»: {p.reason}" for p in problems] == []


def test_quotes_are_chinese_text(data: Graph) -> None:
    assert [
        str(q)
        for q in data.objects(None, QUOTE)
        if not isinstance(q, Literal) or q.language != "zh"
    ] == []


def test_typed_literals_are_valid_and_canonical(data: Graph) -> None:
    bad = []
    for s, p, o in data:
        if isinstance(o, Literal) and o.datatype in CANONICAL_TYPES:
            canonical = Literal(str(o), datatype=o.datatype, normalize=True)
            if o.ill_typed or str(canonical) != str(o):
                bad.append(f"{s} {p} {o!r}")
    assert bad == []


def test_no_dangling_references(everything: Graph) -> None:
    """Every entity IRI used as an object is defined (typed) somewhere in the graph."""
    used = {o for o in everything.objects() if isinstance(o, URIRef) and str(o).startswith(ID)}
    assert sorted(str(o) for o in used if (o, RDF.type, None) not in everything) == []


def test_turtle_parses_file_by_file(home: Home) -> None:
    for path in home.data_files():
        assert len(load_graph([Path(path)])) > 0
