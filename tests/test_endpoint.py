"""Endpoint failures a user meets, each one line with exit 2: served by small real HTTP servers
on loopback that answer the way misconfigured or failing stores do."""

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import assert_one_line_error, run_cli

ROOT = Path(__file__).resolve().parents[1]


class Answer(http.server.BaseHTTPRequestHandler):
    status = 500
    body = b"boom"
    seen_auth: ClassVar[list[str | None]] = []
    challenge: str | None = None

    def do_POST(self) -> None:
        self.seen_auth.append(self.headers.get("Authorization"))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(self.status)
        if self.challenge:
            self.send_header("WWW-Authenticate", self.challenge)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: object) -> None:
        pass


def serve(
    status: int, body: bytes = b"boom", challenge: str | None = None, path: str = "/sparql"
) -> tuple[http.server.HTTPServer, str]:
    attrs = {"status": status, "body": body, "seen_auth": [], "challenge": challenge}
    handler = type("Handler", (Answer,), attrs)
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{path}"


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a hung store."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    finally:
        sock.close()


def run(*args: str) -> tuple[int, str, str]:
    return run_cli("--home", str(ROOT), "query", "tsu-hosts", *args)


def one_line(code: int, out: str, err: str, *needles: str) -> None:
    assert_one_line_error(code, out, err, 2, *needles)


@pytest.mark.parametrize(
    ("status", "needle"),
    [
        (401, "access refused (401)"),
        (403, "access refused (403)"),
        (404, "404"),
        (500, "server error"),
        (503, "server error"),
        (418, "HTTP 418"),
    ],
)
def test_http_errors(status: int, needle: str) -> None:
    server, url = serve(status)
    try:
        one_line(*run("--endpoint", url), url, needle)
    finally:
        server.shutdown()


def test_timeout(silent_server: str) -> None:
    one_line(*run("--endpoint", silent_server, "--timeout", "1"), "timeout")


def test_not_sparql_results() -> None:
    server, url = serve(200, b"<html>hello</html>")
    try:
        one_line(*run("--endpoint", url), "not SPARQL JSON results")
    finally:
        server.shutdown()


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sent only when the server asks (a Basic challenge), never before: Virtuoso answers a
    request that carries Basic with a bare 401 and never offers Digest."""
    server, url = serve(401, challenge='Basic realm="sparql"')
    monkeypatch.setenv("IPBES_KG_USER", "alice")
    monkeypatch.setenv("IPBES_KG_PASSWORD", "s3cret")
    try:
        code, out, err = run("--endpoint", url)
        one_line(code, out, err, "access refused (401)", "were refused")
        assert "s3cret" not in err
        assert server.RequestHandlerClass.seen_auth == [None, "Basic YWxpY2U6czNjcmV0"]  # type: ignore[attr-defined]
    finally:
        server.shutdown()


def test_a_bare_401_gets_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    server, url = serve(401)
    monkeypatch.setenv("IPBES_KG_USER", "alice")
    monkeypatch.setenv("IPBES_KG_PASSWORD", "s3cret")
    try:
        one_line(*run("--endpoint", url), "access refused (401)")
        assert server.RequestHandlerClass.seen_auth == [None]  # type: ignore[attr-defined]
    finally:
        server.shutdown()


def test_a_bad_query_gives_the_servers_first_line_not_bytes() -> None:
    """Virtuoso answers a bad query with the error, then the whole query; one line is kept."""
    body = (
        b"Virtuoso 37000 Error SP030: SPARQL compiler, line 3: syntax error at 'x'\n\n"
        b"SPARQL query:\n" + b"SELECT * WHERE { ?s ?p ?o }\n" * 60
    )
    server, url = serve(400, body)
    try:
        code, out, err = run("--endpoint", url)
        one_line(code, out, err, "(400)", "SP030: SPARQL compiler, line 3")
        assert "b'" not in err and "SELECT" not in err and len(err) < 400
    finally:
        server.shutdown()


@pytest.mark.parametrize(
    ("path", "use"),
    [("/store", "/query"), ("/ds/data", "/ds/sparql"), ("/sparql-graph-crud", "/sparql")],
)
def test_a_graph_store_url_names_the_query_url(path: str, use: str) -> None:
    server, url = serve(406, b"Unacceptable", path=path)
    base = url.removesuffix(path)
    try:
        one_line(*run("--endpoint", url), "is a Graph Store or update URL", f"use {base}{use}")
    finally:
        server.shutdown()


def test_not_an_http_url() -> None:
    one_line(*run("--endpoint", "ftp://example.org/sparql"), "not an http(s) URL")
