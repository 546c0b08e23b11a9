"""Where to send: the Graph Store, query and update URLs of each kind of store.

| store     | Graph Store                    | query                 | update                |
|-----------|--------------------------------|-----------------------|-----------------------|
| oxigraph  | /store                         | /query                | /update               |
| fuseki    | /DATASET/data                  | /DATASET/sparql       | /DATASET/update       |
| graphdb   | /repositories/ID/rdf-graphs/service | /repositories/ID | /repositories/ID/statements |
| virtuoso  | /sparql-graph-crud[-auth]      | /sparql[-auth]        | /sparql[-auth]        |

Virtuoso takes credentials only on its ``-auth`` endpoints (HTTP Digest); they are chosen when
credentials are set.
"""

import urllib.parse
from typing import NamedTuple

from ipbes_kg.errors import UserError
from ipbes_kg.http import check_url, credentials, public_url
from ipbes_kg.query.remote import check_graph_iri

STORES = ("oxigraph", "fuseki", "graphdb", "virtuoso", "generic")
# GraphDB (RDF4J) queries see the union of all graphs; this name means the real default graph.
RDF4J_NIL = "http://rdf4j.org/schema/rdf4j#nil"

__all__ = ["RDF4J_NIL", "STORES", "Target", "check_graph_iri", "resolve_target"]


class Target(NamedTuple):
    """The store's Graph Store, query and update URLs."""

    store: str
    gsp_url: str | None
    query_url: str
    update_url: str | None


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _derived(
    store: str, endpoint: str, dataset: str | None, repository: str | None
) -> tuple[str, str, str]:
    if store == "oxigraph":
        return _join(endpoint, "/store"), _join(endpoint, "/query"), _join(endpoint, "/update")
    if store == "fuseki":
        if not dataset:
            raise UserError(
                "--store fuseki needs --dataset NAME (the part after the host: /NAME/…)"
            )
        base = _join(endpoint, "/" + urllib.parse.quote(dataset.strip("/")))
        return base + "/data", base + "/sparql", base + "/update"
    if store == "graphdb":
        if not repository:
            raise UserError("--store graphdb needs --repository ID (the GraphDB repository)")
        base = _join(endpoint, "/repositories/" + urllib.parse.quote(repository))
        return base + "/rdf-graphs/service", base, base + "/statements"
    # virtuoso
    return (
        _join(endpoint, "/sparql-graph-crud"),
        _join(endpoint, "/sparql"),
        _join(endpoint, "/sparql"),
    )


def resolve_target(
    store: str,
    endpoint: str | None,
    dataset: str | None = None,
    repository: str | None = None,
    gsp_url: str | None = None,
    query_url: str | None = None,
    update_url: str | None = None,
) -> Target:
    """The URLs for a store kind and base URL; explicit URLs win over the derived ones."""
    if store not in STORES:
        raise UserError(f"--store {store!r}: choose one of {', '.join(STORES)}")
    if endpoint is not None:
        check_url(endpoint, "--endpoint")
        if urllib.parse.urlsplit(endpoint).query:
            raise UserError(f"--endpoint {public_url(endpoint)}: give the base URL, no '?…'")
    for option, url in (
        ("--gsp-url", gsp_url),
        ("--query-url", query_url),
        ("--update-url", update_url),
    ):
        if url is not None:
            check_url(url, option)
    derived: tuple[str | None, str | None, str | None] = (None, None, None)
    if store != "generic":
        if endpoint is None:
            raise UserError(
                f"--store {store} needs --endpoint, the server's base URL (e.g. http://localhost:7878)"
            )
        derived = _derived(store, endpoint, dataset, repository)
    elif endpoint is not None and not (gsp_url or query_url or update_url):
        raise UserError(
            "--store generic needs --query-url and --gsp-url or --update-url; "
            "or choose --store oxigraph|fuseki|graphdb|virtuoso"
        )
    gsp = gsp_url or derived[0]
    query = query_url or derived[1]
    update = update_url or derived[2]
    if store == "virtuoso" and endpoint is not None and credentials(endpoint):
        # Virtuoso's authenticated variants (Digest): /sparql-graph-crud-auth, /sparql-auth
        gsp = gsp if gsp_url or gsp is None else gsp + "-auth"
        update = update if update_url or update is None else update + "-auth"
        query = query if query_url or query is None else query + "-auth"
    if query is None:
        raise UserError("give --query-url: the count after loading needs a SPARQL query endpoint")
    if gsp is None and update is None:
        raise UserError("give --gsp-url (Graph Store Protocol) or --update-url (SPARQL Update)")
    return Target(store, gsp, query, update)
