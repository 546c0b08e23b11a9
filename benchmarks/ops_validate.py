"""Cold ``ipbes-kg validate`` against bare pySHACL (``bare_validate.py``) on the same graph.

From ×10 on both run on the ``x<N>-distinct`` folders (``scale.py --distinct``): on the plain
copies every identifier and notation is shared by N entities and the report grows as N².
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness import BENCH, PY, cli
from pairs import Cmd, Context, measure_pair


def validate(ctx: Context, factor: int, home: Path, triples: int) -> dict[str, Any]:
    """``ipbes-kg validate`` at ×``factor``, with bare pySHACL at the ``--bare-validate`` scales."""
    graph = f" on {home.name}: {triples:,} triples" if home.name.endswith("-distinct") else ""
    main = Cmd(
        "validate",
        f"`ipbes-kg validate` (cold, new process{graph})",
        [cli(), "--home", str(home), "validate"],
        ok=(0, 1),
    )
    scales = ctx.args.bare_validate
    if scales is not None and factor not in scales:
        return measure_pair(ctx, triples, main, None)
    base = Cmd(
        "bare-validate",
        f"bare pySHACL script (rdflib parses graph.nt, same options{graph})",
        [PY, str(BENCH / "bare_validate.py"), str(home / "graph.nt"), str(home / "shapes.nt")],
    )
    return measure_pair(ctx, triples, main, base)
