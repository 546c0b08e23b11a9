"""The project's prefixes: one table used by the formatter, CURIE rendering and the docs."""

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rdflib is slow to import; the query path does not need it
    from rdflib import Graph

IPBES = "https://w3id.org/ipbes-kg/ontology#"
ID = "https://w3id.org/ipbes-kg/id/"
CODE = "https://w3id.org/ipbes-kg/code/"

PREFIXES: dict[str, str] = {
    "ipbes": IPBES,
    "status": CODE + "status/",
    "outputkind": CODE + "output-kind/",
    "contribkind": CODE + "contribution-kind/",
    "eventkind": CODE + "event-kind/",
    "body": ID + "body/",
    "post": ID + "post/",
    "grade": ID + "grade/",
    "staffing": ID + "staffing/",
    "doc": ID + "document/",
    "para": ID + "document/IPBES-7-2/para/",
    "decision": ID + "decision/",
    "wp": ID + "work-programme/",
    "objective": ID + "objective/",
    "deliverable": ID + "deliverable/",
    "assessment": ID + "assessment/",
    "output": ID + "output/",
    "tsu": ID + "tsu/",
    "agent": ID + "organization/",
    "place": ID + "place/",
    "contribution": ID + "contribution/",
    "event": ID + "event/",
    "partnership": ID + "partnership/",
    "programme": ID + "programme/",
    "resource": ID + "resource/",
    "concept": ID + "concept/",
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "vann": "http://purl.org/vocab/vann/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def bind_prefixes(graph: "Graph") -> "Graph":
    """Bind the project's prefixes (and only those) so output is the same on every machine."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


@cache  # a report or a table names the same few thousand IRIs many times
def curie(iri: str) -> str:
    """Shorten an IRI with the longest matching project prefix; unknown IRIs stay in <…>."""
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if not best:
        return f"<{iri}>"
    return f"{best}:{iri[len(PREFIXES[best]) :]}"
