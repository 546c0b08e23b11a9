"""The real Oxigraph server the integration tests rely on: load triples, query them back."""

import json
import urllib.parse
import urllib.request

from conftest import OxigraphServer


def test_round_trip_through_the_graph_store_protocol(oxigraph: OxigraphServer) -> None:
    graph = "https://example.org/round-trip"
    body = '<https://example.org/a> <https://example.org/b> "漢字"@zh .\n'.encode()
    put = urllib.request.Request(
        f"{oxigraph.store_url}?graph={urllib.parse.quote(graph, safe='')}",
        data=body,
        method="PUT",
        headers={"Content-Type": "application/n-triples"},
    )
    with urllib.request.urlopen(put, timeout=10) as answer:
        assert answer.status in (201, 204)
    query = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    get = urllib.request.Request(
        f"{oxigraph.query_url}?query={urllib.parse.quote(query)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(get, timeout=10) as answer:
        bindings = json.load(answer)["results"]["bindings"]
    assert bindings == [{"o": {"type": "literal", "value": "漢字", "xml:lang": "zh"}}]
