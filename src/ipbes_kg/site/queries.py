"""The canned queries as pages: description, parameters, the SPARQL that ran, and its answer.

Each query runs in-process on the store the site is built from, with its defaults, through the
same binding code as ``ipbes-kg query`` (``ipbes_kg.query``), so the page shows what the command
prints. A required parameter without a default takes the first example the query's description
gives (``for example place:JP``) that names an entity of the graph; the page says so.
"""

import re
from typing import Any

import pyoxigraph as ox

from ipbes_kg.site.model import Graph
from ipbes_kg.site.project import (
    PREFIXES,
    XSD,
    AskResult,
    CannedQuery,
    GraphResult,
    Home,
    SelectResult,
    bind,
    list_queries,
    render,
    run_embedded,
    with_values,
)
from ipbes_kg.site.render import Renderer

_CURIE = re.compile(r"\b([a-z]+):([A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])")


def example(query: CannedQuery, name: str, graph: Graph) -> str | None:
    """The first CURIE in the description that names a subject of the graph."""
    for prefix, local in _CURIE.findall(query.description):
        if prefix in PREFIXES and graph.outgoing(ox.NamedNode(PREFIXES[prefix] + local)):
            return f"{prefix}:{local}"
    return None


def query_page_path(name: str) -> str:
    return f"queries/{name}/index.html"


def query_context(r: Renderer, query: CannedQuery, store: ox.Store, here: str) -> dict[str, Any]:
    given: dict[str, str] = {}
    notes: list[str] = []
    for param in query.parameters:
        if param.required and param.default is None:
            value = example(query, param.name, r.graph)
            if value is not None:
                given[param.name] = value
                notes.append(f"{param.name} = {value} (the example of the description)")
    answer: dict[str, Any] = {"kind": "none"}
    bound = query.text
    if all(p.name in given or not p.required for p in query.parameters):
        bindings = bind(query, given)
        bound = with_values(query, bindings)
        result = run_embedded(query, bindings, store)
        if isinstance(result, SelectResult):
            answer = {
                "kind": "table",
                "variables": result.variables,
                "rows": [
                    [r.link(row[v], here) if v in row else "" for v in result.variables]
                    for row in result.rows
                ],
            }
        elif isinstance(result, AskResult):
            answer = {"kind": "ask", "value": "yes (true)" if result.value else "no (false)"}
        elif isinstance(result, GraphResult):
            answer = {"kind": "graph", "text": render(result, "ttl"), "count": len(result.triples)}
    return {
        "title": query.summary or query.name,
        "query": query,
        "parameters": [
            {
                "name": p.name,
                "kind": p.kind.removeprefix(XSD).replace("lang:", "@"),
                "required": p.required,
                "default": p.default,
            }
            for p in query.parameters
        ],
        "notes": notes,
        "sparql": bound,
        "answer": answer,
        "command": f"ipbes-kg query {query.name}"
        + "".join(f" -p {name}={value}" for name, value in sorted(given.items())),
    }


def all_queries(home: Home) -> list[CannedQuery]:
    return list_queries(home.queries)
