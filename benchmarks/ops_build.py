"""Cold ``ipbes-kg build`` into an empty folder (no baseline)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from harness import WORK, cli
from pairs import Cmd, Context, measure_pair, op_result

LABEL = "`ipbes-kg build --out TMP` (cold, new process, empty folder)"


def build(ctx: Context, home: Path, triples: int) -> dict[str, Any]:
    if "build" not in ctx.commands:
        return {"build": op_result(LABEL, status="n/a", note="not available: no build command")}
    out = WORK / "build-out"

    def fresh() -> None:
        shutil.rmtree(out, ignore_errors=True)

    main = Cmd("build", LABEL, [cli(), "--home", str(home), "build", "--out", str(out)])
    try:
        return measure_pair(ctx, triples, main, None, before=fresh)
    finally:
        fresh()
