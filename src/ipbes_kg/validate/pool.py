"""Queries of the set-based evaluators run side by side in a few daemon threads.

A pyoxigraph Store answers queries concurrently and lets go of the GIL while it evaluates one,
so two threads on two cores halve the time of a list of constraint queries (×100: 6.5 s →
3.3 s for the SPARQL constraints). Daemon threads, not a ``ThreadPoolExecutor``: the
interpreter joins an executor's threads before it exits, so Ctrl-C would wait for the slowest
query.
"""

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def in_threads(
    tasks: Sequence[Callable[[], list[T]]],
    workers: int | None = None,
    stop: threading.Event | None = None,
) -> list[T]:
    """Every task's items, in the order of the tasks; the first error raised, if any. Once
    ``stop`` is set, no task starts (the result is then incomplete: the caller set it aside)."""
    count = min(len(tasks), workers or os.cpu_count() or 1)
    if count <= 1:
        return [item for task in tasks if not (stop and stop.is_set()) for item in task()]
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

    def wait(self) -> T:
        while self._worker.is_alive():
            self._worker.join(0.1)
        if "error" in self._box:
            raise self._box["error"]
        value: T = self._box["value"]
        return value
