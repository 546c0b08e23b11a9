"""``ipbes-kg validate`` against Apache Jena SHACL, through the gate engineer's ``jena.py``.

``jena.py`` (its own runner: Debian's Jena jars, whole processes side by side, the SHACL results
of both compared) is called as it is, one scale at a time, on the ``x<N>-distinct`` folder; its
JSON row becomes two rows of the scale (``jena-validate`` with ``jena`` as its baseline) and
its Markdown table is kept for the report. Without ``benchmarks/jena.py`` nothing runs.
"""

from __future__ import annotations

import json
from typing import Any

from harness import BENCH, PY, WORK, run_process
from pairs import Context, op_result

JENA = BENCH / "jena.py"
TABLE_START = "## "


def parse(text: str) -> tuple[list[dict[str, Any]], str]:
    """The JSON rows ``jena.py`` prints (one per scale) and its closing Markdown table."""
    rows, table = [], ""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("{"):
            doc = json.loads(line)
            if isinstance(doc, dict) and "scale" in doc:
                rows.append(doc)
        elif line.startswith(TABLE_START):
            table = "\n".join(lines[index:]).strip()
            break
    return rows, table


def _rows(row: dict[str, Any], runs: int) -> dict[str, Any]:
    ours, jena = row["ours"], row["jena"]
    same = "same SHACL results" if row["same"] else "**results differ**"
    counts = f"{row['results']:,} / {row['jena_results']:,} results ({same})"
    best = f"best of {runs}"
    main = op_result(
        "`ipbes-kg validate --no-baseline` beside Jena (jena.py, whole process)",
        times=[ours["wall"]],
        peak_mb=ours["rss_mb"],
        baseline="jena",
        note=f"{best}; CPU {ours['cpu']:.1f} s; {counts}",
    )
    if not row["same"]:
        main["fails"] = "results differ"
    base = op_result(
        "Apache Jena SHACL 4.5 `shacl validate` (jena.py, whole process)",
        times=[jena["wall"]],
        peak_mb=jena["rss_mb"],
        note=f"{best}; CPU {jena['cpu']:.1f} s",
    )
    return {"jena-validate": main, "jena": base}


def jena(ctx: Context, factor: int, triples: int) -> tuple[dict[str, Any], str]:
    """Rows for ×``factor`` and ``jena.py``'s table (empty if it did not run)."""
    label = "`ipbes-kg validate` beside Apache Jena SHACL (jena.py)"
    if not JENA.is_file():
        return {"jena-validate": op_result(label, status="n/a", note="no benchmarks/jena.py")}, ""
    runs = max(1, min(ctx.args.runs, 3))
    projected = ctx.budget.project("jena", triples)
    if projected and projected[0] * runs > min(ctx.budget.op_seconds, ctx.budget.left()):
        why = f"skipped: projected ~{projected[0]:.0f} s per pair of runs (growth ~n^{projected[1]:.1f})"
        return {"jena-validate": op_result(label, status="skipped", note=why)}, ""
    # jena.py keeps its N-Triples copies of the graph once written: drop them, the graph may
    # have been regenerated since
    for stale in ("data.nt", "shapes.nt"):
        (WORK / "jena" / f"x{factor}" / stale).unlink(missing_ok=True)
    out = WORK / f"jena-x{factor}.out"
    argv = [PY, str(JENA), "--scales", str(factor), "--runs", str(runs)]
    result = run_process(argv, ctx.args.timeout * runs * 2, out)
    rows, table = parse(out.read_text(encoding="utf-8", errors="replace") if out.is_file() else "")
    if result.code != 0 or not rows:
        why = (
            "timeout" if result.timed_out else f"exit {result.code}: {result.stderr.strip()[-300:]}"
        )
        return {"jena-validate": op_result(label, status="error", note=why)}, ""
    ops = _rows(rows[0], runs)
    ctx.budget.record("jena", triples, result.seconds / runs)
    ctx.log(
        f"  jena: ipbes-kg {ops['jena-validate']['median']:.1f} s, "
        f"Jena {ops['jena']['median']:.1f} s"
    )
    return ops, table
