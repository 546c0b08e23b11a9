"""A command and its baseline, run by run: the cold measurements of every operation.

``measure_pair`` alternates the two commands (so a noisy neighbour slows both alike), discards
each one's first run as a warm-up unless it took ≥ 5 s, stops early when the next run would
not fit the budget, and returns one result record per command (``op_result``).
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from harness import Budget, Run, run_process

if TYPE_CHECKING:
    from servers import Server

WARM_UP_LIMIT = 5.0  # a first run this slow counts: the page cache hardly matters at that size


@dataclass
class Cmd:
    key: str
    label: str
    argv: list[str]
    ok: tuple[int, ...] = (0,)
    capture: Path | None = None  # the first run's stdout goes here


@dataclass
class Context:
    args: argparse.Namespace
    budget: Budget
    server: Server | None
    commands: set[str]
    log: Callable[[str], None]


def summary(times: list[float]) -> dict[str, float]:
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def op_result(
    label: str,
    runs: list[Run] | None = None,
    *,
    status: str = "ok",
    note: str = "",
    baseline: str | None = None,
    times: list[float] | None = None,
    peak_mb: float | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """One row of the report: label, status, times (median, min, max), peak MB, baseline key."""
    doc: dict[str, Any] = {"label": label, "status": status, "note": note, "baseline": baseline}
    if timeout is not None:
        doc["timeout_s"] = timeout  # a run took longer than this: a lower bound of its time
    if runs:
        doc["times"] = [r.seconds for r in runs]
        doc["peak_mb"] = max(r.peak_mb for r in runs)
    if times:
        doc["times"] = times
    if peak_mb is not None:
        doc["peak_mb"] = peak_mb
    if doc.get("times"):
        doc.update(summary(doc["times"]))
    return doc


def _plan(ctx: Context, triples: int, main: Cmd, cmds: list[Cmd]) -> tuple[dict, dict]:
    """Runs wanted per command and why fewer; the baseline is skipped with its command."""
    wanted: dict[str, int] = {}
    notes: dict[str, str] = {}
    reserved = 0.0
    for cmd in cmds:
        wanted[cmd.key], notes[cmd.key] = ctx.budget.plan(cmd.key, triples, ctx.args.runs, reserved)
        if cmd is not main and wanted[main.key] == 0:
            wanted[cmd.key], notes[cmd.key] = 0, "skipped: its command was skipped"
        projected = ctx.budget.project(cmd.key, triples)
        reserved += (projected[0] if projected else 0.0) * wanted[cmd.key]
        if notes[cmd.key]:
            ctx.log(f"  {cmd.key}: {notes[cmd.key]}")
    return wanted, notes


def measure_pair(
    ctx: Context,
    triples: int,
    main: Cmd,
    base: Cmd | None,
    before: Callable[[], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Alternate ``main`` and ``base`` runs (``before`` runs untimed before each run)."""
    timeout: float = ctx.args.timeout
    cmds = [c for c in (main, base) if c is not None]
    wanted, notes = _plan(ctx, triples, main, cmds)
    runs: dict[str, list[Run]] = {c.key: [] for c in cmds}
    warm = {c.key: True for c in cmds}
    failed: dict[str, str] = {}
    spent = {c.key: 0.0 for c in cmds}
    rounds = 0
    while rounds <= max(wanted.values()) and any(len(runs[k]) < n for k, n in wanted.items()):
        rounds += 1
        for cmd in cmds:
            if cmd.key in failed or len(runs[cmd.key]) >= wanted[cmd.key]:
                continue
            if before is not None:
                before()
            result = run_process(cmd.argv, timeout, cmd.capture if rounds == 1 else None)
            if result.timed_out:
                failed[cmd.key] = f"timeout: a run took > {timeout:.0f} s (--timeout)"
                ctx.budget.record(cmd.key, triples, timeout)
                continue
            if result.code not in cmd.ok:
                line = result.stderr.strip().splitlines()[-1:] or [""]
                failed[cmd.key] = f"error: exit {result.code}: {line[0][:300]}"
                continue
            spent[cmd.key] += result.seconds
            if warm[cmd.key]:
                warm[cmd.key] = False
                if result.seconds < WARM_UP_LIMIT:
                    continue
            runs[cmd.key].append(result)
            # Projections from one smaller scale can be far off: stop when the next run would
            # not fit the budget any more, and say so.
            done = len(runs[cmd.key])
            over = spent[cmd.key] + result.seconds > ctx.budget.op_seconds
            if done < wanted[cmd.key] and (over or result.seconds > ctx.budget.left()):
                wanted[cmd.key] = done
                notes[cmd.key] = (
                    f"{done} run{'s' if done > 1 else ''} only: a run took {result.seconds:.0f} s "
                    f"and another would exceed " + ("--op-budget" if over else "--max-minutes")
                )
                ctx.log(f"  {cmd.key}: {notes[cmd.key]}")
    out: dict[str, dict[str, Any]] = {}
    for cmd in cmds:
        base_key = base.key if cmd is main and base is not None else None
        if cmd.key in failed:
            status = "timeout" if failed[cmd.key].startswith("timeout") else "error"
            out[cmd.key] = op_result(
                cmd.label,
                runs[cmd.key],
                status=status,
                note=failed[cmd.key],
                baseline=base_key,
                timeout=timeout if status == "timeout" else None,
            )
            ctx.log(f"  {cmd.key}: {failed[cmd.key]}")
        elif wanted[cmd.key] == 0:
            out[cmd.key] = op_result(
                cmd.label, status="skipped", note=notes[cmd.key], baseline=base_key
            )
        else:
            out[cmd.key] = doc = op_result(
                cmd.label, runs[cmd.key], note=notes[cmd.key], baseline=base_key
            )
            ctx.budget.record(cmd.key, triples, doc["median"])
            ctx.log(
                f"  {cmd.key}: median {doc['median']:.3f} s (min {doc['min']:.3f}, "
                f"max {doc['max']:.3f}), peak {doc['peak_mb']:.0f} MB"
            )
    return out
