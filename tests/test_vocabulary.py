"""The vocabulary: FOOPS!/ROBOT-style metadata and term checks, and that every term used exists."""

import re
from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, VANN

from ipbes_kg.home import Home
from ipbes_kg.query.catalog import list_queries
from ipbes_kg.rdf.names import IPBES
from ipbes_kg.rdf.reader import load_graph
from ipbes_kg.validate.terms import declared_terms, graph_iris, unknown_terms

ONTOLOGY = URIRef("https://w3id.org/ipbes-kg/ontology")
CJK = re.compile(r"[\u4e00-\u9fff]")
IRI_IN_QUERY = re.compile(r"<([^<>\s]+)>|\b([A-Za-z][\w-]*):([A-Za-z_][\w.-]*)")


@pytest.fixture(scope="module")
def vocabulary(home: Home) -> Graph:
    return load_graph(home.vocabulary_files())


@pytest.fixture(scope="module")
def terms(vocabulary: Graph) -> list[URIRef]:
    return sorted(URIRef(t) for t in declared_terms(vocabulary))


def test_ontology_header(vocabulary: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in vocabulary
    version_iri = vocabulary.value(ONTOLOGY, OWL.versionIRI)
    assert isinstance(version_iri, URIRef) and version_iri != ONTOLOGY
    for prop in (OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.created,
                 DCTERMS.modified, DCTERMS.bibliographicCitation, VANN.preferredNamespacePrefix,
                 VANN.preferredNamespaceUri):  # fmt: skip
        assert vocabulary.value(ONTOLOGY, prop) is not None, prop
    assert isinstance(vocabulary.value(ONTOLOGY, DCTERMS.license), URIRef)
    assert str(vocabulary.value(ONTOLOGY, VANN.preferredNamespaceUri)) == IPBES
    assert not list(vocabulary.objects(ONTOLOGY, OWL.imports)), "validation must not fetch imports"


def test_vocabulary_declares_terms(terms: list[URIRef]) -> None:
    assert len(terms) > 30


def labels(graph: Graph, subject: URIRef, prop: URIRef = RDFS.label) -> list[Literal]:
    return [o for o in graph.objects(subject, prop) if isinstance(o, Literal)]


def test_each_term_has_one_label_per_language_and_one_definition_per_language(
    vocabulary: Graph, terms: list[URIRef]
) -> None:
    bad = {}
    for term in terms:
        tags = sorted(o.language or "-" for o in labels(vocabulary, term))
        definitions = sorted(o.language or "-" for o in labels(vocabulary, term, SKOS.definition))
        if tags != ["en", "zh"] or definitions not in (["en"], ["en", "zh"]):
            bad[str(term)] = (tags, definitions)
    assert bad == {}


def test_labels_are_in_the_language_they_claim(vocabulary: Graph) -> None:
    bad = []
    for s, label in vocabulary.subject_objects(RDFS.label):
        if isinstance(label, Literal) and label.language == "zh" and not CJK.search(str(label)):
            bad.append((s, label))
        if isinstance(label, Literal) and label.language == "en" and CJK.search(str(label)):
            bad.append((s, label))
    assert bad == []


def test_no_whitespace_around_annotations(vocabulary: Graph) -> None:
    bad = [(s, o) for s, p, o in vocabulary
           if p in (RDFS.label, SKOS.definition, SKOS.prefLabel) and str(o) != str(o).strip()]  # fmt: skip
    assert bad == []


def test_no_duplicate_labels(vocabulary: Graph, terms: list[URIRef]) -> None:
    counts = Counter((str(o), o.language) for t in terms for o in labels(vocabulary, t))
    assert [k for k, n in counts.items() if n > 1] == []


def test_definitions_are_sentences(vocabulary: Graph, terms: list[URIRef]) -> None:
    bad = [t for t in terms for d in labels(vocabulary, t, SKOS.definition)
           if d.language == "en" and not (str(d)[:1].isupper() and str(d).endswith("."))]  # fmt: skip
    assert bad == []


def test_minted_terms_refine_a_standard_term(vocabulary: Graph, terms: list[URIRef]) -> None:
    lonely = [t for t in terms
              if not list(vocabulary.objects(t, RDFS.subClassOf)) and not list(vocabulary.objects(t, RDFS.subPropertyOf))
              and (t, RDF.type, OWL.Class) in vocabulary]  # fmt: skip
    assert lonely == []


def _query_iris(home: Home) -> set[str]:
    iris = set()
    for query in list_queries(home.queries):
        prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", query.text, flags=re.I))
        body = re.sub(r"PREFIX\s+[\w-]*:\s*<[^>]*>", "", query.text, flags=re.I)
        body = "\n".join(
            line.split("#", 1)[0] if not line.lstrip().startswith("#") else ""
            for line in body.splitlines()
        )
        for full, prefix, local in IRI_IN_QUERY.findall(body):
            if full:
                iris.add(full)
            elif prefix in prefixes:
                iris.add(prefixes[prefix] + local)
    return iris


def test_every_term_used_is_declared_or_standard(home: Home, vocabulary: Graph) -> None:
    used = graph_iris(load_graph(home.data_files())) | _query_iris(home)
    if home.shapes_files():
        used |= graph_iris(load_graph(home.shapes_files()))
    assert unknown_terms(used, declared_terms(vocabulary)) == []


def test_a_typo_in_a_standard_term_is_caught() -> None:
    assert unknown_terms(["http://www.w3.org/ns/org#hasSight"], set()) == [
        "http://www.w3.org/ns/org#hasSight"
    ]


def test_every_minted_term_is_used(home: Home, terms: list[URIRef]) -> None:
    used = graph_iris(load_graph(home.data_files())) | _query_iris(home)
    if home.shapes_files():
        used |= graph_iris(load_graph(home.shapes_files()))
    assert [str(t) for t in terms if str(t) not in used] == []
