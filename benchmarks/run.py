"""Benchmark runner: ipbes-kg against its baselines, at several scales, in one run.

Measures, for every scale ×N made by ``scale.py`` (``benchmarks/.work/x<N>``):

- cold ``ipbes-kg query <canned>`` (a new process) vs a bare pyoxigraph script (load the same
  N-Triples, run the same bound query, print TSV);
- the embedded store load (``ipbes_kg.query.load_store``) vs ``pyoxigraph.Store.bulk_load``;
- every canned query warm (store loaded once, in-process) vs the same text on a bare store;
- ``ipbes-kg validate`` vs bare pySHACL on the same data and shapes;
- ``ipbes-kg build`` (no baseline);
- ``ipbes-kg load`` into a local ``oxigraph serve`` vs one ``curl -T`` PUT of the same N-Triples.

Cold commands run in child processes (wall time via ``time.perf_counter``, peak RSS of the child
via ``os.wait4``); a command and its baseline alternate run by run. Results go to
``benchmarks/.work/results.json`` and ``benchmarks/RESULTS.md``.

Usage: ``.venv/bin/python benchmarks/run.py [--quick] [--scales 1,10,100,200] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import cProfile  # noqa: F401  (documents that profiles come from cProfile)
import datetime as dt
import io
import json
import math
import os
import platform
import pstats
import re
import selectors
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
RESULTS_MD = BENCH / "RESULTS.md"
RESULTS_JSON = WORK / "results.json"
PY = sys.executable
# Children run as a user's shell would: with byte-code caching. (A sandbox may export
# PYTHONDONTWRITEBYTECODE=1, which makes every cold start recompile the project's modules.)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BIN = Path(sys.executable).parent
MILLION_ISH = 750_000  # "≈1 M triples": the scale whose graph holds at least this many
# Values for required parameters without a default (as in tests/test_queries.py).
QUERY_PARAMS: dict[str, dict[str, str]] = {"contributions-by-donor": {"donor": "place:JP"}}
PACKAGES = (
    "ipbes-kg",
    "pyoxigraph",
    "oxigraph",
    "rdflib",
    "pyshacl",
    "pyshacl-turbo",
    "owlrl",
    "click",
    "SPARQLWrapper",
    "PyYAML",
)

sys.path.insert(0, str(BENCH))
import scale as scale_mod  # noqa: E402

# --- processes ---------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int
    timed_out: bool
    stderr: str = ""


def tool(name: str) -> str | None:
    here = BIN / name
    return str(here) if here.exists() else shutil.which(name)


TIME_BIN = Path("/usr/bin/time")


def measured(argv: list[str], rss_file: Path) -> list[str]:
    """``argv`` under ``/usr/bin/time -f %M``: the child's own peak RSS.

    ``os.wait4`` of a direct child would count the pages of this (large) parent that the child
    held between fork and exec; GNU time forks from a tiny process instead.
    """
    if TIME_BIN.exists():
        return [str(TIME_BIN), "-f", "%M", "-o", str(rss_file), *argv]
    return argv


def peak_mb(rss_file: Path, usage: Any) -> float:
    try:
        for line in reversed(rss_file.read_text().splitlines()):
            if line.strip().isdigit():
                return int(line.strip()) / 1024
    except OSError:
        pass
    return float(usage.ru_maxrss) / 1024


def run_process(
    argv: list[str],
    timeout: float,
    stdout: Path | None = None,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> Run:
    """Run ``argv`` in its own process group; wall time and the child's peak RSS."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        out = stdout.open("wb") if stdout is not None else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            proc = subprocess.Popen(
                measured(argv, rss_file),
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
                env=env if env is not None else ENV,
                start_new_session=True,
            )
            fired = threading.Event()

            def kill() -> None:
                fired.set()
                with _suppress():
                    os.killpg(proc.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            finally:
                timer.cancel()
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            if stdout is not None and not isinstance(out, int):
                out.close()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        peak = peak_mb(rss_file, usage)
    return Run(seconds, peak, proc.returncode, fired.is_set(), text[-2000:])


def _suppress() -> suppress:
    return suppress(ProcessLookupError, PermissionError)


# --- the Oxigraph server -----------------------------------------------------------------


class Server:
    """``oxigraph serve`` on loopback in a folder of its own; stopped by PID."""

    def __init__(self, location: Path) -> None:
        self.location = location
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = tool("oxigraph")
        if binary is None:
            raise RuntimeError("the oxigraph server binary is not installed (pip install oxigraph)")
        self.location.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited with {self.proc.returncode}")
            try:
                self.sparql("ASK {}")
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        raise RuntimeError(f"oxigraph did not answer on {self.url} within 30 s")

    def sparql(self, query: str) -> Any:
        url = f"{self.url}/query?query={urllib.parse.quote(query)}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=600) as answer:
            return json.load(answer)

    def update(self, text: str) -> None:
        request = urllib.request.Request(
            f"{self.url}/update",
            data=text.encode(),
            method="POST",
            headers={"Content-Type": "application/sparql-update"},
        )
        with urllib.request.urlopen(request, timeout=600) as answer:
            answer.read()

    def count(self) -> int:
        doc = self.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(doc["results"]["bindings"][0]["n"]["value"])

    def clear(self) -> None:
        self.update("DROP ALL")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.location, ignore_errors=True)


# --- statistics and budgets --------------------------------------------------------------


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


@dataclass
class Budget:
    """Skips what would not fit: per operation and scale, and for the whole run."""

    op_seconds: float
    deadline: float  # time.monotonic() value
    history: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def record(self, key: str, triples: int, median: float) -> None:
        self.history.setdefault(key, []).append((triples, median))

    def project(self, key: str, triples: int) -> tuple[float, float] | None:
        """Projected seconds per run at ``triples`` and the growth exponent used."""
        seen = self.history.get(key)
        if not seen:
            return None
        exponent = 1.0
        if len(seen) >= 2:
            (n1, t1), (n2, t2) = seen[-2], seen[-1]
            if n2 > n1 and t1 > 0 and t2 > 0:
                exponent = min(max(math.log(t2 / t1) / math.log(n2 / n1), 1.0), 3.0)
        n, t = seen[-1]
        return t * (triples / n) ** exponent, exponent

    def plan(self, key: str, triples: int, runs: int, reserved: float = 0.0) -> tuple[int, str]:
        """How many runs of ``key`` fit at ``triples`` (0 = skip) and why not all of them.

        A command fits if its projected runs fit both --op-budget and what is left of
        --max-minutes (less ``reserved``, the time already promised to its partner). If fewer
        than ``runs`` but at least 3 fit, that many are measured; fewer than 3, it is skipped.
        """
        projected = self.project(key, triples)
        if projected is None:
            return runs, ""
        seconds, exponent = projected
        left = self.deadline - time.monotonic() - reserved
        room = min(self.op_seconds, left)
        fit = int(room // max(seconds, 1e-6))
        if fit >= runs:
            return runs, ""
        limit = (
            f"--op-budget {self.op_seconds:.0f} s"
            if self.op_seconds <= left
            else f"the {max(left, 0):.0f} s left of --max-minutes"
        )
        why = f"projected ~{seconds:.0f} s/run (growth ~n^{exponent:.1f}); {limit}"
        if fit >= min(3, runs):
            return fit, f"{fit} runs only: {why}"
        return 0, f"skipped: {why}"


# --- measuring pairs of commands ---------------------------------------------------------


@dataclass
class Cmd:
    key: str
    label: str
    argv: list[str]
    ok: tuple[int, ...] = (0,)
    capture: Path | None = None


@dataclass
class Context:
    args: argparse.Namespace
    budget: Budget
    server: Server | None
    commands: set[str]
    log: Callable[[str], None]


def measure_pair(
    ctx: Context,
    triples: int,
    main: Cmd,
    base: Cmd | None,
    before: Callable[[], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Alternate ``main`` and ``base`` runs; the first run of each is a discarded warm-up
    unless it took ≥ 5 s (then it counts: the page cache hardly matters at that size)."""
    timeout: float = ctx.args.timeout
    cmds = [c for c in (main, base) if c is not None]
    wanted: dict[str, int] = {}
    notes: dict[str, str] = {}
    reserved = 0.0
    for cmd in cmds:
        wanted[cmd.key], notes[cmd.key] = ctx.budget.plan(cmd.key, triples, ctx.args.runs, reserved)
        if cmd is base and wanted[main.key] == 0:
            wanted[cmd.key], notes[cmd.key] = 0, "skipped: its command was skipped"
        projected = ctx.budget.project(cmd.key, triples)
        reserved += (projected[0] if projected else 0.0) * wanted[cmd.key]
        if notes[cmd.key]:
            ctx.log(f"  {cmd.key}: {notes[cmd.key]}")
    runs: dict[str, list[Run]] = {c.key: [] for c in cmds}
    warm: dict[str, bool] = {c.key: True for c in cmds}
    failed: dict[str, str] = {}
    spent: dict[str, float] = {c.key: 0.0 for c in cmds}
    rounds = 0
    while rounds <= max(wanted.values()) and any(len(runs[k]) < n for k, n in wanted.items()):
        rounds += 1
        for cmd in cmds:
            if cmd.key in failed or len(runs[cmd.key]) >= wanted[cmd.key]:
                continue
            if before is not None:
                before()
            capture = cmd.capture if rounds == 1 else None
            result = run_process(cmd.argv, timeout, capture)
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
                if result.seconds < 5:
                    continue
            runs[cmd.key].append(result)
            # Projections from one smaller scale can be far off: stop when the next run would
            # not fit the budget any more, and say so.
            done = len(runs[cmd.key])
            left = ctx.budget.deadline - time.monotonic()
            over = spent[cmd.key] + result.seconds > ctx.budget.op_seconds
            if done < wanted[cmd.key] and (over or result.seconds > left):
                wanted[cmd.key] = done
                notes[cmd.key] = (
                    f"{done} run{'s' if done > 1 else ''} only: a run took {result.seconds:.0f} s "
                    f"and another would exceed " + ("--op-budget" if over else "--max-minutes")
                )
                ctx.log(f"  {cmd.key}: {notes[cmd.key]}")
    out: dict[str, dict[str, Any]] = {}
    for cmd in cmds:
        if cmd.key in failed:
            status = "timeout" if failed[cmd.key].startswith("timeout") else "error"
            out[cmd.key] = op_result(
                cmd.label,
                runs[cmd.key],
                status=status,
                note=failed[cmd.key],
                baseline=_base(cmd, main, base),
                timeout=timeout if status == "timeout" else None,
            )
            ctx.log(f"  {cmd.key}: {failed[cmd.key]}")
            continue
        if wanted[cmd.key] == 0:
            out[cmd.key] = op_result(
                cmd.label, status="skipped", note=notes[cmd.key], baseline=_base(cmd, main, base)
            )
            continue
        out[cmd.key] = op_result(
            cmd.label, runs[cmd.key], note=notes[cmd.key], baseline=_base(cmd, main, base)
        )
        ctx.budget.record(cmd.key, triples, out[cmd.key]["median"])
        ctx.log(
            f"  {cmd.key}: median {out[cmd.key]['median']:.3f} s "
            f"(min {out[cmd.key]['min']:.3f}, max {out[cmd.key]['max']:.3f}), "
            f"peak {out[cmd.key]['peak_mb']:.0f} MB"
        )
    return out


def _base(cmd: Cmd, main: Cmd, base: Cmd | None) -> str | None:
    return base.key if cmd is main and base is not None else None


# --- the operations ----------------------------------------------------------------------


def bind_queries(home: Path, out: Path) -> dict[str, str]:
    """Write each canned query with its parameters bound (the text both sides run)."""
    from ipbes_kg.query import catalog
    from ipbes_kg.query.binding import bound_text
    from ipbes_kg.query.params import bind

    out.mkdir(parents=True, exist_ok=True)
    forms: dict[str, str] = {}
    for canned in catalog.list_queries(home / "queries"):
        bindings = bind(canned, QUERY_PARAMS.get(canned.name, {}))
        (out / f"{canned.name}.rq").write_text(bound_text(canned, bindings), encoding="utf-8")
        forms[canned.name] = canned.form
    (out / "params.json").write_text(json.dumps(QUERY_PARAMS), encoding="utf-8")
    return forms


def cold_queries(ctx: Context, home: Path, triples: int, bound: Path) -> dict[str, Any]:
    ops: dict[str, Any] = {}
    cli = tool("ipbes-kg") or "ipbes-kg"
    captures = WORK / "captures"
    captures.mkdir(parents=True, exist_ok=True)
    # Every --cold-queries at the first scale; beyond it, where loading dominates, the first.
    first = str(home.name) == f"x{ctx.args.scales[0]}"
    for name in ctx.args.cold_queries if first else ctx.args.cold_queries[:1]:
        params = [f"--param={k}={v}" for k, v in QUERY_PARAMS.get(name, {}).items()]
        form = json.loads((bound / "forms.json").read_text())[name]
        fmt = "tsv" if form in ("SELECT", "ASK") else "ttl"
        main = Cmd(
            f"query-cold:{name}",
            f"`ipbes-kg query {name} -f {fmt}` (cold, new process)",
            [cli, "--home", str(home), "query", name, "-f", fmt, *params],
            capture=captures / f"cli-{name}.out",
        )
        base = Cmd(
            f"bare-query:{name}",
            f"bare pyoxigraph script: bulk_load graph.nt + {name}",
            [PY, str(BENCH / "bare_query.py"), str(home / "graph.nt"), str(bound / f"{name}.rq")],
            capture=captures / f"bare-{name}.out",
        )
        pair = measure_pair(ctx, triples, main, base)
        lines = {}
        for cmd in (main, base):
            if cmd.capture and cmd.capture.is_file() and pair[cmd.key]["status"] == "ok":
                lines[cmd.key] = len(cmd.capture.read_bytes().splitlines())
                cmd.capture.unlink()
        if len(lines) == 2 and form == "SELECT" and len(set(lines.values())) != 1:
            pair[main.key]["note"] = f"output lines differ: {lines}"
        elif len(lines) == 2:
            pair[main.key]["note"] = f"{lines[main.key] - 1} rows" if form == "SELECT" else ""
        ops.update(pair)
    return ops


@dataclass
class Worker:
    """A warm.py child whose stdout is read line by line with deadlines."""

    argv: list[str]
    proc: subprocess.Popen[bytes] | None = None
    buffer: bytes = b""
    rss_file: Path = field(default_factory=lambda: WORK / f"worker-{os.getpid()}.rss")

    def start(self) -> None:
        self.rss_file.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            measured(self.argv, self.rss_file),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=ENV,
            start_new_session=True,
        )

    def read(self, timeout: float) -> dict[str, Any] | None:
        assert self.proc is not None and self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    return None
                chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
                if not chunk:
                    return None
                self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        doc: dict[str, Any] = json.loads(line)
        return doc

    def finish(self, kill: bool) -> float:
        """Stop (or reap) the child; its peak RSS in MB."""
        assert self.proc is not None
        if kill:
            with _suppress():
                os.killpg(self.proc.pid, signal.SIGKILL)
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if self.proc.stdout:
            self.proc.stdout.close()
        peak = peak_mb(self.rss_file, usage)
        self.rss_file.unlink(missing_ok=True)
        return peak


def warm_queries(ctx: Context, home: Path, triples: int, bound: Path) -> dict[str, Any]:
    """Every canned query in-process; a slow query is measured once, a hopeless one skipped."""
    args = ctx.args
    names = sorted(json.loads((bound / "forms.json").read_text()))
    plan: dict[str, str] = {}
    report: dict[str, Any] = {}
    for name in names:
        projected = ctx.budget.project(f"warm:{name}", triples)
        if projected and projected[0] > args.query_timeout:
            report[name] = {
                "status": "skipped",
                "note": f"projected ~{projected[0]:.0f} s per run (growth ~n^{projected[1]:.1f}) "
                f"> --query-timeout {args.query_timeout:.0f} s",
            }
        else:
            plan[name] = "full"
    peaks: list[float] = []
    loads: dict[str, float] = {}
    while plan:
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
                *plan,
            ]
        )
        worker.start()
        ready = worker.read(args.timeout)
        if ready is None or ready.get("event") != "ready":
            peaks.append(worker.finish(kill=True))
            for name in plan:
                report[name] = {"status": "error", "note": "the worker did not load the stores"}
            break
        loads = ready
        killed = False
        while plan:
            started = worker.read(args.timeout)
            if started is None:
                killed = True
                break
            name = started["name"]
            done = worker.read(args.query_timeout * 3)
            if done is None:
                report[name] = {
                    "status": "timeout",
                    "note": f"no answer within {args.query_timeout * 3:.0f} s (3 × --query-timeout)",
                }
                ctx.budget.record(f"warm:{name}", triples, args.query_timeout * 3)
                ctx.log(f"  warm {name}: timeout")
                plan.pop(name)
                killed = True
                break
            plan.pop(name)
            report[name] = done
            if done.get("embedded"):
                median = statistics.median(done["embedded"])
                ctx.budget.record(f"warm:{name}", triples, median)
                if median > args.slow_query:
                    ctx.log(f"  warm {name}: {median:.2f} s (slow; measured once)")
        peaks.append(worker.finish(kill=killed))
        if not killed:
            break
    for entry in report.values():
        entry.setdefault("status", "error" if "error" in entry else "ok")
    slowest = [
        (statistics.median(e["embedded"]), n)
        for n, e in report.items()
        if e.get("status") == "ok" and e.get("embedded")
    ]
    if slowest:
        top = max(slowest)
        ctx.log(f"  warm queries: slowest median {top[0]:.3f} s ({top[1]})")
    return {
        "queries": report,
        "peak_mb": max(peaks) if peaks else None,
        "store_triples": loads.get("triples"),
    }


def store_loads(ctx: Context, home: Path, triples: int) -> dict[str, Any]:
    args = ctx.args
    labels = {
        "store-load": "embedded store load: `query.load_store(home.graph_files())` (Turtle, in-process)",
        "bare-load": "bare `pyoxigraph.Store().bulk_load(graph.nt)` (in-process)",
    }
    out: dict[str, Any] = {}
    for key, argv in (
        (
            "store-load",
            [PY, str(BENCH / "warm.py"), "load-embedded", str(home), str(args.runs + 1)],
        ),
        (
            "bare-load",
            [PY, str(BENCH / "warm.py"), "load-bare", str(home / "graph.nt"), str(args.runs + 1)],
        ),
    ):
        base = "bare-load" if key == "store-load" else None
        n, why = ctx.budget.plan(key, triples, args.runs)
        if n == 0:
            out[key] = op_result(labels[key], status="skipped", note=why, baseline=base)
            continue
        argv[-1] = str(n + 1)
        capture = WORK / f"{key}.json"
        result = run_process(argv, args.timeout * (n + 1), capture)
        if result.code != 0 or result.timed_out:
            note = "timeout" if result.timed_out else f"error: {result.stderr.strip()[-300:]}"
            out[key] = op_result(labels[key], status="error", note=note, baseline=base)
            continue
        doc = json.loads(capture.read_text())
        capture.unlink()
        times = doc["times"][1:]  # the first load is a warm-up
        out[key] = op_result(
            labels[key],
            times=times,
            peak_mb=result.peak_mb,
            baseline=base,
            note=f"{doc['triples']} triples; peak is the worker process"
            + (f"; {why}" if why else ""),
        )
        ctx.budget.record(key, triples, out[key]["median"])
        ctx.log(f"  {key}: median {out[key]['median']:.3f} s, peak {result.peak_mb:.0f} MB")
    return out


def validate(ctx: Context, home: Path, triples: int) -> dict[str, Any]:
    """``home`` is the folder with distinct copies from ×10 on (``scale.py --distinct``)."""
    cli = tool("ipbes-kg") or "ipbes-kg"
    graph = f" on {home.name}: {triples:,} triples" if home.name.endswith("-distinct") else ""
    main = Cmd(
        "validate",
        f"`ipbes-kg validate` (cold, new process{graph})",
        [cli, "--home", str(home), "validate"],
        ok=(0, 1),
    )
    base = Cmd(
        "bare-validate",
        f"bare pySHACL script (rdflib parses graph.nt, same options{graph})",
        [PY, str(BENCH / "bare_validate.py"), str(home / "graph.nt"), str(home / "shapes.nt")],
    )
    return measure_pair(ctx, triples, main, base)


def build(ctx: Context, home: Path, triples: int) -> dict[str, Any]:
    label = "`ipbes-kg build --out TMP` (cold, new process, empty folder)"
    if "build" not in ctx.commands:
        return {"build": op_result(label, status="n/a", note="not available: no build command")}
    out = WORK / "build-out"

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)

    cli = tool("ipbes-kg") or "ipbes-kg"
    main = Cmd("build", label, [cli, "--home", str(home), "build", "--out", str(out)])
    try:
        return measure_pair(ctx, triples, main, None, before=fresh)
    finally:
        fresh()


def load(ctx: Context, home: Path, triples: int) -> dict[str, Any]:
    label = "`ipbes-kg load --endpoint URL` into oxigraph serve (cold, new process)"
    base_label = "one HTTP PUT of graph.nt: `curl -T graph.nt …/store?default`"
    if "load" not in ctx.commands:
        return {
            "load": op_result(label, status="n/a", note="not available: no load command"),
            "put": op_result(base_label, status="n/a", note="not measured without load"),
        }
    server = ctx.server
    if server is None:
        return {"load": op_result(label, status="error", note="no oxigraph server")}
    cli = tool("ipbes-kg") or "ipbes-kg"
    curl = tool("curl")
    main = Cmd("load", label, [cli, "--home", str(home), "load", "--endpoint", server.url])
    put_argv = (
        [
            curl,
            "-sS",
            "-f",
            "-o",
            "/dev/null",
            "-T",
            str(home / "graph.nt"),
            "-H",
            "Content-Type: application/n-triples",
            f"{server.url}/store?default",
        ]
        if curl
        else [PY, "-c", _PUT_SCRIPT, str(home / "graph.nt"), f"{server.url}/store?default"]
    )
    base = Cmd(
        "put", base_label if curl else "one HTTP PUT of graph.nt (Python http.client)", put_argv
    )
    result = measure_pair(ctx, triples, main, base, before=server.clear)
    counted = server.count()
    if counted != triples and result["put"]["status"] == "ok":
        result["put"]["note"] = f"store holds {counted} triples after the last PUT, not {triples}"
    server.clear()
    return result


_PUT_SCRIPT = """
import http.client, os, sys, urllib.parse
path, url = sys.argv[1], urllib.parse.urlsplit(sys.argv[2])
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
with open(path, 'rb') as body:
    conn.request('PUT', url.path + '?' + url.query, body,
                 {'Content-Type': 'application/n-triples', 'Content-Length': str(os.path.getsize(path))})
    answer = conn.getresponse(); answer.read()
sys.exit(0 if answer.status < 300 else 1)
"""


# --- findings ----------------------------------------------------------------------------


def importtime(argv: list[str]) -> dict[str, Any]:
    """Where ``argv``'s imports go (``-X importtime``), median of 3 runs per module.

    ``total``: µs of all top-level imports; ``packages``: top-level packages (at any depth)
    by cumulative µs; ``project``: ipbes_kg modules by cumulative µs; ``chain``: the path
    from the most expensive top-level import down its most expensive child.
    """
    samples: list[list[tuple[int, str, int, int]]] = []
    for _ in range(3):
        proc = subprocess.run(
            argv, capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300, check=False
        )
        rows = []
        for line in proc.stderr.splitlines():
            match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
            if match:
                depth = (len(match.group(3)) - 1) // 2
                rows.append((depth, match.group(4), int(match.group(1)), int(match.group(2))))
        samples.append(rows)
    cum: dict[str, list[int]] = {}
    for rows in samples:
        for _, name, _, cumulative in rows:
            cum.setdefault(name, []).append(cumulative)
    med = {name: int(statistics.median(values)) for name, values in cum.items()}
    rows = samples[0]
    # Rebuild the tree (children are printed before their parent).
    children: dict[str, list[str]] = {}
    pending: dict[int, list[str]] = {}
    top: list[str] = []
    for depth, name, _, _ in rows:
        children[name] = pending.pop(depth + 1, [])
        pending.setdefault(depth, []).append(name)
        if depth == 0:
            top.append(name)
    chain = []
    node = max(top, key=lambda n: med.get(n, 0)) if top else None
    while node is not None:
        chain.append((node, med.get(node, 0)))
        kids = children.get(node, [])
        best = max(kids, key=lambda n: med.get(n, 0)) if kids else None
        node = best if best is not None and med.get(best, 0) >= 0.2 * med.get(node, 1) else None
    packages = sorted(
        ((n, t) for n, t in med.items() if "." not in n and n != "ipbes_kg"), key=lambda r: -r[1]
    )
    project = sorted(
        ((n, t) for n, t in med.items() if n.startswith("ipbes_kg")), key=lambda r: -r[1]
    )
    return {
        "total": sum(med.get(n, 0) for n in top),
        "packages": packages[:12],
        "project": project[:10],
        "chain": chain,
    }


def profile(argv_tail: list[str], timeout: float, tag: str) -> dict[str, Any]:
    """cProfile of ``python -m ipbes_kg ARGV_TAIL``: top functions by own and cumulative time."""
    out = WORK / f"profile-{tag}.prof"
    run = run_process([PY, "-m", "cProfile", "-o", str(out), "-m", "ipbes_kg", *argv_tail], timeout)
    if not out.is_file():
        return {"error": f"exit {run.code}: {run.stderr.strip()[-300:]}"}
    stream = io.StringIO()
    stats = pstats.Stats(str(out), stream=stream)
    total = stats.total_tt  # type: ignore[attr-defined]
    entries = []
    raw = stats.stats  # type: ignore[attr-defined]
    for (file, line, name), (_, calls, tottime, cumtime, callers) in raw.items():
        caller = max(callers.items(), key=lambda kv: kv[1][3], default=None)
        entries.append(
            {
                "fn": f"{_short(file)}:{line}({name})",
                "calls": calls,
                "own": tottime,
                "cum": cumtime,
                "caller": f"{_short(caller[0][0])}:{caller[0][1]}({caller[0][2]})"
                if caller
                else "",
            }
        )
    by_own = sorted(entries, key=lambda e: -e["own"])[:12]
    interesting = [
        e
        for e in entries
        if (
            "ipbes_kg" in e["fn"]
            or "pyshacl" in e["fn"]
            or "rdflib" in e["fn"]
            or "pyoxigraph" in e["fn"]
            or "<built-in" in e["fn"]
            or "<method" in e["fn"]
        )
        and e["cum"] < total * 0.9
    ]
    by_cum = sorted(interesting, key=lambda e: -e["cum"])[:14]
    return {"wall": run.seconds, "profiled_total": total, "by_own": by_own, "by_cum": by_cum}


def _short(file: str) -> str:
    for marker in ("site-packages/", "/src/", "lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def profile_scale(results: dict[str, Any], key: str, homes: dict[int, Path]) -> int:
    """The largest scale ≤ ×10 where ``key`` took ≤ 15 s (a profile worth its time)."""
    best = min(homes)
    for scale in sorted(homes):
        op = results["scales"].get(str(scale), {}).get("ops", {}).get(key, {})
        if scale <= 10 and op.get("median") is not None and op["median"] <= 15:
            best = scale
    return best


def findings(
    ctx: Context,
    homes: dict[int, Path],
    results: dict[str, Any],
    validate_homes: dict[int, tuple[Path, int]],
) -> dict[str, Any]:
    args = ctx.args
    small = homes[min(homes)]
    cli_argv = ["--home", str(small), "query", args.cold_queries[0], "-f", "tsv"]
    at = {key: profile_scale(results, key, homes) for key in ("validate", "build", "load")}
    doc: dict[str, Any] = {"scale_small": min(homes), "profile_scales": at}
    ctx.log("findings: startup floors")
    floors = {}
    for key, argv in (
        ("python -c pass", [PY, "-c", "pass"]),
        ("python -c 'import pyoxigraph'", [PY, "-c", "import pyoxigraph"]),
        ("python -c 'import rdflib'", [PY, "-c", "import rdflib"]),
        ("python -c 'import pyshacl'", [PY, "-c", "import pyshacl"]),
        ("ipbes-kg --version", [tool("ipbes-kg") or "ipbes-kg", "--version"]),
    ):
        runs = [run_process(argv, 120) for _ in range(max(args.runs, 3) + 1)][1:]
        floors[key] = summary([r.seconds for r in runs]) | {"peak_mb": max(r.peak_mb for r in runs)}
    doc["floors"] = floors
    ctx.log("findings: -X importtime")
    doc["importtime_cli"] = importtime([PY, "-X", "importtime", "-m", "ipbes_kg", *cli_argv])
    doc["importtime_bare"] = importtime([PY, "-X", "importtime", "-c", "import pyoxigraph"])
    ctx.log("findings: cProfile")
    doc["profile_query"] = profile(cli_argv, args.timeout, "query")
    if at["validate"] in validate_homes:
        vhome = validate_homes[at["validate"]][0]
        doc["profile_validate"] = profile(
            ["--home", str(vhome), "validate"], args.timeout, "validate"
        )
    if "build" in ctx.commands:
        out = WORK / "build-profile"
        doc["profile_build"] = profile(
            ["--home", str(homes[at["build"]]), "build", "--out", str(out)], args.timeout, "build"
        )
        shutil.rmtree(out, ignore_errors=True)
    if "load" in ctx.commands and ctx.server is not None:
        ctx.server.clear()
        doc["profile_load"] = profile(
            ["--home", str(homes[at["load"]]), "load", "--endpoint", ctx.server.url],
            args.timeout,
            "load",
        )
        ctx.server.clear()
    return doc


# --- the report --------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    with _suppress_os():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with _suppress_os():
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    tools = {}
    for name, argv in (("oxigraph", ["--version"]), ("curl", ["--version"])):
        path = tool(name)
        if path:
            proc = subprocess.run([path, *argv], capture_output=True, text=True, check=False)
            tools[name] = (proc.stdout.splitlines() or [""])[0]
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory": mem,
        "kernel": platform.release(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "packages": versions,
        "tools": tools,
    }


def _suppress_os() -> suppress:
    return suppress(OSError)


def available_commands() -> set[str]:
    cli = tool("ipbes-kg")
    if cli is None:
        return set()
    proc = subprocess.run([cli, "--help"], capture_output=True, text=True, check=False)
    found = set()
    in_commands = False
    for line in proc.stdout.splitlines():
        if line.strip() == "Commands:":
            in_commands = True
        elif in_commands and line.strip():
            found.add(line.split()[0])
    return found


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.0095 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def target_for(key: str, scale: int, triples: int) -> tuple[str, str, float] | None:
    """(text, "ratio"|"abs", limit) of the issue's target for this operation, if any."""
    if key.startswith("query-cold:") and scale == 1:
        return ("≤ 2× bare (real graph)", "ratio", 2.0)
    if key == "store-load" and triples >= MILLION_ISH:
        return ("≤ 1.5× bulk_load (≈1 M)", "ratio", 1.5)
    if key == "warm-max" and triples >= MILLION_ISH:
        return ("every query ≤ 0.5 s (≈1 M)", "abs", 0.5)
    if key == "load":
        return ("≤ 1.5× PUT", "ratio", 1.5)
    if key == "validate" and scale == 1:
        return ("≤ 1 s cold (real graph)", "abs", 1.0)
    if key == "validate" and scale == 100:
        return ("≤ 1.2× bare pySHACL (×100)", "ratio", 1.2)
    return None


def verdict(
    key: str, op: dict[str, Any], ops: dict[str, Any], scale: int, triples: int
) -> tuple[str, str, str, str]:
    """(baseline median text, ratio text, target text, pass/fail) for one row."""
    base = ops.get(op.get("baseline") or "")
    base_median = base.get("median") if base else None
    ratio = op["median"] / base_median if op.get("median") and base_median else None
    # A baseline run that timed out took longer than its timeout: the ratio is below this bound.
    bound = (
        op["median"] / base["timeout_s"]
        if ratio is None and op.get("median") and base and base.get("timeout_s")
        else None
    )
    target = target_for(key, scale, triples)
    if target is None:
        result = ""
    elif op.get("status") != "ok" or op.get("median") is None:
        result = "not measured"
    elif target[1] == "ratio" and bound is not None:
        result = "**pass** (bound)" if bound <= target[2] else "not measured (baseline)"
    elif target[1] == "ratio":
        result = (
            "not measured (baseline)"
            if ratio is None
            else ("**pass**" if ratio <= target[2] else "**FAIL**")
        )
    else:
        ok = op["median"] <= target[2] and not op.get("incomplete")
        result = "**pass**" if ok else "**FAIL**"
    if base_median is None and bound is not None and base:
        base_text = f"> {_fmt_s(base['timeout_s'])} (timeout)"
    else:
        base_text = _fmt_s(base_median)
    if ratio is not None:
        ratio_text = f"{ratio:.2f}×"
    else:
        ratio_text = f"< {bound:.3f}×" if bound is not None else "—"
    return (
        base_text,
        ratio_text,
        target[0] if target else "",
        result,
    )


def warm_max(warm: dict[str, Any]) -> dict[str, Any]:
    queries = warm.get("queries", {})
    medians = [
        (statistics.median(e["embedded"]), n)
        for n, e in queries.items()
        if e.get("status") == "ok" and e.get("embedded")
    ]
    missing = sorted(n for n, e in queries.items() if e.get("status") != "ok")
    if not medians:
        return {"label": "warm canned queries", "status": "error", "note": "none measured"}
    value, name = max(medians)
    slowest = queries[name]["embedded"]
    note = f"slowest of {len(medians)}: {name}"
    if missing:
        note += f"; not measured (slow/failed): {', '.join(missing)}"
    return {
        "label": "warm canned queries, in-process: slowest median of `run_embedded`",
        "status": "ok",
        "median": value,
        "min": min(slowest),
        "max": max(slowest),
        "note": note,
        "incomplete": bool(missing),
        "peak_mb": warm.get("peak_mb"),
    }


ROW_ORDER = (
    "query-cold:",
    "bare-query:",
    "store-load",
    "bare-load",
    "warm-max",
    "validate",
    "bare-validate",
    "build",
    "load",
    "put",
)


def _row_key(key: str) -> tuple[int, str]:
    for index, prefix in enumerate(ROW_ORDER):
        if key == prefix or (prefix.endswith(":") and key.startswith(prefix)):
            return index, key
    return len(ROW_ORDER), key


def render(results: dict[str, Any], notes: Path | None = None) -> str:
    meta = results["meta"]
    m = meta["machine"]
    lines = [
        "# ipbes-kg benchmarks: results",
        "",
        f"Generated by `benchmarks/run.py` on {meta['started']} (total wall time "
        f"{meta.get('wall_seconds', 0) / 60:.1f} min). Command: `{meta['command']}`. "
        "How to rerun and what each number means: [README.md](README.md).",
        *[
            f"Supplemented by `{sup['command']}` on {sup['started']} "
            f"({sup.get('wall_seconds', 0) / 60:.1f} min): its measurements replace the earlier "
            "ones for the scales and operations it ran."
            for sup in meta.get("supplements", [])
        ],
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']} — {m['nproc']} logical CPUs; memory {m['memory']}; Linux {m['kernel']}",
        f"- Python {m['python']}; " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        "- tools: " + "; ".join(f"`{v}`" for v in m["tools"].values()),
        *([f"- {meta['env_note']}"] if meta.get("env_note") else []),
        f"- runs per measurement: {meta['runs']} (median, min, max); per-run timeout "
        f"{meta['timeout']:.0f} s; per-command budget {meta['op_budget']:.0f} s; "
        f"whole-run budget {meta['max_minutes']:.0f} min",
        "",
        "## Graphs",
        "",
        "| scale | triples (store) | vocabulary | shapes triples | graph.nt | data/*.ttl |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for scale, entry in sorted(results["scales"].items(), key=lambda kv: int(kv[0])):
        man = entry["manifest"]
        lines.append(
            f"| ×{scale} | {man['graph_triples']:,} | {man['vocabulary_triples']:,} | "
            f"{man['shapes_triples']:,} | {man['graph_nt_bytes'] / 1e6:.1f} MB | "
            f"{man['data_ttl_bytes'] / 1e6:.1f} MB |"
        )
    shapes_files = next(iter(results["scales"].values()))["manifest"].get("shapes_files", [])
    if not shapes_files:
        lines += [
            "",
            "**No `ontology/shapes*.ttl` existed when this ran**: `validate` and bare pySHACL "
            "validated against an empty shapes graph, so their times are parsing + pySHACL "
            "overhead only. Rerun once the shapes exist.",
        ]
    lines += ["", "## Targets", "", *_targets_table(results), ""]
    for scale, entry in sorted(results["scales"].items(), key=lambda kv: int(kv[0])):
        triples = entry["manifest"]["graph_triples"]
        lines += [f"## ×{scale} ({triples:,} triples)", ""]
        lines += [
            "| operation | median | min | max | peak MB | baseline | ratio | target | pass/fail |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        ops = dict(entry["ops"])
        if "warm" in entry:
            ops["warm-max"] = warm_max(entry["warm"])
        for key in sorted(ops, key=_row_key):
            op = ops[key]
            base, ratio, target, result = verdict(key, op, ops, int(scale), triples)
            label = op["label"]
            note = op.get("note", "")
            if op.get("status") != "ok":
                lines.append(f"| {label} | {op['status']} | | | | {base} | | {target} | {result} |")
                lines.append(f"| ↳ {note} | | | | | | | | |")
                continue
            peak = f"{op['peak_mb']:.0f}" if op.get("peak_mb") else "—"
            label_note = f"{label} — {note}" if note else label
            lines.append(
                f"| {label_note} | {_fmt_s(op['median'])} | {_fmt_s(op['min'])} | "
                f"{_fmt_s(op['max'])} | {peak} | {base} | {ratio} | {target} | {result} |"
            )
        if "warm" in entry:
            lines += ["", *_warm_table(entry["warm"], triples)]
        lines.append("")
    if results.get("findings"):
        lines += _findings(results)
    if notes is not None and notes.is_file():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    lines += [
        "## Method notes",
        "",
        "- Cold operations are new processes (`subprocess`, wall time by `time.perf_counter`, "
        "peak RSS of the child by `/usr/bin/time -f %M`). A command and its baseline alternate run by run; "
        "the first run of each is a discarded warm-up (page cache, `.pyc`) unless it took ≥ 5 s.",
        "- Warm queries run in one child process (`benchmarks/warm.py`) that loads the store once; "
        "each query gets one untimed warm-up run, then the timed runs. `run_embedded` is the "
        "engine plus conversion to ipbes-kg's result model; `+ render` adds printing "
        "(TSV for SELECT/ASK, Turtle for CONSTRUCT); bare is `Store.query(text)` + pyoxigraph's "
        "own TSV/Turtle serialisation on a store bulk-loaded from graph.nt. A query whose first "
        "run takes > --slow-query is measured once; one projected (from the growth between the "
        "previous scales) to take > --query-timeout is skipped.",
        "- Operations projected (from the previous scale, growth exponent from the last two) "
        "to exceed --op-budget or the time left of --max-minutes are skipped and say so.",
        "- `load` and its PUT baseline hit the same `oxigraph serve` (RocksDB in a temporary "
        "folder), emptied with `DROP ALL` (untimed) before every run. `ipbes-kg load` includes "
        "its own count query after the PUT.",
        "",
    ]
    return "\n".join(lines)


def _targets_table(results: dict[str, Any]) -> list[str]:
    rows = [
        "| target (from the issue) | scale | measured | verdict |",
        "|---|---|---|---|",
    ]
    for scale, entry in sorted(results["scales"].items(), key=lambda kv: int(kv[0])):
        triples = entry["manifest"]["graph_triples"]
        ops = dict(entry["ops"])
        if "warm" in entry:
            ops["warm-max"] = warm_max(entry["warm"])
        for key in sorted(ops, key=_row_key):
            target = target_for(key, int(scale), triples)
            if target is None:
                continue
            op = ops[key]
            _, ratio, text, result = verdict(key, op, ops, int(scale), triples)
            if op.get("status") != "ok":
                note = op.get("note", "")
                status = op.get("status", "")
                measured = note if note.startswith(status) else f"{status}: {note}"
            elif target[1] == "ratio" and ratio.startswith("<"):
                base = ops.get(op.get("baseline") or "", {})
                measured = (
                    f"{ratio} ({_fmt_s(op['median'])}; the baseline's run passed its "
                    f"{_fmt_s(base['timeout_s'])} timeout)"
                )
            elif target[1] == "ratio" and ratio == "—":
                base = ops.get(op.get("baseline") or "", {})
                measured = (
                    f"{_fmt_s(op['median'])}; baseline {base.get('status', 'missing')}: "
                    f"{base.get('note', '')}"
                )
            elif target[1] == "ratio":
                measured = f"{ratio} ({_fmt_s(op['median'])})"
            else:
                measured = _fmt_s(op["median"])
                if key == "warm-max":
                    measured += f" ({op['note']})"
            rows.append(f"| {op['label']}: {text} | ×{scale} | {measured} | {result} |")
    scales = {int(s) for s in results["scales"]}
    top = max((e["manifest"]["graph_triples"] for e in results["scales"].values()), default=0)
    if top < MILLION_ISH:
        rows.append(
            "| ≈1 M-triple targets (warm queries ≤ 0.5 s, store load ≤ 1.5×) | — | "
            f"not run: largest scale ×{max(scales)} has {top:,} triples | not measured |"
        )
    if 100 not in scales:
        rows.append("| validate ≤ 1.2× bare pySHACL at ×100 | — | ×100 not run | not measured |")
    return rows


def _warm_table(warm: dict[str, Any], triples: int) -> list[str]:
    limit = triples >= MILLION_ISH
    lines = [
        f"Warm canned queries (store loaded once; worker peak {warm.get('peak_mb') or 0:.0f} MB):",
        "",
        "| query | form | rows | `run_embedded` median (min–max) | + render | bare pyoxigraph | "
        "ratio | ≤ 0.5 s |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, e in sorted(warm.get("queries", {}).items()):
        if e.get("status") != "ok" or not e.get("embedded"):
            lines.append(
                f"| {name} | | | {e.get('status')}: {e.get('note') or e.get('error', '')} | | | | "
                f"{'**FAIL**' if limit else ''} |"
            )
            continue
        emb = summary(e["embedded"])
        printed = statistics.median(e["printed"]) if e.get("printed") else None
        bare = statistics.median(e["bare"]) if e.get("bare") else None
        ratio = f"{emb['median'] / bare:.2f}×" if bare else "—"
        runs = len(e["embedded"])
        once = " (1 run: slow)" if runs == 1 else ""
        verdict_text = ""
        if limit:
            verdict_text = "pass" if emb["median"] <= 0.5 else "**FAIL**"
        lines.append(
            f"| {name} | {e.get('form', '')} | {e.get('size', '')} | "
            f"{_fmt_s(emb['median'])} ({_fmt_s(emb['min'])}–{_fmt_s(emb['max'])}){once} | "
            f"{_fmt_s(printed)} | {_fmt_s(bare)} | {ratio} | {verdict_text} |"
        )
    return lines


def _growth(results: dict[str, Any]) -> list[str]:
    """Queries whose bare time grows faster than the data (the engine, not Python)."""
    series: dict[str, list[tuple[int, float, int]]] = {}
    for entry in results["scales"].values():
        n = entry["manifest"]["graph_triples"]
        for name, e in entry.get("warm", {}).get("queries", {}).items():
            if e.get("bare"):
                point = (n, statistics.median(e["bare"]), int(e.get("size", 0)))
                series.setdefault(name, []).append(point)
    rows: dict[str, tuple[int, int]] = {}
    lines = []
    for name, points in sorted(series.items()):
        points.sort()
        if len(points) < 2:
            continue
        (n1, t1, r1), (n2, t2, r2) = points[0], points[-1]
        rows[name] = (r1, r2)
        if t1 <= 0 or t2 < 0.05:
            continue
        exponent = math.log(t2 / t1) / math.log(n2 / n1)
        if exponent > 1.4:
            lines.append(
                f"- `{name}`: bare pyoxigraph {_fmt_s(t1)} at {n1:,} triples → {_fmt_s(t2)} at "
                f"{n2:,} (grows ~n^{exponent:.1f}, rows {rows[name][0]:,} → {rows[name][1]:,}): "
                "bare pyoxigraph grows the same way, so it is the query (or its plan), not "
                "the Python layer."
            )
    return lines


def _findings(results: dict[str, Any]) -> list[str]:
    f = results["findings"]
    lines = ["## Findings: where the time goes", ""]
    floors = f.get("floors", {})
    if floors:
        lines.append(
            "Process floors (median): "
            + "; ".join(
                f"`{k}` {_fmt_s(v['median'])} ({v['peak_mb']:.0f} MB)" for k, v in floors.items()
            )
            + "."
        )
        lines.append("")
    cli = f.get("importtime_cli")
    if cli:
        lines.append(
            f"- **Imports of a cold `ipbes-kg query` (×{f['scale_small']})**: "
            f"{cli['total'] / 1000:.0f} ms of imports (`python -X importtime`, median of 3). "
            "Most expensive chain: "
            + " → ".join(f"`{n}` {t / 1000:.0f} ms" for n, t in cli["chain"])
            + ". Packages (cumulative, at first import): "
            + ", ".join(f"`{n}` {t / 1000:.0f} ms" for n, t in cli["packages"][:10])
            + ". Project modules: "
            + ", ".join(f"`{n}` {t / 1000:.0f} ms" for n, t in cli["project"][:8])
            + "."
        )
        bare = f.get("importtime_bare")
        if bare:
            lines.append(
                f"  The bare script's imports take {bare['total'] / 1000:.0f} ms "
                "(`pyoxigraph` and its dependencies)."
            )
    for tag, title in (
        (
            "profile_query",
            f"cold `ipbes-kg query {results['meta']['cold_queries'][0]}` (×{f['scale_small']})",
        ),
        ("profile_validate", f"`ipbes-kg validate` (×{f['profile_scales']['validate']})"),
        ("profile_build", f"`ipbes-kg build` (×{f['profile_scales']['build']})"),
        ("profile_load", f"`ipbes-kg load` (×{f['profile_scales']['load']})"),
    ):
        prof = f.get(tag)
        if not prof:
            continue
        if "error" in prof:
            lines.append(f"- **{title}**: profile failed: {prof['error']}")
            continue
        lines.append(
            f"- **{title}** under cProfile ({prof['profiled_total']:.2f} s profiled, "
            f"{prof['wall']:.2f} s wall with profiler): largest cumulative — "
            + "; ".join(f"`{e['fn']}` {e['cum']:.2f} s" for e in prof["by_cum"][:8])
            + ". Largest own time — "
            + "; ".join(
                f"`{e['fn']}` {e['own']:.2f} s ({e['calls']} calls"
                + (f", mostly from `{e['caller']}`" if e.get("caller") else "")
                + ")"
                for e in prof["by_own"][:6]
            )
            + "."
        )
    growth = _growth(results)
    if growth:
        lines += ["", "Canned queries that grow faster than the data:", "", *growth]
    lines += [
        "",
        "Profiles are in `benchmarks/.work/profile-*.prof` (`python -m pstats FILE`, or snakeviz).",
        "",
    ]
    return lines


# --- main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", type=scale_mod.parse_scales, help="default 1,10,100,200")
    parser.add_argument("--runs", type=int, help="timed runs per measurement (default 5)")
    parser.add_argument("--quick", action="store_true", help="×1 and ×10, 3 runs")
    parser.add_argument(
        "--ops",
        default="query,warm,validate,build,load",
        help="comma-separated subset of query,warm,validate,build,load",
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


def _main(args: argparse.Namespace, argv: list[str] | None) -> int:
    if args.render_only:
        stored = json.loads(RESULTS_JSON.read_text())
        args.output.write_text(render(stored, args.notes), encoding="utf-8")
        return 0
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", file=sys.stderr, flush=True)

    WORK.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "meta": {
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
        },
        "scales": {},
    }
    timing: dict[str, Any] = results["meta"]
    if args.merge and RESULTS_JSON.is_file():
        # Fill gaps of an earlier run: its numbers stay unless measured again now.
        earlier: dict[str, Any] = json.loads(RESULTS_JSON.read_text())
        timing = {k: results["meta"][k] for k in ("started", "command", "runs", "op_budget")}
        earlier["meta"].setdefault("supplements", []).append(timing)
        results = earlier
    commands = available_commands()
    # The findings (importtime, profiles) need about a minute and a half after the measurements.
    budget = Budget(args.op_budget, started + args.max_minutes * 60 - 90)
    server: Server | None = None
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        if "load" in args.ops and "load" in commands:
            server = Server(WORK / "oxigraph-store")
            server.start()
            log(f"oxigraph serve on {server.url} (pid {server.proc.pid if server.proc else '?'})")
        ctx = Context(args, budget, server, commands, log)
        homes: dict[int, Path] = {}
        # validate runs on copies with their own identifiers and notations from ×10 on: the
        # plain copies collide on them and the report grows n² (scale.py's docstring)
        validate_homes: dict[int, tuple[Path, int]] = {}
        bound = WORK / "bound"
        entries: dict[int, dict[str, Any]] = {}
        for factor in args.scales:
            log(f"x{factor}: generating (scale.py)")
            home = WORK / f"x{factor}"
            manifest = scale_mod.generate(ROOT, factor, home)
            homes[factor] = home
            log(f"x{factor}: {manifest['graph_triples']:,} triples")
            if "validate" in args.ops:
                distinct = factor > 1
                vhome = WORK / scale_mod.folder_name(factor, distinct)
                vmanifest = scale_mod.generate(ROOT, factor, vhome, distinct=distinct)
                validate_homes[factor] = (vhome, int(str(vmanifest["graph_triples"])))
            if factor == args.scales[0]:
                forms = bind_queries(home, bound)
                (bound / "forms.json").write_text(json.dumps(forms), encoding="utf-8")
            entries[factor] = results["scales"].get(str(factor), {"ops": {}})
            entries[factor]["manifest"] = manifest
        # Phase 1 measures what the issue sets targets for, at every scale; phase 2 the rest
        # (validate where it has no target, build), so a tight budget cuts the least useful.
        for phase in (1, 2):
            for factor in args.scales:
                home, entry = homes[factor], entries[factor]
                results["scales"][str(factor)] = entry
                triples = int(entry["manifest"]["graph_triples"])
                log(f"x{factor} ({triples:,} triples), phase {phase}")
                validate_now = (factor in (1, 100)) == (phase == 1)
                if phase == 1 and "query" in args.ops:
                    entry["ops"].update(cold_queries(ctx, home, triples, bound))
                if phase == 1 and "warm" in args.ops:
                    entry["ops"].update(store_loads(ctx, home, triples))
                    entry["warm"] = warm_queries(ctx, home, triples, bound)
                if phase == 1 and "load" in args.ops:
                    entry["ops"].update(load(ctx, home, triples))
                if validate_now and "validate" in args.ops:
                    entry["ops"].update(validate(ctx, *validate_homes[factor]))
                if phase == 2 and "build" in args.ops:
                    entry["ops"].update(build(ctx, home, triples))
                timing["wall_seconds"] = time.monotonic() - started
                RESULTS_JSON.write_text(json.dumps(results, indent=1))
        if not args.no_findings and homes:
            results["findings"] = findings(ctx, homes, results, validate_homes)
    finally:
        if server is not None:
            server.stop()
        signal.signal(signal.SIGTERM, previous)
        if "wall_seconds" in timing:
            timing["wall_seconds"] = time.monotonic() - started
            RESULTS_JSON.write_text(json.dumps(results, indent=1))
        if results["scales"] and "wall_seconds" in timing:  # something was measured
            args.output.write_text(render(results, args.notes), encoding="utf-8")
            log(f"wrote {args.output} and {RESULTS_JSON}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
