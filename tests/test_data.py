"""The knowledge graph itself: complete files, traceable facts, canonical literals, clean Turtle."""

import re
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from ipbes_kg.fmt import canonical_turtle
from ipbes_kg.graph import load_graph, parse_turtle
from ipbes_kg.namespaces import ID, IPBES, PREFIXES
from ipbes_kg.provenance import QUOTE, check_quotes
from ipbes_kg.resources import Home

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from report_source import split_units

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
        assert len(parse_turtle(Path(path))) > 0


TEXT = URIRef("https://schema.org/text")
NOTATION = URIRef("http://www.w3.org/2004/02/skos/core#notation")
_HEADER_LINE = re.compile(r"^\s*(IPBES/7/2|\d{1,2})\s*$")  # page headers and page numbers


def _paragraph_texts(data: Graph) -> dict[str, str]:
    return {
        str(s)[len(PARA) :]: str(o)
        for s in data.subjects(RDF.type, URIRef(IPBES + "Paragraph"))
        for o in data.objects(s, TEXT)
    }


def test_paragraph_texts_are_the_source_text(data: Graph, source_text: str) -> None:
    """An oracle independent of the splitter: with page headers, page numbers and the PDF's link
    lines deleted from the raw file and all whitespace ignored, every paragraph's schema:text
    stands in it (a paragraph a footnote interrupts, once the footnotes' own texts are cut out),
    and the paragraphs together are exactly as long as it: no text lost, none repeated."""
    kept = [
        line
        for line in source_text.splitlines()
        if not _HEADER_LINE.match(line) and not line.startswith("http")
    ]
    raw = re.sub(r"\s+", "", "".join(kept))
    texts = {key: re.sub(r"\s+", "", text) for key, text in _paragraph_texts(data).items()}
    without_notes = raw
    for key, text in texts.items():
        if key.startswith("fn"):
            without_notes = without_notes.replace(text, "", 1)
    assert [k for k, t in texts.items() if not t or (t not in raw and t not in without_notes)] == []
    assert sum(len(t) for t in texts.values()) == len(raw)


def test_every_numbered_unit_of_the_source_is_a_paragraph_text(
    data: Graph, source_text: str
) -> None:
    """Each numbered paragraph (\"10. \") and sub-paragraph (\"(b) \") of the raw file begins the
    text of the paragraph entity whose notation it is, in reading order."""
    notations = {
        str(s)[len(PARA) :]: str(o)
        for s in data.subjects(RDF.type, URIRef(IPBES + "Paragraph"))
        for o in data.objects(s, NOTATION)
    }
    texts = _paragraph_texts(data)
    parent = ""
    starts = []
    for line in source_text.splitlines():
        if match := re.match(r"^(\d{1,2})\. ", line):
            parent = match.group(1)
            starts.append((f"{parent}", line.strip()))
        elif match := re.match(r"^\(([a-e])\) ", line):
            starts.append((f"{parent}({match.group(1)})", line.strip()))
    by_notation = {notation: texts[key] for key, notation in notations.items()}
    assert [n for n, line in starts if not by_notation.get(n, "").startswith(line[:12])] == []
    assert len(starts) == sum(1 for n in notations.values() if re.match(r"^\d", n))
