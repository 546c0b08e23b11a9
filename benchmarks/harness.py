"""Child processes for the benchmarks: wall time, peak memory, timeouts, budgets.

- ``run_process``: one command in its own process group, killed on timeout; wall time by
  ``time.perf_counter`` and the child's own peak RSS by ``/usr/bin/time -f %M``;
- ``Worker``: a long-lived child (``warm.py``) whose JSON lines are read with deadlines;
- ``Budget``: projects a command's time per run from the smaller scales and says how many
  runs fit ``--op-budget`` and what is left of ``--max-minutes``;
- ``machine``: the CPU, memory, Python and package versions for the report.
"""

from __future__ import annotations

import json
import math
import os
import platform
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
PY = sys.executable
BIN = Path(sys.executable).parent
# Children run as a user's shell would: with byte-code caching. (A sandbox may export
# PYTHONDONTWRITEBYTECODE=1, which makes every cold start recompile the project's modules.)
# This environment's programs (ipbes-kg, oxigraph) come first on the PATH, activated or not.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["PATH"] = os.pathsep.join([str(BIN), ENV.get("PATH", "")])
TIME_BIN = Path("/usr/bin/time")
PACKAGES = (
    "ipbes-kg",
    "pyoxigraph",
    "oxigraph",
    "rdflib",
    "pyshacl",
    "pyshacl-turbo",
    "click",
    "httpx",
)


def tool(name: str) -> str | None:
    """A program of this virtual environment, else of the PATH."""
    here = BIN / name
    return str(here) if here.exists() else shutil.which(name)


def cli() -> str:
    """The ``ipbes-kg`` entry point the cold measurements run."""
    return tool("ipbes-kg") or "ipbes-kg"


def gone() -> suppress:
    """Ignore a process that already exited (or was never ours to signal)."""
    return suppress(ProcessLookupError, PermissionError)


# --- one command -------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int
    timed_out: bool
    stderr: str = ""


def measured(argv: list[str], rss_file: Path) -> list[str]:
    """``argv`` under ``/usr/bin/time -f %M``: the child's own peak RSS.

    ``os.wait4`` of a direct child would count the pages of this (large) parent that the child
    held between fork and exec; GNU time forks from a tiny process instead.
    """
    if TIME_BIN.exists():
        return [str(TIME_BIN), "-f", "%M", "-o", str(rss_file), *argv]
    return argv


def peak_mb(rss_file: Path, usage: Any) -> float:
    with suppress(OSError):
        for line in reversed(rss_file.read_text().splitlines()):
            if line.strip().isdigit():
                return int(line.strip()) / 1024
    return float(usage.ru_maxrss) / 1024


def _reap(pid: int) -> tuple[int, Any]:
    """Wait for ``pid``; its exit code and resource usage."""
    _, status, usage = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), usage


def run_process(
    argv: list[str],
    timeout: float,
    stdout: Path | None = None,
    cwd: Path = ROOT,
) -> Run:
    """Run ``argv`` in its own process group; wall time and the child's peak RSS."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        out = stdout.open("wb") if stdout is not None else None
        try:
            started = time.perf_counter()
            proc = subprocess.Popen(
                measured(argv, rss_file),
                stdout=out if out is not None else subprocess.DEVNULL,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
                env=ENV,
                start_new_session=True,
            )
            fired = threading.Event()

            def kill() -> None:
                fired.set()
                with gone():
                    os.killpg(proc.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill)
            timer.start()
            try:
                proc.returncode, usage = _reap(proc.pid)
            finally:
                timer.cancel()
            seconds = time.perf_counter() - started
        finally:
            if out is not None:
                out.close()
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        peak = peak_mb(rss_file, usage)
    return Run(seconds, peak, proc.returncode, fired.is_set(), text[-2000:])


# --- a long-lived child ------------------------------------------------------------------


@dataclass
class Worker:
    """A child (``warm.py``) whose stdout is read line by line with deadlines."""

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
        """The next JSON line, or None if none came within ``timeout`` seconds."""
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
            with gone():
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.returncode, usage = _reap(self.proc.pid)
        if self.proc.stdout:
            self.proc.stdout.close()
        peak = peak_mb(self.rss_file, usage)
        self.rss_file.unlink(missing_ok=True)
        return peak


# --- budgets -----------------------------------------------------------------------------


@dataclass
class Budget:
    """Skips what would not fit: per operation and scale, and for the whole run."""

    op_seconds: float
    deadline: float  # time.monotonic() value
    history: dict[str, list[tuple[int, float]]] = field(default_factory=dict)

    def record(self, key: str, triples: int, median: float) -> None:
        self.history.setdefault(key, []).append((triples, median))

    def left(self) -> float:
        return self.deadline - time.monotonic()

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
        left = self.left() - reserved
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


# --- the machine -------------------------------------------------------------------------


def _first_line(path: str, prefix: str) -> str:
    with suppress(OSError):
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    return ""


def machine() -> dict[str, Any]:
    """CPU, memory, kernel, Python, package and tool versions."""
    mem = _first_line("/proc/meminfo", "MemTotal")
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    tools = {}
    for name in ("oxigraph", "curl"):
        path = tool(name)
        if path:
            proc = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
            tools[name] = (proc.stdout.splitlines() or [""])[0]
    return {
        "cpu": _first_line("/proc/cpuinfo", "model name"),
        "nproc": os.cpu_count(),
        "memory": f"{int(mem.split()[0]) / 1024 / 1024:.1f} GiB" if mem else "",
        "kernel": platform.release(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "packages": versions,
        "tools": tools,
    }


def available_commands() -> set[str]:
    """The subcommands ``ipbes-kg --help`` lists."""
    proc = subprocess.run([cli(), "--help"], capture_output=True, text=True, check=False)
    found = set()
    in_commands = False
    for line in proc.stdout.splitlines():
        if line.strip() == "Commands:":
            in_commands = True
        elif in_commands and line.strip():
            found.add(line.split()[0])
    return found
