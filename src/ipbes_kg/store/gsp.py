"""The requests a load makes: Graph Store Protocol PUT/POST, SPARQL Update batches, the count,
and the one-request swap of a staging graph into place.

The Graph Store target is always named (``?default`` or ``?graph=IRI``): a bare ``POST`` makes
Oxigraph create a new graph. SPARQL Update bodies carry no charset parameter (Fuseki answers
400 to one, rdflib #2420).
"""

import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from ipbes_kg.errors import UserError
from ipbes_kg.http import Client, Progress, Sent, public_url
from ipbes_kg.store.target import RDF4J_NIL, Target

NTRIPLES = "application/n-triples"


def gsp_url(base: str, graph: str | None) -> str:
    """The Graph Store URL for ``graph`` (None: the default graph)."""
    join = "&" if urllib.parse.urlsplit(base).query else "?"
    if graph is None:
        return f"{base}{join}default"
    return f"{base}{join}graph={urllib.parse.quote(graph, safe='')}"


def send_graph(
    client: Client, url: str, path: Path, replace: bool, progress: Progress | None
) -> None:
    """PUT (replace) or POST (add) the N-Triples file at ``path``, streamed."""
    client.request(
        "PUT" if replace else "POST",
        url,
        kind="Graph Store",
        body=Sent(path, progress),
        headers={"Content-Type": NTRIPLES},
    )


def update(client: Client, target: Target, text: str) -> None:
    """One SPARQL Update request."""
    assert target.update_url is not None
    client.request(
        "POST",
        target.update_url,
        kind="update",
        body=text.encode("utf-8"),
        headers={"Content-Type": "application/sparql-update"},
    )


def graph_ref(graph: str | None) -> str:
    """``GRAPH <iri>`` or ``DEFAULT``, for DROP/MOVE."""
    return f"GRAPH <{graph}>" if graph else "DEFAULT"


def update_batches(
    path: Path, graph: str | None, batch_size: int, first_drops: bool
) -> Iterator[tuple[str, int]]:
    """SPARQL Update requests, INSERT DATA of at most ``batch_size`` triples each, and the
    bytes of the file each one covers. With ``first_drops`` the first request also drops the
    graph (a graph that fits in one batch is then replaced in one request)."""
    target = f"GRAPH <{graph}>" if graph else ""
    drop = f"DROP SILENT {graph_ref(graph)} ;\n"
    first = True
    lines: list[str] = []

    def render(batch: list[str]) -> str:
        nonlocal first
        inner = "".join(batch)
        block = f"{target} {{\n{inner}}}" if target else inner
        text = f"{drop if first and first_drops else ''}INSERT DATA {{\n{block}\n}}\n"
        first = False
        return text

    consumed = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            consumed += len(line.encode("utf-8"))
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            lines.append(stripped + "\n")
            if len(lines) >= batch_size:
                yield render(lines), consumed
                lines, consumed = [], 0
    if lines or first:
        yield render(lines), consumed


def send_batches(
    client: Client,
    target: Target,
    path: Path,
    graph: str | None,
    batch_size: int,
    first_drops: bool,
    progress: Progress | None,
) -> int:
    """INSERT DATA the file in batches; the number of requests."""
    sent = 0
    for text, covered in update_batches(path, graph, batch_size, first_drops):
        update(client, target, text)
        sent += 1
        if progress is not None:
            progress(covered)
    return sent


def count_query(graph: str | None, store: str) -> str:
    if graph is not None:
        return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    if store == "graphdb":
        return f"SELECT (COUNT(*) AS ?n) FROM <{RDF4J_NIL}> WHERE {{ ?s ?p ?o }}"
    return "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count_triples(client: Client, target: Target, graph: str | None) -> int:
    """The number of triples in the graph, by a SPARQL query on the store."""
    response = client.request(
        "POST",
        target.query_url,
        kind="query",
        body=urllib.parse.urlencode({"query": count_query(graph, target.store)}).encode("ascii"),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        doc = json.loads(response.read())
        return int(doc["results"]["bindings"][0]["n"]["value"])
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise UserError(
            f"{public_url(target.query_url)}: the answer to the count query is not SPARQL JSON "
            "results; is this the query endpoint? check --store or --query-url"
        ) from exc


def swap(client: Client, target: Target, staging: str, graph: str | None) -> None:
    """Put the staging graph in place of ``graph`` in one SPARQL Update request (MOVE drops the
    target, copies the staging graph into it and drops the staging graph)."""
    update(client, target, f"MOVE SILENT GRAPH <{staging}> TO {graph_ref(graph)}")


def drop(client: Client, target: Target, graph: str) -> None:
    update(client, target, f"DROP SILENT GRAPH <{graph}>")
