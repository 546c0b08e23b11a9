"""Cold ``ipbes-kg query``: a new process per run, against the bare pyoxigraph script.

``bind_queries`` writes every canned query with its parameters bound, as ``ipbes-kg`` binds
them (``ipbes_kg.query.binding.bound_text``), to ``.work/bound/<name>.rq``: the text the bare
baselines run, so both sides run the same SPARQL. The baseline itself (``bare_query.py``)
imports only pyoxigraph.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harness import BENCH, PY, WORK, cli
from pairs import Cmd, Context, measure_pair

# Values for required parameters without a default (as in tests/test_queries.py).
QUERY_PARAMS: dict[str, dict[str, str]] = {"contributions-by-donor": {"donor": "place:JP"}}


def bind_queries(home: Path, out: Path) -> dict[str, str]:
    """Write each canned query's bound text and ``forms.json`` (name → SELECT/CONSTRUCT/…)."""
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
    (out / "forms.json").write_text(json.dumps(forms), encoding="utf-8")
    return forms


def output_format(form: str) -> str:
    """What a query of this form prints in both the CLI and the bare script: TSV or Turtle."""
    return "tsv" if form in ("SELECT", "ASK") else "ttl"


def cold_queries(ctx: Context, home: Path, triples: int, bound: Path) -> dict[str, Any]:
    """Every ``--cold-queries`` at the first scale; beyond it, where loading dominates, the first."""
    ops: dict[str, Any] = {}
    captures = WORK / "captures"
    captures.mkdir(parents=True, exist_ok=True)
    forms = json.loads((bound / "forms.json").read_text())
    first = home.name == f"x{ctx.args.scales[0]}"
    for name in ctx.args.cold_queries if first else ctx.args.cold_queries[:1]:
        params = [f"--param={k}={v}" for k, v in QUERY_PARAMS.get(name, {}).items()]
        form = forms[name]
        fmt = output_format(form)
        main = Cmd(
            f"query-cold:{name}",
            f"`ipbes-kg query {name} -f {fmt}` (cold, new process)",
            [cli(), "--home", str(home), "query", name, "-f", fmt, *params],
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
        elif len(lines) == 2 and form == "SELECT":
            pair[main.key]["note"] = f"{lines[main.key] - 1} rows"
        ops.update(pair)
    return ops
