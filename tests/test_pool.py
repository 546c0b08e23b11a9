"""validate/pool.py: answers fetched whole by a worker read back as the terms the store holds."""

from __future__ import annotations

import queue
import threading

import pyoxigraph as ox
import pytest

from ipbes_kg.validate.pool import fetch, fetching, in_threads, rows

EX = "http://example.org/"


def _store() -> ox.Store:
    store = ox.Store()
    b = ox.BlankNode("b1")
    store.bulk_extend(
        [
            ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("x", language="en")),
            ox.Quad(ox.NamedNode(EX + "s"), ox.NamedNode(EX + "q"), b),
            ox.Quad(b, ox.NamedNode(EX + "n"), ox.Literal("7", datatype=ox.NamedNode(EX + "t"))),
            ox.Quad(b, ox.NamedNode(EX + "m"), ox.Literal("plain")),
        ]
    )
    return store


QUERY = f"SELECT ?s ?o ?unbound WHERE {{ ?s ?p ?o OPTIONAL {{ ?o <{EX}none> ?unbound }} }}"


def test_rows_give_the_terms_the_store_iterates() -> None:
    store = _store()
    variables, answer = rows(fetch(store, QUERY))
    solutions = store.query(QUERY)
    assert isinstance(solutions, ox.QuerySolutions)
    expected = [
        {name: row[name] for name in ("s", "o", "unbound") if row[name] is not None}
        for row in solutions
    ]
    assert variables == ["s", "o", "unbound"]
    assert sorted(map(repr, answer)) == sorted(map(repr, expected))
    assert ox.BlankNode("b1") in {row["s"] for row in answer}  # the store's label, kept
    assert all("unbound" not in row for row in answer)


def test_fetching_in_threads_keeps_the_order_of_the_tasks() -> None:
    store = _store()
    queries = [f"SELECT ?o WHERE {{ ?s <{EX}{p}> ?o }}" for p in ("p", "n", "m")]
    answers = in_threads([fetching(store, q) for q in queries] + [fetching(store, None)], 2)
    assert [[row["o"] for row in rows(a)[1]] for a in answers[:3]] == [
        [ox.Literal("x", language="en")],
        [ox.Literal("7", datatype=ox.NamedNode(EX + "t"))],
        [ox.Literal("plain")],
    ]
    assert answers[3] == b""


def test_json_results_keep_valid_labels_and_mend_virtuoso_ids() -> None:
    """One reader of SPARQL JSON results for the store's answers and remote endpoints': a valid
    label is kept as the store wrote it, Virtuoso's ``nodeID://…`` ids are made valid."""
    body = (
        b'{"head": {"vars": ["a", "b", "c"]}, "results": {"bindings": [{'
        b'"a": {"type": "bnode", "value": "x-1.y"},'
        b'"b": {"type": "bnode", "value": "nodeID://b10006"},'
        b'"c": {"type": "typed-literal", "value": "7", "datatype": "' + EX.encode() + b't"}}]}}'
    )
    variables, answer = rows(body)
    assert variables == ["a", "b", "c"]
    assert answer == [
        {
            "a": ox.BlankNode("x-1.y"),
            "b": ox.BlankNode("nodeID___b10006"),
            "c": ox.Literal("7", datatype=ox.NamedNode(EX + "t")),
        }
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_in_threads_reports_each_task_as_it_ends_and_raises_the_first_error(workers: int) -> None:
    finished: queue.SimpleQueue[tuple[int, list[int]]] = queue.SimpleQueue()
    assert in_threads([lambda n=n: [n, n] for n in range(5)], workers, finished=finished) == [
        0, 0, 1, 1, 2, 2, 3, 3, 4, 4,
    ]  # fmt: skip
    told = sorted(finished.get_nowait() for _ in range(5))
    assert told == [(n, [n, n]) for n in range(5)] and finished.empty()

    def broken() -> list[int]:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        in_threads([broken], workers)
    stop = threading.Event()
    stop.set()
    ran: list[int] = []
    assert in_threads([lambda: ran.append(1) or [1]] * 3, workers, stop=stop) == []
    assert ran == []
