"""Which IRIs are vocabulary terms we know: standard vocabularies and our own declarations.

A typo such as ``org:hasSight`` is not a term of W3C ORG; it must be caught, not silently
become a new property. rdflib ships closed term lists for most standard vocabularies; ELI and
Web Annotation are listed here from their specifications (only the terms this project may use).
"""

from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import (
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VANN,
    XSD,
    DefinedNamespace,
)

from ipbes_kg.rdf.names import IPBES

ELI = "http://data.europa.eu/eli/ontology#"
OA = "http://www.w3.org/ns/oa#"
_ELI_TERMS = {
    "LegalResource", "LegalResourceSubdivision", "LegalExpression", "Format", "is_part_of",
    "has_part", "passed_by", "id_local", "date_document", "type_document", "title", "number",
    "cites", "cited_by", "is_about", "based_on", "changes", "repeals", "date_publication",
}  # fmt: skip
_OA_TERMS = {
    "Annotation", "TextQuoteSelector", "SpecificResource", "exact", "prefix", "suffix",
    "hasTarget", "hasSource", "hasSelector", "hasBody",
}  # fmt: skip
_STANDARD: tuple[type[DefinedNamespace], ...] = (
    DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, TIME, VANN, XSD,
)  # fmt: skip


def _names(namespace: type[DefinedNamespace]) -> set[str]:
    names = set(namespace.__annotations__) | set(getattr(namespace, "_extras", []))
    return names


STANDARD_TERMS: dict[str, set[str]] = {str(ns._NS): _names(ns) for ns in _STANDARD}
STANDARD_TERMS[ELI] = _ELI_TERMS
STANDARD_TERMS[OA] = _OA_TERMS
# rdf:_1, rdf:_2 … are container membership properties, valid without being listed.
_RDF = str(RDF._NS)
RDF_TYPE = str(RDF.type)


def namespace_of(iri: str) -> str | None:
    """The standard or project vocabulary namespace an IRI is in, if any."""
    for namespace in (*STANDARD_TERMS, IPBES):
        if iri.startswith(namespace):
            return namespace
    return None


def declared_terms(vocabulary: Graph) -> set[str]:
    """ipbes: terms the vocabulary declares (any subject in the namespace with a type)."""
    return {
        str(s)
        for s in vocabulary.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(IPBES)
    }


def unknown_terms(iris: Iterable[str], declared: set[str]) -> list[str]:
    """IRIs in a vocabulary namespace that are not terms of that vocabulary."""
    unknown = set()
    for iri in iris:
        namespace = namespace_of(iri)
        if namespace is None:
            continue
        if namespace == IPBES:
            if iri not in declared:
                unknown.add(iri)
            continue
        local = iri[len(namespace) :]
        if namespace == _RDF and local.startswith("_") and local[1:].isdigit():
            continue
        if local and local not in STANDARD_TERMS[namespace]:
            unknown.add(iri)
    return sorted(unknown)


def graph_iris(graph: Graph) -> set[str]:
    """Every IRI in any position of the graph."""
    return {str(term) for triple in graph for term in triple if isinstance(term, URIRef)}
