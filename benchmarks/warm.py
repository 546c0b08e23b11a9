"""In-process measurements, run by run.py as a child process that prints JSON.

Modes (``python benchmarks/warm.py MODE ...``):

- ``load-embedded HOME RUNS`` — ``KnowledgeGraph(home=HOME).store``, RUNS times: the store
  every ``ipbes-kg query`` builds from the Turtle files (one strict pyoxigraph reader).
- ``load-bare GRAPH.nt RUNS`` — ``pyoxigraph.Store().bulk_load(GRAPH.nt)``, RUNS times: the floor.
- ``queries HOME GRAPH.nt RUNS BOUND_DIR SLOW NAME...`` — load both stores once, then for each
  canned query NAME: one untimed warm-up, then RUNS timed runs of each of
  ``kg.query(NAME, params=…)`` (binding, engine, conversion to the result model),
  ``kg.query(…).serialize(tsv|ttl)`` (what the CLI prints) and the bare floor
  ``store.query(text)`` + pyoxigraph's TSV/Turtle serialisation on the bare store
  (``BOUND_DIR/<name>.rq`` holds the bound query text). One JSON line per event.

Times are wall seconds (``time.perf_counter``); the parent reads the process's peak RSS.
"""

from __future__ import annotations

import gc
import io
import json
import re
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.IGNORECASE)


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def _bare_store(graph: str) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=graph, format=ox.RdfFormat.N_TRIPLES)
    return store


def _embedded_store(home: str) -> ox.Store:
    from ipbes_kg import KnowledgeGraph

    return KnowledgeGraph(home=home).store


def loads(make: Callable[[], ox.Store], runs: int) -> dict[str, Any]:
    """``make()`` RUNS times: the seconds of each and the store's size."""
    times = []
    size = 0
    for _ in range(runs):
        seconds, store = _timed(make)
        times.append(seconds)
        size = len(store)  # type: ignore[arg-type]
        del store
    return {"times": times, "triples": size}


def _bare_run(store: ox.Store, text: str) -> bytes:
    answer = store.query(text)
    out = io.BytesIO()
    if isinstance(answer, ox.QuerySolutions):
        answer.serialize(out, ox.QueryResultsFormat.TSV)
    elif isinstance(answer, ox.QueryTriples):
        answer.serialize(out, ox.RdfFormat.TURTLE)
    else:
        out.write(b"true\n" if answer else b"false\n")
    return out.getvalue()


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()


def _measure(entry: dict[str, Any], runs: int, slow: float, actions: dict[str, Any]) -> None:
    """Time each of ``actions`` (name → callable) RUNS times after a warm-up, or once if slow."""
    first, _ = _timed(actions["printed"])  # warm-up, unless the query is slow
    once = first > slow
    entry["slow"] = once
    for key, action in actions.items():
        if once:
            entry[key] = [first] if key == "printed" else [_timed(action)[0]]
            continue
        if key != "printed":
            _timed(action)
        entry[key] = [_timed(action)[0] for _ in range(runs)]


def queries(
    home_dir: str, graph: str, runs: int, bound_dir: str, slow: float, names: list[str]
) -> None:
    """Stream JSON lines: ``ready``, then ``start``/``done`` per query in ``names``."""
    from ipbes_kg import KnowledgeGraph

    kg = KnowledgeGraph(home=home_dir)
    store = kg.store
    bare = _bare_store(graph)
    params: dict[str, dict[str, str]] = {}
    if (Path(bound_dir) / "params.json").is_file():
        params = json.loads((Path(bound_dir) / "params.json").read_text(encoding="utf-8"))
    _emit({"event": "ready", "triples": len(store), "bare_triples": len(bare)})
    for name in names:
        _emit({"event": "start", "name": name})
        entry: dict[str, Any] = {"event": "done", "name": name}
        try:
            text = (Path(bound_dir) / f"{name}.rq").read_text(encoding="utf-8")
            given = params.get(name, {})
            answer = kg.query(name, params=given)
            fmt = "tsv" if answer.form in ("SELECT", "ASK") else "ttl"
            entry.update(form=answer.form, size=len(answer), ordered=bool(ORDER_BY.search(text)))
            actions = {
                "query": lambda name=name, given=given: kg.query(name, params=given),
                "printed": lambda name=name, given=given, fmt=fmt: kg.query(
                    name, params=given
                ).serialize(fmt),
                "bare": lambda text=text: _bare_run(bare, text),
            }
            _measure(entry, runs, slow, actions)
            printed = answer.serialize(fmt).encode("utf-8")
            floor = _bare_run(bare, text)
            entry["lines"] = {"printed": printed.count(b"\n"), "bare": floor.count(b"\n")}
        except Exception as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
            entry["traceback"] = traceback.format_exc(limit=3)
        _emit(entry)


def main(argv: list[str]) -> int:
    mode, *rest = argv
    if mode == "load-embedded":
        doc = loads(lambda: _embedded_store(rest[0]), int(rest[1]))
    elif mode == "load-bare":
        doc = loads(lambda: _bare_store(rest[0]), int(rest[1]))
    elif mode == "queries":
        queries(rest[0], rest[1], int(rest[2]), rest[3], float(rest[4]), rest[5:])
        return 0
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    json.dump(doc, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
