"""Cold ``ipbes-kg load`` into ``oxigraph serve`` against one HTTP PUT of the same triples.

The baseline is ``curl -T graph.nt`` to the Graph Store Protocol's ``/store?default`` (or, without
curl, a few lines of ``http.client``); the store is emptied with ``DROP ALL`` (untimed) before
every run of either side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness import PY, cli, tool
from pairs import Cmd, Context, measure_pair, op_result

LABEL = "`ipbes-kg load --endpoint URL` into oxigraph serve (cold, new process)"
PUT_LABEL = "one HTTP PUT of graph.nt: `curl -T graph.nt …/store?default`"
PUT_SCRIPT = """
import http.client, os, sys, urllib.parse
path, url = sys.argv[1], urllib.parse.urlsplit(sys.argv[2])
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
with open(path, 'rb') as body:
    conn.request('PUT', url.path + '?' + url.query, body,
                 {'Content-Type': 'application/n-triples', 'Content-Length': str(os.path.getsize(path))})
    answer = conn.getresponse(); answer.read()
sys.exit(0 if answer.status < 300 else 1)
"""


def put_command(graph: Path, url: str) -> Cmd:
    """One PUT of ``graph`` (N-Triples) replacing the default graph at ``url``."""
    curl = tool("curl")
    if curl is None:
        argv = [PY, "-c", PUT_SCRIPT, str(graph), url]
        return Cmd("put", "one HTTP PUT of graph.nt (Python http.client)", argv)
    headers = ["-H", "Content-Type: application/n-triples"]
    argv = [curl, "-sS", "-f", "-o", "/dev/null", "-T", str(graph), *headers, url]
    return Cmd("put", PUT_LABEL, argv)


def load(ctx: Context, home: Path, triples: int) -> dict[str, Any]:
    if "load" not in ctx.commands:
        return {
            "load": op_result(LABEL, status="n/a", note="not available: no load command"),
            "put": op_result(PUT_LABEL, status="n/a", note="not measured without load"),
        }
    server = ctx.server
    if server is None:
        return {"load": op_result(LABEL, status="error", note="no oxigraph server")}
    main = Cmd("load", LABEL, [cli(), "--home", str(home), "load", "--endpoint", server.url])
    base = put_command(home / "graph.nt", f"{server.url}/store?default")
    result = measure_pair(ctx, triples, main, base, before=server.clear)
    counted = server.count()
    if counted != triples and result["put"]["status"] == "ok":
        result["put"]["note"] = f"store holds {counted} triples after the last PUT, not {triples}"
    server.clear()
    return result
