"""Benchmark runner: ipbes-kg against its baselines, at several scales, in one run.

Measures, for every scale ×N made by ``scale.py`` (``benchmarks/.work/x<N>``):

- cold ``ipbes-kg query <canned>`` (a new process) vs a bare pyoxigraph script (load the same
  N-Triples, run the same bound query, print TSV) — ``ops_query.py``;
- the embedded store load (``KnowledgeGraph(home).store``) vs ``pyoxigraph.Store.bulk_load``,
  and every canned query warm (store loaded once, in-process) vs the same text on a bare
  store — ``ops_warm.py`` with ``warm.py``;
- ``ipbes-kg validate`` vs bare pySHACL on the same data and shapes — ``ops_validate.py``;
- ``ipbes-kg build`` (no baseline) — ``ops_build.py``;
- ``ipbes-kg load`` into a local ``oxigraph serve`` (``servers.py``) vs one ``curl -T`` PUT of
  the same N-Triples — ``ops_load.py``.

Cold commands run in child processes (``harness.py``); a command and its baseline alternate run
by run (``pairs.py``). Results go to ``benchmarks/.work/results.json`` and
``benchmarks/RESULTS.md`` (``report.py``, verdicts by ``targets.py``); ``findings.py`` adds
import times and profiles.

Usage: ``python benchmarks/run.py [--quick] [--scales 1,10,100,200] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import scale as scale_mod
from findings import findings
from harness import BENCH, ROOT, WORK, Budget, available_commands, machine
from ops_build import build
from ops_jena import jena
from ops_load import load
from ops_query import bind_queries, cold_queries
from ops_validate import validate
from ops_warm import store_loads, warm_queries
from pairs import Context
from report import jena_block, render
from servers import Server

RESULTS_MD = BENCH / "RESULTS.md"
RESULTS_JSON = WORK / "results.json"
JENA_FROM = 10  # jena.py compares on the distinct copies, from ×10 on


# --- main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=scale_mod.parse_scales, help="default 1,10,100,200")
    parser.add_argument("--runs", type=int, help="timed runs per measurement (default 5)")
    parser.add_argument("--quick", action="store_true", help="×1 and ×10, 3 runs")
    parser.add_argument(
        "--ops",
        default="query,warm,validate,build,load,jena",
        help="comma-separated subset of query,warm,validate,build,load,jena",
    )
    parser.add_argument(
        "--cold-queries",
        default="tsu-hosts,entity-graph",
        help="canned queries measured cold (default: a SELECT and a CONSTRUCT)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds per single run")
    parser.add_argument(
        "--op-budget", type=float, default=300, help="seconds per command and scale"
    )
    parser.add_argument("--max-minutes", type=float, default=25, help="budget of the whole run")
    parser.add_argument(
        "--query-timeout", type=float, default=60, help="skip a warm query projected slower"
    )
    parser.add_argument(
        "--slow-query", type=float, default=2, help="measure a warm query once if slower"
    )
    parser.add_argument("--no-findings", action="store_true", help="skip importtime/cProfile")
    parser.add_argument(
        "--bare-validate",
        type=scale_mod.parse_scales,
        default=None,
        help="scales at which bare pySHACL runs beside validate (default: every scale)",
    )
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite RESULTS.md from .work/results.json"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_MD, help="the Markdown report")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="add to .work/results.json instead of replacing it (fill gaps of a budgeted run)",
    )
    parser.add_argument(
        "--notes",
        type=Path,
        default=BENCH / "notes.md",
        help="hand-written analysis included in RESULTS.md if the file exists",
    )
    args = parser.parse_args(argv)
    if args.scales is None:
        args.scales = [1, 10] if args.quick else [1, 10, 100, 200]
    if args.runs is None:
        args.runs = 3 if args.quick else 5
    args.ops = {o.strip() for o in args.ops.split(",") if o.strip()}
    args.cold_queries = [q.strip() for q in args.cold_queries.split(",") if q.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with scale_mod.exclusive(WORK):
        return _main(args, argv)


def _results(args: argparse.Namespace, argv: list[str] | None) -> tuple[dict, dict]:
    """A fresh results document (or, with --merge, the last one) and this run's meta entry."""
    meta: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)]),
        "runs": args.runs,
        "timeout": args.timeout,
        "op_budget": args.op_budget,
        "max_minutes": args.max_minutes,
        "cold_queries": args.cold_queries,
        "machine": machine(),
        "env_note": "PYTHONDONTWRITEBYTECODE was set in the environment; the measured "
        "commands ran without it (byte-code cached, as for a user)"
        if "PYTHONDONTWRITEBYTECODE" in os.environ
        else "",
    }
    if args.merge and RESULTS_JSON.is_file():
        # Fill gaps of an earlier run: its numbers stay unless measured again now.
        earlier: dict[str, Any] = json.loads(RESULTS_JSON.read_text())
        timing = {k: meta[k] for k in ("started", "command", "runs", "op_budget")}
        earlier["meta"].setdefault("supplements", []).append(timing)
        return earlier, timing
    return {"meta": meta, "scales": {}}, meta


class Graphs:
    """The scaled folders of this run: ``x<N>`` and, for validate, ``x<N>-distinct`` from ×10."""

    def __init__(self, args: argparse.Namespace, results: dict[str, Any], log: Any) -> None:
        self.homes: dict[int, Path] = {}
        # validate runs on copies with their own identifiers and notations from ×10 on: the
        # plain copies collide on them and the report grows n² (scale.py's docstring)
        self.validate_homes: dict[int, tuple[Path, int]] = {}
        self.entries: dict[int, dict[str, Any]] = {}
        self.bound = WORK / "bound"
        for factor in args.scales:
            log(f"x{factor}: generating (scale.py)")
            home = WORK / scale_mod.folder_name(factor)
            manifest = scale_mod.generate(ROOT, factor, home)
            self.homes[factor] = home
            log(f"x{factor}: {manifest['graph_triples']:,} triples")
            if {"validate", "jena"} & args.ops:
                distinct = factor > 1
                vhome = WORK / scale_mod.folder_name(factor, distinct)
                vmanifest = scale_mod.generate(ROOT, factor, vhome, distinct=distinct)
                self.validate_homes[factor] = (vhome, int(str(vmanifest["graph_triples"])))
            if factor == args.scales[0]:
                bind_queries(home, self.bound)
            self.entries[factor] = results["scales"].get(str(factor), {"ops": {}})
            self.entries[factor]["manifest"] = manifest


def _measure(ctx: Context, graphs: Graphs, results: dict[str, Any], save: Any) -> None:
    """Phase 1 measures what has a target, at every scale; phase 2 the rest (validate where it
    has no target, build), so a tight budget cuts the least useful."""
    ops = ctx.args.ops
    for phase in (1, 2):
        for factor in ctx.args.scales:
            home, entry, bound = graphs.homes[factor], graphs.entries[factor], graphs.bound
            results["scales"][str(factor)] = entry
            triples = int(entry["manifest"]["graph_triples"])
            ctx.log(f"x{factor} ({triples:,} triples), phase {phase}")
            if phase == 1 and "query" in ops:
                entry["ops"].update(cold_queries(ctx, home, triples, bound))
            if phase == 1 and "warm" in ops:
                entry["ops"].update(store_loads(ctx, home, triples))
                entry["warm"] = warm_queries(ctx, home, triples, bound)
            if phase == 1 and "load" in ops:
                entry["ops"].update(load(ctx, home, triples))
            if (factor in (1, 100)) == (phase == 1) and "validate" in ops:
                entry["ops"].update(validate(ctx, factor, *graphs.validate_homes[factor]))
            if phase == 2 and "jena" in ops and factor >= JENA_FROM:
                rows, entry["jena_table"] = jena(ctx, factor, graphs.validate_homes[factor][1])
                entry["ops"].update(rows)
            if phase == 2 and "build" in ops:
                entry["ops"].update(build(ctx, home, triples))
            save()


def _main(args: argparse.Namespace, argv: list[str] | None) -> int:
    if args.render_only:
        stored = json.loads(RESULTS_JSON.read_text())
        args.output.write_text(
            render(stored, args.notes, jena_block(args.output)), encoding="utf-8"
        )
        return 0
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", file=sys.stderr, flush=True)

    WORK.mkdir(parents=True, exist_ok=True)
    results, timing = _results(args, argv)

    def save() -> None:
        timing["wall_seconds"] = time.monotonic() - started
        RESULTS_JSON.write_text(json.dumps(results, indent=1))

    commands = available_commands()
    # The findings (importtime, profiles) need about a minute and a half after the measurements.
    budget = Budget(args.op_budget, started + args.max_minutes * 60 - 90)
    server: Server | None = None
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if "load" in args.ops and "load" in commands:
            server = Server(WORK / "oxigraph-store")
            server.start()
            log(f"oxigraph serve on {server.url} (pid {server.pid})")
        ctx = Context(args, budget, server, commands, log)
        graphs = Graphs(args, results, log)
        _measure(ctx, graphs, results, save)
        if not args.no_findings and graphs.homes:
            results["findings"] = findings(ctx, graphs.homes, results, graphs.validate_homes)
    finally:
        if server is not None:
            server.stop()
        signal.signal(signal.SIGTERM, previous)
        if "wall_seconds" in timing:  # something was measured
            save()
            if results["scales"]:
                args.output.write_text(
                    render(results, args.notes, jena_block(args.output)), encoding="utf-8"
                )
                log(f"wrote {args.output} and {RESULTS_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
