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
from typing import TypeVar

T = TypeVar("T")


def in_threads(tasks: Sequence[Callable[[], list[T]]], workers: int | None = None) -> list[T]:
    """Every task's items, in the order of the tasks; the first error raised, if any."""
    count = min(len(tasks), workers or os.cpu_count() or 1)
    if count <= 1:
        return [item for task in tasks for item in task()]
    parts: list[list[T]] = [[] for _ in tasks]
    errors: list[BaseException] = []
    todo = iter(range(len(tasks)))
    lock = threading.Lock()

    def work() -> None:
        while not errors:
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
