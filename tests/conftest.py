"""Shared fixtures: the checkout, the source text, and a real Oxigraph SPARQL server."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ipbes_kg.home import Home

if TYPE_CHECKING:
    from stores.virtuoso import VirtuosoServer

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ENV = "IPBES_KG_SOURCE"


@pytest.fixture(scope="session")
def home() -> Home:
    return Home(ROOT)


@pytest.fixture(scope="session")
def source_text() -> str:
    """The report's text (../shared/source beside the checkout, or $IPBES_KG_SOURCE)."""
    path = Path(os.environ.get(SOURCE_ENV, ROOT.parent / "shared/source/IPBES-7-2.zh.txt"))
    if not path.is_file():
        pytest.fail(f"source text not found at {path}; set {SOURCE_ENV}")
    return path.read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the 'oxigraph' server is not installed; pip install -e '.[test]'")
    return found


class OxigraphServer:
    """A real `oxigraph serve` on loopback, in its own folder; stopped by PID."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def query_url(self) -> str:
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.url}/store"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                _oxigraph_binary(),
                "serve",
                "--location",
                str(self.location),
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"oxigraph exited with {self.process.returncode}: {err}")
            try:
                with urllib.request.urlopen(
                    f"{self.query_url}?query=ASK%7B%7D", timeout=1
                ) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"oxigraph did not answer on {self.url} within 30 s")

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()
        self.process = None


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator["VirtuosoServer"]:
    """A real Virtuoso 7.2 on loopback in a temporary folder (tests/stores/virtuoso.py)."""
    from stores import virtuoso as found

    if not found.available():
        pytest.fail("Virtuoso is not installed: apt-get install virtuoso-opensource (.ci/run)")
    server = found.VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/expected/ from the current answers (review the diff before committing).",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run ``ipbes-kg ARGS`` through click's CliRunner: (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from ipbes_kg.cli import cli

    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def imported_modules(*args: str) -> set[str]:
    """The modules a new ``python -m ipbes_kg ARGS`` process imports (``-X importtime``); the
    command must succeed."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ipbes_kg", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return {
        line.rsplit("|", 1)[1].strip()
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def assert_one_line_error(code: int, out: str, err: str, expected_code: int, *needles: str) -> None:
    """The error contract: nothing on stdout, one 'error: …' line on stderr, no traceback."""
    assert code == expected_code, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]
