"""The targets the lead set (issue #12), and the verdict of each measured row.

A row is an operation record (``pairs.op_result``) at one scale; rows derived from the warm
queries (``warm_rows``) join them: ``warm-max`` (the slowest query of at most
``LISTING_ROWS`` rows) and ``warm-list:NAME`` against ``warm-bare:NAME`` for each listing
longer than that.
"""

from __future__ import annotations

import statistics
from typing import Any

MILLION_ISH = 750_000  # "≈1 M triples": the scale whose graph holds at least this many
LISTING_ROWS = 1_000  # a longer answer is a listing: judged against the bare engine, not 0.5 s


def is_listing(entry: dict[str, Any]) -> bool:
    """A SELECT answer of more than ``LISTING_ROWS`` rows (a CONSTRUCT is a graph, not a list)."""
    return entry.get("form") == "SELECT" and int(entry.get("size", 0)) > LISTING_ROWS


def fmt_s(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 1:
        return f"{value * 1000:.0f} ms" if value >= 0.0095 else f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def target_for(key: str, scale: int, triples: int) -> tuple[str, str, float] | None:
    """(text, "ratio"|"abs", limit) of the target for this row, if it has one."""
    million = triples >= MILLION_ISH
    if key.startswith("query-cold:") and scale == 1:
        return ("≤ 2.5× bare (real graph)", "ratio", 2.5)
    if key == "store-load" and million:
        return ("≤ 1.5× bulk_load (≈1 M)", "ratio", 1.5)
    if key == "warm-max" and million:
        return ("every query but the listings ≤ 0.5 s (≈1 M)", "abs", 0.5)
    if key.startswith("warm-list:") and million:
        return ("ORDER BY kept, ≤ 1.3× bare engine (≈1 M)", "ratio", 1.3)
    if key == "load" and scale == 1:
        return ("≤ 2× PUT (real graph)", "ratio", 2.0)
    if key == "load" and scale >= 10:
        return ("≤ 1.5× PUT (from ×10)", "ratio", 1.5)
    if key == "validate" and scale == 1:
        return ("≤ 1 s cold (real graph)", "abs", 1.0)
    if key == "jena-validate" and scale in (100, 200):
        return ("≤ 0.5× Jena's whole process, same results", "ratio", 0.5)
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
    elif op.get("fails"):
        result = f"**FAIL** ({op['fails']})"
    elif target[1] == "ratio" and bound is not None:
        result = "**pass** (bound)" if bound <= target[2] else "not measured (baseline)"
    elif target[1] == "ratio" and ratio is None:
        result = "not measured (baseline)"
    elif target[1] == "ratio":
        result = "**pass**" if ratio is not None and ratio <= target[2] else "**FAIL**"
    else:
        ok = op["median"] <= target[2] and not op.get("incomplete")
        result = "**pass**" if ok else "**FAIL**"
    if base_median is None and bound is not None and base:
        base_text = f"> {fmt_s(base['timeout_s'])} (timeout)"
    else:
        base_text = fmt_s(base_median)
    if ratio is not None:
        ratio_text = f"{ratio:.2f}×"
    else:
        ratio_text = f"< {bound:.3f}×" if bound is not None else "—"
    return base_text, ratio_text, target[0] if target else "", result


def _times(label: str, times: list[float], **extra: Any) -> dict[str, Any]:
    return {
        "label": label,
        "status": "ok",
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        **extra,
    }


def warm_rows(warm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Report rows from the warm queries: ``warm-max`` and one pair per long listing."""
    queries = warm.get("queries", {})
    measured = {n: e for n, e in queries.items() if e.get("status") == "ok" and e.get("printed")}
    missing = sorted(n for n in queries if n not in measured)
    rows: dict[str, dict[str, Any]] = {}
    short = [(statistics.median(e["printed"]), n) for n, e in measured.items()]
    short = [(t, n) for t, n in short if not is_listing(measured[n])]
    for name, e in sorted(measured.items()):
        if not is_listing(e):
            continue
        kept = "ORDER BY kept" if e.get("ordered") else "**no ORDER BY**"
        rows[f"warm-list:{name}"] = _times(
            f"warm `{name}` ({e['size']:,} rows, {kept}): `kg.query(…).serialize(tsv)`",
            e["printed"],
            baseline=f"warm-bare:{name}",
            **({} if e.get("ordered") else {"fails": "no ORDER BY"}),
        )
        rows[f"warm-bare:{name}"] = _times(
            f"warm `{name}` on a bare store: `Store.query(text)` + pyoxigraph's TSV", e["bare"]
        )
    if not short:
        rows["warm-max"] = {"label": "warm canned queries", "status": "error", "note": "none"}
        return rows
    value, name = max(short)
    note = f"slowest of {len(short)} queries other than listings: {name}"
    if missing:
        note += f"; not measured (slow/failed): {', '.join(missing)}"
    rows["warm-max"] = _times(
        "warm canned queries, in-process: slowest median of `kg.query(…).serialize(fmt)`",
        measured[name]["printed"],
        note=note,
        incomplete=bool(missing),
        peak_mb=warm.get("peak_mb"),
    )
    rows["warm-max"]["median"] = value
    return rows


ROW_ORDER = (
    "query-cold:",
    "bare-query:",
    "store-load",
    "bare-load",
    "warm-max",
    "warm-list:",
    "warm-bare:",
    "validate",
    "bare-validate",
    "jena-validate",
    "jena",
    "build",
    "load",
    "put",
)


def row_key(key: str) -> tuple[int, str]:
    for index, prefix in enumerate(ROW_ORDER):
        if key == prefix or (prefix.endswith(":") and key.startswith(prefix)):
            return index, key
    return len(ROW_ORDER), key


def scale_rows(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every row of one scale, measured and derived, in report order."""
    ops = dict(entry["ops"])
    if "warm" in entry:
        ops.update(warm_rows(entry["warm"]))
    return {key: ops[key] for key in sorted(ops, key=row_key)}


def targets_table(results: dict[str, Any]) -> list[str]:
    """The Targets section: one line per target at each scale where it applies."""
    rows = ["| target | scale | measured | verdict |", "|---|---|---|---|"]
    for scale, entry in sorted(results["scales"].items(), key=lambda kv: int(kv[0])):
        triples = entry["manifest"]["graph_triples"]
        ops = scale_rows(entry)
        for key, op in ops.items():
            target = target_for(key, int(scale), triples)
            if target is None:
                continue
            _, ratio, text, result = verdict(key, op, ops, int(scale), triples)
            base = ops.get(op.get("baseline") or "", {})
            if op.get("status") != "ok":
                note, status = op.get("note", ""), op.get("status", "")
                measured = note if note.startswith(status) else f"{status}: {note}"
            elif target[1] == "ratio" and ratio.startswith("<"):
                measured = (
                    f"{ratio} ({fmt_s(op['median'])}; the baseline's run passed its "
                    f"{fmt_s(base['timeout_s'])} timeout)"
                )
            elif target[1] == "ratio" and ratio == "—":
                measured = (
                    f"{fmt_s(op['median'])}; baseline {base.get('status', 'missing')}: "
                    f"{base.get('note', '')}"
                )
            elif target[1] == "ratio":
                measured = f"{ratio} ({fmt_s(op['median'])} vs {fmt_s(base.get('median'))})"
            else:
                measured = fmt_s(op["median"]) + (f" ({op['note']})" if key == "warm-max" else "")
            rows.append(f"| {op['label']}: {text} | ×{scale} | {measured} | {result} |")
    scales = {int(s) for s in results["scales"]}
    top = max((e["manifest"]["graph_triples"] for e in results["scales"].values()), default=0)
    if top < MILLION_ISH:
        rows.append(
            "| ≈1 M-triple targets (warm queries, listings, store load) | — | "
            f"not run: largest scale ×{max(scales)} has {top:,} triples | not measured |"
        )
    if 100 not in scales:
        rows.append("| validate ≤ 1.2× bare pySHACL at ×100 | — | ×100 not run | not measured |")
    compared = [
        s for s, e in results["scales"].items() if e["ops"].get("jena-validate", {}).get("median")
    ]
    if not {"100", "200"} & set(compared):
        rows.append(
            "| `ipbes-kg validate` ≤ 0.5× Apache Jena SHACL at ×100/×200 (`jena.py`) | — | "
            "not run here | not measured |"
        )
    return rows
