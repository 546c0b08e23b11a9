"""Running a canned query on a SPARQL 1.1 query endpoint (the SPARQL 1.1 Protocol over
``ipbes_kg.http``), with the answer in the same ``Result`` model as the in-process engine.

The query goes as a POST of URL-encoded parameters (``query=…``, SPARQL 1.1 Protocol
§2.1.2) with an ``Accept`` header for the form we know from our own lexer: SPARQL JSON results
for SELECT/ASK, N-Triples or Turtle for CONSTRUCT/DESCRIBE. Not the direct POST of
``application/sparql-query`` (§2.1.3): Virtuoso 7.2 never answers one.
``graph`` names the dataset's default graph (``default-graph-uri``), for stores that were
loaded into a named graph.
"""

from collections.abc import Mapping
from urllib.parse import urlencode

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.http import Client, Settings, check_url, public_url
from ipbes_kg.query.binding import bound_text
from ipbes_kg.query.catalog import CannedQuery
from ipbes_kg.query.engine import check_read_only
from ipbes_kg.query.results import GraphResult, Result, Term, from_json
from ipbes_kg.rdf import reader

RESULTS_JSON = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9"

__all__ = ["check_url", "parse_answer", "public_url", "run_remote", "run_text"]


def run_remote(
    query: CannedQuery,
    bindings: Mapping[str, Term],
    url: str,
    timeout: float,
    graph: str | None = None,
) -> Result:
    """Run the canned ``query`` with ``bindings`` on the endpoint at ``url``."""
    check_read_only(query)
    return run_text(bound_text(query, bindings), query.form, url, timeout, graph)


def run_text(
    text: str, form: str, url: str, timeout: float = 30.0, graph: str | None = None
) -> Result:
    """Run SPARQL ``text`` of query ``form`` (SELECT, ASK, CONSTRUCT, DESCRIBE) at ``url``."""
    check_url(url)
    if graph is not None:
        check_graph_iri(graph)
    graph_form = form in ("CONSTRUCT", "DESCRIBE")
    fields = {"query": text, **({"default-graph-uri": graph} if graph else {})}
    with Client(Settings(timeout=timeout, tries=2)) as client:
        response = client.request(
            "POST",
            url,
            kind="query",
            body=urlencode(fields).encode("ascii"),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": GRAPH_TYPES if graph_form else RESULTS_JSON,
            },
        )
        body = response.read()
        media = response.headers.get("content-type", "")
    return parse_answer(body, media, form, url)


def parse_answer(body: bytes, media: str, form: str, where: str) -> Result:
    """A query answer (SPARQL JSON results, or N-Triples/Turtle for CONSTRUCT and DESCRIBE)
    from ``where`` as a ``Result``; a one-line error if it is neither."""
    media = media.split(";")[0].strip().lower()
    if form in ("CONSTRUCT", "DESCRIBE"):
        turtle = media not in ("application/n-triples", "text/plain")
        fmt = ox.RdfFormat.TURTLE if turtle else ox.RdfFormat.N_TRIPLES
        return GraphResult(reader.parse_bytes(body, fmt, public_url(where)))
    try:
        return from_json(body)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UserError(
            f"{public_url(where)}: the answer is not SPARQL JSON results ({media or 'no type'}); "
            "is this a SPARQL query endpoint?"
        ) from exc


def check_graph_iri(iri: str) -> str:
    """``iri`` if it is an absolute IRI (as pyoxigraph reads IRIs), else a one-line error."""
    try:
        if ":" not in iri:
            raise ValueError("relative")
        ox.NamedNode(iri)
    except ValueError:
        raise UserError(
            f"--graph {iri!r} is not an absolute IRI; write e.g. https://example.org/graph"
        ) from None
    return iri
