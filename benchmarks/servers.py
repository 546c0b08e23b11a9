"""The Oxigraph server that ``ipbes-kg load`` and its PUT baseline write into.

``oxigraph serve`` (the binary the ``oxigraph`` wheel installs) on a free loopback port, with
its RocksDB store in a folder of its own under ``.work``; emptied with ``DROP ALL`` between
runs and stopped by PID (SIGTERM, then SIGKILL) at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from harness import tool

ANSWER_TIMEOUT = 600  # seconds: DROP ALL of ≈1 M triples can take a while


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

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    def sparql(self, query: str) -> Any:
        url = f"{self.url}/query?query={urllib.parse.quote(query)}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=ANSWER_TIMEOUT) as answer:
            return json.load(answer)

    def update(self, text: str) -> None:
        request = urllib.request.Request(
            f"{self.url}/update",
            data=text.encode(),
            method="POST",
            headers={"Content-Type": "application/sparql-update"},
        )
        with urllib.request.urlopen(request, timeout=ANSWER_TIMEOUT) as answer:
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
