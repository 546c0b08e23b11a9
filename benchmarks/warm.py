"""In-process measurements, run by run.py as a child process that prints one JSON document.

Modes (``python benchmarks/warm.py MODE ...``):

- ``load-embedded HOME RUNS`` — ``ipbes_kg.query.load_store(home.graph_files())``, RUNS times:
  the embedded store ``ipbes-kg query`` builds on every call (Turtle files → pyoxigraph).
- ``load-bare GRAPH.nt RUNS`` — ``pyoxigraph.Store().bulk_load(GRAPH.nt)``, RUNS times: the floor.
- ``queries HOME GRAPH.nt RUNS BOUND_DIR SLOW NAME...`` — load both stores once, then for each
  canned query NAME: one untimed warm-up, then RUNS timed runs of each of
  ``run_embedded`` (engine + conversion to the result model), ``run_embedded`` + ``render``
  (what the CLI prints) and the bare floor ``store.query(text)`` + TSV/Turtle serialisation
  on the bare store (``BOUND_DIR/<name>.rq`` holds the bound query text).

Times are wall seconds (``time.perf_counter``); the parent reads the process's peak RSS.
"""

from __future__ import annotations

import gc
import io
import json
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    gc.collect()
    started = time.perf_counter()
    value = action()
    return time.perf_counter() - started, value


def load_embedded(home_dir: str, runs: int) -> dict[str, Any]:
    from ipbes_kg.home import Home
    from ipbes_kg.query.engine import load_store

    files = Home(Path(home_dir).resolve()).graph_files()
    times = []
    size = 0
    for _ in range(runs):
        seconds, store = _timed(lambda: load_store(files))
        times.append(seconds)
        size = len(store)  # type: ignore[arg-type]
        del store
    return {"times": times, "triples": size}


def load_bare(graph: str, runs: int) -> dict[str, Any]:
    def load() -> ox.Store:
        store = ox.Store()
        store.bulk_load(path=graph, format=ox.RdfFormat.N_TRIPLES)
        return store

    times = []
    size = 0
    for _ in range(runs):
        seconds, store = _timed(load)
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


def _size(result: object) -> int:
    for attribute in ("rows", "triples"):
        value = getattr(result, attribute, None)
        if value is not None:
            return len(value)
    graph = getattr(result, "graph", None)
    return len(graph) if graph is not None else 1


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc) + "\n")
    sys.stdout.flush()


def queries(
    home_dir: str, graph: str, runs: int, bound_dir: str, slow: float, names: list[str]
) -> None:
    """Stream JSON lines: ``ready``, then ``start``/``done`` per query in ``names``."""
    from ipbes_kg.home import Home
    from ipbes_kg.query import catalog
    from ipbes_kg.query import engine as query
    from ipbes_kg.query.formats import render
    from ipbes_kg.query.params import bind

    home = Home(Path(home_dir).resolve())
    store = query.load_store(home.graph_files())
    bare = ox.Store()
    bare.bulk_load(path=graph, format=ox.RdfFormat.N_TRIPLES)
    params: dict[str, dict[str, str]] = {}
    if (Path(bound_dir) / "params.json").is_file():
        params = json.loads((Path(bound_dir) / "params.json").read_text(encoding="utf-8"))
    _emit({"event": "ready", "triples": len(store), "bare_triples": len(bare)})
    for name in names:
        _emit({"event": "start", "name": name})
        entry: dict[str, Any] = {"event": "done", "name": name}
        try:
            canned = catalog.resolve(name, home.queries)
            bindings = bind(canned, params.get(name, {}))
            text = (Path(bound_dir) / f"{name}.rq").read_text(encoding="utf-8")
            fmt = "tsv" if canned.form in ("SELECT", "ASK") else "ttl"

            def embedded(canned: Any = canned, bindings: Any = bindings) -> object:
                return query.run_embedded(canned, bindings, store)

            def printed(canned: Any = canned, bindings: Any = bindings, fmt: str = fmt) -> object:
                result = query.run_embedded(canned, bindings, store)
                return render(result, fmt)

            def floor(text: str = text) -> bytes:
                return _bare_run(bare, text)

            entry["form"] = canned.form
            first, value = _timed(embedded)  # warm-up, unless the query is slow
            entry["size"] = _size(value)
            if first > slow:
                entry["embedded"] = [first]
                seconds, lines = _timed(floor)
                entry["bare"] = [seconds]
                entry["slow"] = True
            else:
                entry["embedded"] = [_timed(embedded)[0] for _ in range(runs)]
                _timed(printed)
                entry["printed"] = [_timed(printed)[0] for _ in range(runs)]
                _, lines = _timed(floor)
                entry["bare"] = [_timed(floor)[0] for _ in range(runs)]
            if isinstance(lines, bytes):
                entry["bare_lines"] = lines.count(b"\n")
        except Exception as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
            entry["traceback"] = traceback.format_exc(limit=3)
        _emit(entry)


def main(argv: list[str]) -> int:
    mode, *rest = argv
    if mode == "load-embedded":
        doc = load_embedded(rest[0], int(rest[1]))
    elif mode == "load-bare":
        doc = load_bare(rest[0], int(rest[1]))
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
