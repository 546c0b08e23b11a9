"""In-process measurements through ``warm.py``: the embedded store load and warm queries.

- ``store_loads``: ``KnowledgeGraph(home).store`` (Turtle files, the strict reader) against
  ``pyoxigraph.Store.bulk_load(graph.nt)``, each in a child of its own;
- ``warm_queries``: every canned query on a store loaded once, through the public API, against
  the same bound text on a bare store. A query projected (from the smaller scales) to take
  longer than ``--query-timeout`` is skipped; a worker that stops answering is killed and a
  new one carries on with the queries left.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from harness import BENCH, PY, WORK, Worker, run_process
from pairs import Context, op_result

LOAD_LABELS = {
    "store-load": "embedded store load: `KnowledgeGraph(home).store` (Turtle files, in-process)",
    "bare-load": "bare `pyoxigraph.Store().bulk_load(graph.nt)` (in-process)",
}


def store_loads(ctx: Context, home: Path, triples: int) -> dict[str, Any]:
    args = ctx.args
    out: dict[str, Any] = {}
    for key, source in (("store-load", home), ("bare-load", home / "graph.nt")):
        base = "bare-load" if key == "store-load" else None
        n, why = ctx.budget.plan(key, triples, args.runs)
        if n == 0:
            out[key] = op_result(LOAD_LABELS[key], status="skipped", note=why, baseline=base)
            continue
        mode = "load-embedded" if key == "store-load" else "load-bare"
        argv = [PY, str(BENCH / "warm.py"), mode, str(source), str(n + 1)]
        capture = WORK / f"{key}.json"
        result = run_process(argv, args.timeout * (n + 1), capture)
        if result.code != 0 or result.timed_out:
            note = "timeout" if result.timed_out else f"error: {result.stderr.strip()[-300:]}"
            out[key] = op_result(LOAD_LABELS[key], status="error", note=note, baseline=base)
            continue
        doc = json.loads(capture.read_text())
        capture.unlink()
        out[key] = op_result(
            LOAD_LABELS[key],
            times=doc["times"][1:],  # the first load is a warm-up
            peak_mb=result.peak_mb,
            baseline=base,
            note=f"{doc['triples']} triples; peak is the worker process" + (f"; {why}" * bool(why)),
        )
        ctx.budget.record(key, triples, out[key]["median"])
        ctx.log(f"  {key}: median {out[key]['median']:.3f} s, peak {result.peak_mb:.0f} MB")
    return out


def _plan(ctx: Context, names: list[str], triples: int) -> tuple[list[str], dict[str, Any]]:
    """The queries to run, and a report entry for each one projected too slow to try."""
    todo, skipped = [], {}
    for name in names:
        projected = ctx.budget.project(f"warm:{name}", triples)
        if projected and projected[0] > ctx.args.query_timeout:
            skipped[name] = {
                "status": "skipped",
                "note": f"projected ~{projected[0]:.0f} s per run (growth ~n^{projected[1]:.1f}) "
                f"> --query-timeout {ctx.args.query_timeout:.0f} s",
            }
        else:
            todo.append(name)
    return todo, skipped


def _worker(ctx: Context, home: Path, bound: Path, names: list[str]) -> Worker:
    args = ctx.args
    worker = Worker(
        [
            PY,
            str(BENCH / "warm.py"),
            "queries",
            str(home),
            str(home / "graph.nt"),
            str(args.runs),
            str(bound),
            str(args.slow_query),
            *names,
        ]
    )
    worker.start()
    return worker


def warm_queries(ctx: Context, home: Path, triples: int, bound: Path) -> dict[str, Any]:
    """Every canned query in-process; a slow query is measured once, a hopeless one skipped."""
    args = ctx.args
    todo, report = _plan(ctx, sorted(json.loads((bound / "forms.json").read_text())), triples)
    peaks: list[float] = []
    ready: dict[str, Any] = {}
    while todo:
        worker = _worker(ctx, home, bound, todo)
        ready = worker.read(args.timeout) or {}
        if ready.get("event") != "ready":
            peaks.append(worker.finish(kill=True))
            for name in todo:
                report[name] = {"status": "error", "note": "the worker did not load the stores"}
            break
        killed = False
        while todo and not killed:
            started = worker.read(args.timeout)
            if started is None:  # the worker died or hangs between queries: give up on the rest
                for name in todo:
                    report[name] = {"status": "error", "note": "the worker stopped answering"}
                todo.clear()
                killed = True
                break
            name = started["name"]
            todo.remove(name)
            limit = args.query_timeout * 3
            done = worker.read(limit)
            if done is None:
                report[name] = {
                    "status": "timeout",
                    "note": f"no answer within {limit:.0f} s (3 × --query-timeout)",
                }
                ctx.budget.record(f"warm:{name}", triples, limit)
                ctx.log(f"  warm {name}: timeout")
                killed = True
                break
            report[name] = done
            if done.get("printed"):
                median = statistics.median(done["printed"])
                ctx.budget.record(f"warm:{name}", triples, median)
                if done.get("slow"):
                    ctx.log(f"  warm {name}: {median:.2f} s (slow; measured once)")
        peaks.append(worker.finish(kill=killed))
        if not killed:
            break
    for entry in report.values():
        entry.setdefault("status", "error" if "error" in entry else "ok")
    medians = [
        (statistics.median(e["printed"]), n)
        for n, e in report.items()
        if e["status"] == "ok" and e.get("printed")
    ]
    if medians:
        ctx.log("  warm queries: slowest median {:.3f} s ({})".format(*max(medians)))
    return {
        "queries": report,
        "peak_mb": max(peaks) if peaks else None,
        "store_triples": ready.get("triples"),
    }
