"""Names: the project's prefixes, and CURIEs both ways (the one place that writes or reads them).

One table serves the formatter, query parameters (``tsu:ilk``), result tables, validation
reports and the docs; an unknown prefix is an error with a did-you-mean, never a silent
relative IRI that matches nothing.
"""

import difflib
import re
from functools import cache
from typing import TYPE_CHECKING

from ipbes_kg.errors import UserError

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
SHAPES = "https://w3id.org/ipbes-kg/shapes#"
# The shapes' own names print as shape:…; not a prefix of the data, so not in PREFIXES.
_DISPLAY = {**PREFIXES, "shape": SHAPES}
# A local name that Turtle and SPARQL accept unescaped (a subset of PN_LOCAL).
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def bind_prefixes(graph: "Graph") -> "Graph":
    """Bind the project's prefixes (and only those) so output is the same on every machine."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


@cache  # a report or a table names the same few thousand IRIs many times
def curie(iri: str) -> str:
    """Shorten an IRI with the longest matching project prefix; unknown IRIs stay in <…>."""
    best = ""
    for prefix, namespace in _DISPLAY.items():
        if iri.startswith(namespace) and len(namespace) > len(_DISPLAY.get(best, "")):
            best = prefix
    if not best:
        return f"<{iri}>"
    return f"{best}:{iri[len(_DISPLAY[best]) :]}"


def turtle_name(iri: str) -> str:
    """The IRI as Turtle/SPARQL writes it: a CURIE when the local part needs no escaping."""
    written = curie(iri)
    prefix, _, local = written.partition(":")
    if written.startswith("<") or prefix == "shape" or (local and not _LOCAL.fullmatch(local)):
        return f"<{iri}>"
    return written


def expand(value: str, what: str = "this value") -> str:
    """A CURIE of the project's prefixes or an absolute IRI, as an absolute IRI.

    ``tsu:ilk`` → ``https://w3id.org/ipbes-kg/id/tsu/ilk``; ``http://…`` stays; ``foo:bar``
    with an unknown prefix is an error naming the closest known prefixes.
    """
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if not sep:
        raise UserError(f"{what} needs an IRI or a CURIE such as tsu:ilk, not {value!r}")
    if prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if local.startswith("//") or prefix in ("urn", "mailto", "file", "doi"):
        return value
    close = difflib.get_close_matches(prefix, list(PREFIXES), n=3)
    hint = f"did you mean {', '.join(c + ':' + local for c in close)}? " if close else ""
    raise UserError(
        f"{what} {value!r}: unknown prefix '{prefix}:'; {hint}"
        "'ipbes-kg queries' documents the prefixes, or give a full IRI"
    )


def sparql_prologue(used_in: str | None = None) -> str:
    """PREFIX lines for the project's prefixes (only those ``used_in`` mentions, if given)."""
    return "".join(
        f"PREFIX {p}: <{ns}>\n"
        for p, ns in PREFIXES.items()
        if used_in is None or re.search(rf"(?<![\w-]){re.escape(p)}:", used_in)
    )
