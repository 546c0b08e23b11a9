"""Queries of the set-based evaluators run side by side in a few daemon threads.

A pyoxigraph Store answers queries concurrently and lets go of the GIL while it evaluates one,
so two threads on two cores halve the time of a list of constraint queries (×100: 6.5 s →
3.3 s for the SPARQL constraints). Daemon threads, not a ``ThreadPoolExecutor``: the
interpreter joins an executor's threads before it exits, so Ctrl-C would wait for the slowest
query.

Each step of a pyoxigraph iterator (query solutions, a parser) lets go of the GIL and must take
it back: beside a thread busy in Python that is a wait of up to the switch interval (5 ms) per
row, so 7,138 rows took 30 s instead of 8 ms; making a ``Triple`` or ``BlankNode`` does the same. So
a worker only calls into the store: it fetches each answer whole (``fetch``: SPARQL JSON results
written by Oxigraph) and the caller's thread reads them (``rows``) once its own work is done.
"""

import os
import queue
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import pyoxigraph as ox

from ipbes_kg.query.results import SelectResult, from_json
from ipbes_kg.rdf.terms import Term

T = TypeVar("T")
Row = dict[str, Term]  # a solution: variable -> its value; unbound variables are left out


def fetch(store: ox.Store, query: str) -> bytes:
    """Every solution of a SELECT query, as SPARQL JSON results, in one call into the store:
    what a worker thread does (see the module's docstring); ``rows`` reads it, in any thread."""
    solutions = store.query(query)
    if not isinstance(solutions, ox.QuerySolutions):
        raise TypeError(f"not a SELECT query: {query[:60]}")
    return solutions.serialize(format=ox.QueryResultsFormat.JSON) or b""


def fetching(store: ox.Store, query: str | None) -> Callable[[], list[bytes]]:
    """A task for ``in_threads``: ``[fetch(store, query)]``, or ``[b""]`` with no query."""
    return lambda: [fetch(store, query) if query is not None else b""]


def rows(answer: bytes) -> tuple[list[str], list[Row]]:
    """(the projected variables, the solutions) of ``fetch``'s answer; a blank node keeps the
    store's label."""
    result = from_json(answer)
    if not isinstance(result, SelectResult):
        raise TypeError("the answer is not a SELECT query's")
    return result.variables, result.rows


def in_threads(
    tasks: Sequence[Callable[[], list[T]]],
    workers: int | None = None,
    stop: threading.Event | None = None,
    finished: queue.SimpleQueue[tuple[int, list[T]]] | None = None,
) -> list[T]:
    """Every task's items, in the order of the tasks; the first error raised, if any. Once
    ``stop`` is set, no task starts (the result is then incomplete: the caller set it aside).
    ``finished`` gets (the task's index, its items) as each task ends, for a reader in another
    thread that does not wait for all of them."""
    count = min(len(tasks), workers or os.cpu_count() or 1)
    parts: list[list[T]] = [[] for _ in tasks]
    errors: list[BaseException] = []
    todo = iter(range(len(tasks)))
    lock = threading.Lock()

    def work() -> None:
        while not errors and not (stop and stop.is_set()):
            with lock:
                i = next(todo, None)
            if i is None:
                return
            try:
                parts[i] = tasks[i]()
            except BaseException as exc:  # raised in the caller's thread below
                errors.append(exc)
                return
            if finished is not None:
                finished.put((i, parts[i]))

    if count <= 1:  # in this thread
        work()
    else:
        threads = [threading.Thread(target=work, daemon=True) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return [item for part in parts for item in part]


class Background(Generic[T]):
    """``run()`` in a worker thread, waited on from this one, so Ctrl-C is seen at once.

    A Rust engine does not come back to the interpreter until it is done, so a SIGINT would
    wait for the end of the validation; the main thread waits in short steps instead and gets
    KeyboardInterrupt within a tenth of a second (the daemon worker dies with the process; a
    ``ThreadPoolExecutor`` would not do: the interpreter joins its threads before exiting).
    The engine's native code releases the GIL, so the main thread does the Python work of the
    report (scanning files for positions, the checks) on another core meanwhile.
    """

    def __init__(self, run: Callable[[], T]) -> None:
        self._box: dict[str, Any] = {}

        def target() -> None:
            try:
                self._box["value"] = run()
            except BaseException as exc:  # handed to the main thread by wait()
                self._box["error"] = exc

        self._worker = threading.Thread(target=target, name="ipbes-kg-validate", daemon=True)
        self._worker.start()

    def running(self) -> bool:
        return self._worker.is_alive()

    def wait(self) -> T:
        while self._worker.is_alive():
            self._worker.join(0.1)
        if "error" in self._box:
            raise self._box["error"]
        value: T = self._box["value"]
        return value
