"""Where the time goes: process floors, ``-X importtime`` and cProfile of the commands.

``importtime`` and ``profile`` run ``python -m ipbes_kg …`` in children; profiles are kept in
``.work/profile-<tag>.prof`` (``python -m pstats FILE``).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

from harness import ENV, PY, ROOT, WORK, cli, run_process
from pairs import Context, summary

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")
PROFILED = ("ipbes_kg", "pyshacl", "rdflib", "pyoxigraph", "httpx", "<built-in", "<method")


def importtime(argv: list[str]) -> dict[str, Any]:
    """Where ``argv``'s imports go (``-X importtime``), median of 3 runs per module.

    ``total``: µs of all top-level imports; ``packages``: top-level packages (at any depth)
    by cumulative µs; ``project``: ipbes_kg modules by cumulative µs; ``chain``: the path
    from the most expensive top-level import down its most expensive child.
    """
    samples: list[list[tuple[int, str, int]]] = []
    for _ in range(3):
        proc = subprocess.run(
            argv, capture_output=True, text=True, cwd=ROOT, env=ENV, timeout=300, check=False
        )
        rows = []
        for line in proc.stderr.splitlines():
            match = IMPORT_LINE.match(line)
            if match:
                depth = (len(match.group(3)) - 1) // 2
                rows.append((depth, match.group(4), int(match.group(2))))
        samples.append(rows)
    cum: dict[str, list[int]] = {}
    for rows in samples:
        for _, name, cumulative in rows:
            cum.setdefault(name, []).append(cumulative)
    med = {name: int(statistics.median(values)) for name, values in cum.items()}
    # Rebuild the tree (children are printed before their parent).
    children: dict[str, list[str]] = {}
    pending: dict[int, list[str]] = {}
    top: list[str] = []
    for depth, name, _ in samples[0]:
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


def _short(file: str) -> str:
    for marker in ("site-packages/", "/src/", "lib/python3"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def _where(key: tuple[str, int, str]) -> str:
    return f"{_short(key[0])}:{key[1]}({key[2]})"


def profile(argv_tail: list[str], timeout: float, tag: str) -> dict[str, Any]:
    """cProfile of ``python -m ipbes_kg ARGV_TAIL``: top functions by own and cumulative time."""
    import pstats

    out = WORK / f"profile-{tag}.prof"
    run = run_process([PY, "-m", "cProfile", "-o", str(out), "-m", "ipbes_kg", *argv_tail], timeout)
    if not out.is_file():
        return {"error": f"exit {run.code}: {run.stderr.strip()[-300:]}"}
    stats = pstats.Stats(str(out))
    total = stats.total_tt  # type: ignore[attr-defined]
    entries = []
    for key, (_, calls, tottime, cumtime, callers) in stats.stats.items():  # type: ignore[attr-defined]
        caller = max(callers.items(), key=lambda kv: kv[1][3], default=None)
        entries.append(
            {
                "fn": _where(key),
                "calls": calls,
                "own": tottime,
                "cum": cumtime,
                "caller": _where(caller[0]) if caller else "",
            }
        )
    by_own = sorted(entries, key=lambda e: -e["own"])[:12]
    interesting = [
        e for e in entries if any(m in e["fn"] for m in PROFILED) and e["cum"] < total * 0.9
    ]
    by_cum = sorted(interesting, key=lambda e: -e["cum"])[:14]
    return {"wall": run.seconds, "profiled_total": total, "by_own": by_own, "by_cum": by_cum}


def profile_scale(results: dict[str, Any], key: str, homes: dict[int, Path]) -> int:
    """The largest scale ≤ ×10 where ``key`` took ≤ 15 s (a profile worth its time)."""
    best = min(homes)
    for scale in sorted(homes):
        op = results["scales"].get(str(scale), {}).get("ops", {}).get(key, {})
        if scale <= 10 and op.get("median") is not None and op["median"] <= 15:
            best = scale
    return best


def floors(runs: int) -> dict[str, Any]:
    """Start-up floors: Python, its big imports, and ``ipbes-kg --version``."""
    found = {}
    for key, argv in (
        ("python -c pass", [PY, "-c", "pass"]),
        ("python -c 'import pyoxigraph'", [PY, "-c", "import pyoxigraph"]),
        ("python -c 'import rdflib'", [PY, "-c", "import rdflib"]),
        ("python -c 'import pyshacl'", [PY, "-c", "import pyshacl"]),
        ("ipbes-kg --version", [cli(), "--version"]),
    ):
        done = [run_process(argv, 120) for _ in range(max(runs, 3) + 1)][1:]
        found[key] = summary([r.seconds for r in done]) | {"peak_mb": max(r.peak_mb for r in done)}
    return found


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
    doc["floors"] = floors(args.runs)
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
