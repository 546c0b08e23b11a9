"""The knowledge graph itself: complete files, traceable facts, canonical literals, clean Turtle.

The data rules (citations, verbatim quotes, every statement cited or the curators') are SHACL shapes
(ontology/shapes-provenance.ttl) run by `ipbes-kg validate`; here they are run on broken copies of
the real data to prove they catch what they must, and the graph's paragraph texts and quotes are
checked against the raw source file, an oracle the shapes (which read the graph's texts) lack."""

import re
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from ipbes_kg.home import Home
from ipbes_kg.rdf.names import ID, IPBES, PREFIXES
from ipbes_kg.rdf.reader import load_graph
from ipbes_kg.release.fmt import canonical_turtle
from ipbes_kg.validate import validate_files

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


RECORDS = {URIRef(IPBES + "Citation"), URIRef(IPBES + "CuratorStatement")}


def subjects(graph: Graph) -> list[URIRef]:
    """The entities: every IRI subject but the statement records (citations, curators')."""
    records = {s for c in RECORDS for s in graph.subjects(RDF.type, c)}
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef)} - records)


def test_one_file_per_kind_of_entity(home: Home) -> None:
    assert {p.name for p in home.data_files()} == DATA_FILES


@pytest.mark.parametrize("name", sorted(DATA_FILES))
def test_file_is_in_canonical_format(home: Home, name: str) -> None:
    path = home.data / name
    assert path.read_text(encoding="utf-8") == canonical_turtle(path), f"run: ipbes-kg fmt {path}"


def test_no_blank_nodes(data: Graph) -> None:
    assert not [t for t in data if any(isinstance(x, BNode) for x in t)]


def test_every_entity_is_typed(data: Graph) -> None:
    assert [str(s) for s in subjects(data) if (s, RDF.type, None) not in data] == []


def test_citations_point_at_paragraphs_of_the_report(data: Graph, source_text: str) -> None:
    units = split_units(source_text)
    cited = {str(o) for o in data.objects(None, PROV.wasDerivedFrom)}
    cited |= {str(o) for o in data.objects(None, PROV.wasQuotedFrom)}
    assert sorted(c for c in cited if not c.startswith(PARA) or c[len(PARA) :] not in units) == []


def test_every_paragraph_of_the_report_is_an_entity(data: Graph, source_text: str) -> None:
    defined = {str(s)[len(PARA) :] for s in data.subjects(RDF.type, URIRef(IPBES + "Paragraph"))}
    assert set(split_units(source_text)) == defined


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


QUOTE = URIRef(IPBES + "quote")
CITATION = URIRef(IPBES + "Citation")
SUBJECT = URIRef(IPBES + "statementSubject")


def test_every_quote_is_in_the_raw_source(data: Graph, source_text: str) -> None:
    """Independently of the graph's paragraph texts: each quote, whitespace ignored, stands in the
    raw file once page headers, page numbers and link lines are deleted."""
    kept = [
        line
        for line in source_text.splitlines()
        if not _HEADER_LINE.match(line) and not line.startswith("http")
    ]
    raw = re.sub(r"\s+", "", "".join(kept))
    quotes = {str(q) for q in data.objects(None, QUOTE)}
    assert len(quotes) > 350  # distinct texts; several entities share a quote
    assert sorted(q for q in quotes if re.sub(r"\s+", "", q) not in raw) == []


def test_every_quote_belongs_to_a_citation(data: Graph) -> None:
    """Quotes sit on ipbes:Citation resources, one each, never on the entity itself."""
    holders = set(data.subjects(QUOTE, None))
    assert sorted(str(h) for h in holders if (h, RDF.type, CITATION) not in data) == []
    assert len(holders) == len(list(data.triples((None, QUOTE, None))))


# ------------------------------------------------------------------------------------------------
# The shapes on broken copies of the real data
# ------------------------------------------------------------------------------------------------


def _violations(home: Home, tmp_path: Path, name: str, old: str, new: str) -> set[tuple[str, str]]:
    """(focus, component) of the violations that one edit of one real data file adds."""
    copy = tmp_path / "data"
    copy.mkdir()
    for path in home.data_files():
        text = path.read_text(encoding="utf-8")
        if path.name == name:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        (copy / path.name).write_text(text, encoding="utf-8")
    files = home.vocabulary_files() + sorted(copy.glob("*.ttl"))
    results = validate_files(files, home.shapes_files()).results
    return {(r.focus, r.shape) for r in results if r.severity == "violation"}


def test_the_real_data_conforms(home: Home) -> None:
    files = home.vocabulary_files() + home.data_files()
    results = validate_files(files, home.shapes_files()).results
    assert [r for r in results if r.severity == "violation"] == []


def test_shapes_catch_a_quote_that_is_not_verbatim(home: Home, tmp_path: Path) -> None:
    got = _violations(
        home, tmp_path, "tsus.ttl",
        '"工作队的工作继续获得设在挪威特隆赫姆的挪威环境局的技术支持小组的支持"@zh',
        '"工作队的工作继续获得设在挪威奥斯陆的挪威环境局的技术支持小组的支持"@zh',
    )  # fmt: skip
    assert got == {("tsu:capacity-building#10a", "shape:QuoteVerbatim")}


def test_shapes_catch_a_citation_of_a_paragraph_that_does_not_exist(
    home: Home, tmp_path: Path
) -> None:
    got = _violations(
        home, tmp_path, "tsus.ttl",
        "<https://w3id.org/ipbes-kg/id/tsu/capacity-building#10a>\n    a ipbes:Citation ;\n"
        "    prov:wasQuotedFrom para:10a ;",
        "<https://w3id.org/ipbes-kg/id/tsu/capacity-building#10a>\n    a ipbes:Citation ;\n"
        "    prov:wasQuotedFrom para:99 ;",
    )  # fmt: skip
    assert ("tsu:capacity-building#10a", "shape:CitationRecord/prov:wasQuotedFrom") in got
    assert ("tsu:capacity-building#10a", "shape:QuoteVerbatim") in got


def test_shapes_catch_a_statement_neither_cited_nor_curated(home: Home, tmp_path: Path) -> None:
    got = _violations(
        home, tmp_path, "tsus.ttl",
        "    schema:location place:trondheim ;",
        "    schema:location place:trondheim ;\n    schema:endDate \"2019-08\"^^xsd:gYearMonth ;",
    )  # fmt: skip
    assert got == {("tsu:capacity-building", "shape:StatementCitedOrCurated")}
