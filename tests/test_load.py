"""ipbes-kg load: into a real Oxigraph server, counted, idempotent, atomic and recoverable."""

import http.server
import json
import shutil
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import OxigraphServer, assert_one_line_error, imported_modules
from conftest import run_cli as run

from ipbes_kg import http as transport
from ipbes_kg.home import Home
from ipbes_kg.release import build
from ipbes_kg.store import gsp, loading
from ipbes_kg.store.payload import file_payload, packaged_payload
from ipbes_kg.store.target import Target, resolve_target

ROOT = Path(__file__).resolve().parents[1]
GRAPH = "https://example.org/test-load/graph"


def count(server: OxigraphServer, graph: str | None) -> int:
    """An independent count (plain urllib), not the code under test."""
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    request = urllib.request.Request(
        f"{server.query_url}?query={urllib.parse.quote(query)}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A frozen copy of the checkout: others edit data/ while the suite runs."""
    root = tmp_path_factory.mktemp("home")
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part)
    return Home(root)


@pytest.fixture(scope="module")
def nt_file(snapshot: Home, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged graph as ``build`` writes it (N-Triples, one triple a line)."""
    path = tmp_path_factory.mktemp("nt") / build.NTRIPLES_FILE
    path.write_bytes(build.render(snapshot)[0][build.NTRIPLES_FILE])
    return path


@pytest.fixture(scope="module")
def nt_lines(nt_file: Path) -> int:
    return len(nt_file.read_bytes().splitlines())


def write_triples(path: Path, n: int, tag: str = "t") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(
                f'<https://example.org/{tag}/{i}> <https://example.org/p> "value {i}"@en .\n'
            )
    return path


# --- into the real Oxigraph server --------------------------------------------------------


def test_load_the_packaged_graph_into_the_default_graph(
    oxigraph: OxigraphServer, snapshot: Home, nt_lines: int
) -> None:
    home = ("--home", str(snapshot.root))
    code, out, err = run(*home, "load", "--endpoint", oxigraph.url, "--default")
    assert code == 0, err
    assert f"sent {nt_lines} triples; the store counts {nt_lines}" in out
    assert count(oxigraph, None) == nt_lines
    # --replace again: the same count; --append of the same data: nothing changes
    code, out, err = run(*home, "load", "--endpoint", oxigraph.url, "--replace")
    assert code == 0, err
    assert count(oxigraph, None) == nt_lines
    code, out, err = run(*home, "load", "--endpoint", oxigraph.url, "--append")
    assert code == 0, err
    assert out.startswith("appended to the default graph")
    assert count(oxigraph, None) == nt_lines


def test_load_into_a_named_graph_is_idempotent(
    oxigraph: OxigraphServer, nt_file: Path, nt_lines: int
) -> None:
    for mode in ("--replace", "--replace", "--append", "--append"):
        code, out, err = run(
            "load", "--endpoint", oxigraph.url, "--graph", GRAPH, mode, str(nt_file)
        )
        assert code == 0, err
        assert f"<{GRAPH}>" in out
        assert count(oxigraph, GRAPH) == nt_lines, mode


def test_turtle_files_and_folders_are_merged_and_counted(
    oxigraph: OxigraphServer, snapshot: Home, nt_lines: int
) -> None:
    home = snapshot
    graph = GRAPH + "/turtle"
    code, _, err = run(
        "load",
        "--endpoint",
        oxigraph.url,
        "--graph",
        graph,
        *map(str, home.vocabulary_files()),
        str(home.data),
    )
    assert code == 0, err
    assert count(oxigraph, graph) == nt_lines


def test_sparql_update_fallback_in_batches(
    oxigraph: OxigraphServer, nt_file: Path, nt_lines: int
) -> None:
    graph = GRAPH + "/update"
    for mode in ("--replace", "--replace", "--append"):
        code, out, err = run(
            "load",
            "--endpoint",
            oxigraph.url,
            "--graph",
            graph,
            "--protocol",
            "update",
            "--batch-size",
            "700",
            mode,
            str(nt_file),
        )
        assert code == 0, err
        assert "INSERT DATA" in out
        assert count(oxigraph, graph) == nt_lines


def test_generic_store_with_explicit_urls(oxigraph: OxigraphServer, nt_file: Path) -> None:
    graph = GRAPH + "/generic"
    code, _, err = run(
        "load",
        "--store",
        "generic",
        "--gsp-url",
        oxigraph.store_url,
        "--query-url",
        oxigraph.query_url,
        "--graph",
        graph,
        str(nt_file),
    )
    assert code == 0, err
    assert count(oxigraph, graph) == len(nt_file.read_bytes().splitlines())


def test_replace_is_atomic_for_a_concurrent_reader(
    oxigraph: OxigraphServer, tmp_path: Path
) -> None:
    """A reader counting while the graph is replaced sees the old or the new count only."""
    graph = GRAPH + "/atomic"
    small = file_payload([write_triples(tmp_path / "small.nt", 300, "a")], tmp_path)
    large = file_payload([write_triples(tmp_path / "large.nt", 500, "b")], tmp_path)
    target = resolve_target("oxigraph", oxigraph.url)
    loading.load_payload(small, target, graph)
    seen: list[int] = []
    done = threading.Event()
    failures: list[BaseException] = []

    def reader() -> None:
        client = transport.Client(transport.Settings(timeout=30), "oxigraph")
        try:
            while not done.is_set():
                seen.append(gsp.count_triples(client, target, graph))
        except BaseException as exc:  # surfaced by the assertion below
            failures.append(exc)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    deadline = time.monotonic() + 40
    try:
        for i in range(20):
            loading.load_payload(large if i % 2 == 0 else small, target, graph)
            if time.monotonic() > deadline:
                break
    finally:
        done.set()
        thread.join(timeout=30)
    assert not failures, failures
    assert len(seen) > 20, "the reader ran alongside the replaces"
    assert set(seen) <= {300, 500}, sorted(set(seen))
    assert {300, 500} <= set(seen)


def test_server_stopped_mid_load_fails_in_one_line_and_a_rerun_converges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_triples(tmp_path / "big.nt", 60_000, "big")
    server = OxigraphServer(tmp_path / "store")
    server.start()
    started = threading.Event()
    real_chunks = transport.Sent.chunks

    def first_then_rest(sent: transport.Sent) -> Iterator[bytes]:
        for i, chunk in enumerate(real_chunks(sent)):
            yield chunk
            if i == 4:
                started.set()  # the upload is under way: 5 of ~60 chunks sent

    def stop_when_started() -> None:
        if started.wait(timeout=60):
            server.stop()

    monkeypatch.setattr(transport.Sent, "chunks", first_then_rest)
    stopper = threading.Thread(target=stop_when_started, daemon=True)
    stopper.start()
    args = ["load", "--endpoint", server.url, "--graph", GRAPH, str(data)]
    try:
        code, out, err = run(*args)
        stopper.join(timeout=30)
        assert started.is_set()
        assert_one_line_error(code, out, err, 2, server.url)
        # the same store folder, the same port: a restarted server
        again = OxigraphServer(server.location)
        again.port, again.url = server.port, server.url
        again.start()
        try:
            code, out, err = run(*args)
            assert code == 0, err
            assert count(again, GRAPH) == 60_000
        finally:
            again.stop()
    finally:
        server.stop()


# --- errors, against a stub server -------------------------------------------------------


class Stub(http.server.ThreadingHTTPServer):
    """A fake store: ``answer(method, path, headers, body) -> (status, headers, body)``."""

    def __init__(self, answer: Callable[..., tuple[int, dict[str, str], bytes]]) -> None:
        self.answer = answer
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = dict(self.headers.items())
                outer.requests.append((self.command, self.path, headers))
                status, extra, payload = outer.answer(self.command, self.path, headers, body)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_HEAD = handle_any

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (timeout test) is expected

    def __enter__(self) -> "Stub":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


def counting(n: int) -> bytes:
    return json.dumps(
        {
            "head": {"vars": ["n"]},
            "results": {"bindings": [{"n": {"type": "literal", "value": str(n)}}]},
        }
    ).encode()


def status_on_upload(code: int, text: str = "") -> Callable[..., tuple[int, dict[str, str], bytes]]:
    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "PUT":
            return code, {"Content-Type": "text/plain"}, text.encode()
        return 200, {"Content-Type": "application/sparql-results+json"}, counting(0)

    return answer


@pytest.fixture
def small_nt(tmp_path: Path) -> Path:
    return write_triples(tmp_path / "small.nt", 10)


@pytest.mark.parametrize(
    ("code", "needles"),
    [
        (401, ("access refused (401)", "IPBES_KG_USER")),
        (403, ("access refused (403)",)),
        (404, ("404", "--store")),
        (413, ("413", "--batch-size")),
        (500, ("server error 500", "disk full")),
        (400, ("400", "disk full")),
    ],
)
def test_http_failures_are_one_line(small_nt: Path, code: int, needles: tuple[str, ...]) -> None:
    with Stub(status_on_upload(code, "disk full\nmore detail")) as stub:
        result = run("load", "--endpoint", stub.url, str(small_nt))
        puts = [r for r in stub.requests if r[0] == "PUT"]
    assert_one_line_error(*result, 2, *needles)
    assert len(puts) == 1, "no retries for 4xx or 500"


def test_transient_failures_are_retried_a_bounded_number_of_times(
    small_nt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "_pause", lambda seconds: None)
    with Stub(status_on_upload(503, "busy")) as stub:
        result = run("load", "--endpoint", stub.url, str(small_nt))
        puts = [r for r in stub.requests if r[0] == "PUT"]
    assert_one_line_error(*result, 2, "503", "busy")
    assert len(puts) == 3


def test_a_transient_failure_then_success(small_nt: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "_pause", lambda seconds: None)
    calls: list[str] = []

    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        calls.append(method)
        if method == "PUT":
            if calls.count("PUT") == 1:
                return 502, {}, b"bad gateway"
            assert path == "/store?default"
            assert headers["Content-Type"] == "application/n-triples"
            assert len(body) == small_nt.stat().st_size
            return 204, {}, b""
        return 200, {}, counting(10)

    with Stub(answer) as stub:
        code, _, err = run("load", "--endpoint", stub.url, str(small_nt))
    assert code == 0, err
    assert calls == ["PUT", "PUT", "POST"]


def test_a_count_that_differs_exits_1_with_both_numbers(small_nt: Path) -> None:
    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        return (204, {}, b"") if method == "PUT" else (200, {}, counting(7))

    with Stub(answer) as stub:
        result = run("load", "--endpoint", stub.url, str(small_nt))
    assert_one_line_error(*result, 1, "sent 10", "counts 7")


def test_credentials_from_the_environment_never_the_url(
    small_nt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPBES_KG_USER", "loader")
    monkeypatch.setenv("IPBES_KG_PASSWORD", "s3cret")

    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if headers.get("Authorization") != "Basic bG9hZGVyOnMzY3JldA==":
            return 401, {"WWW-Authenticate": 'Basic realm="store"'}, b""
        return (204, {}, b"") if method == "PUT" else (200, {}, counting(10))

    with Stub(answer) as stub:
        code, out, err = run("load", "--endpoint", stub.url, str(small_nt))
        assert code == 0, err
        assert "s3cret" not in out + err
        result = run("load", "--endpoint", stub.url.replace("://", "://u:p@"), str(small_nt))
    assert_one_line_error(*result, 2, "credentials")
    assert "u:p" not in result[2]


def test_digest_challenge_is_answered(small_nt: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPBES_KG_USER", "dba")
    monkeypatch.setenv("IPBES_KG_PASSWORD", "dba")
    challenge = 'Digest realm="SPARQL", nonce="abc123", qop="auth", algorithm="MD5", opaque="xyz"'

    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        if path.startswith("/sparql-graph-crud-auth"):
            if not headers.get("Authorization", "").startswith("Digest "):
                return 401, {"WWW-Authenticate": challenge}, b""
            assert 'username="dba"' in headers["Authorization"]
            assert len(body) == small_nt.stat().st_size, "the body is sent again"
            return 201, {}, b""
        return 200, {}, counting(10)

    with Stub(answer) as stub:
        code, out, err = run(
            "load", "--endpoint", stub.url, "--store", "virtuoso", "--graph", GRAPH, str(small_nt)
        )
        methods = [
            (method, "Digest" in h.get("Authorization", "")) for method, _, h in stub.requests
        ]
    assert code == 0, err
    assert "sparql-graph-crud-auth?graph=" in out
    # HEADs fetch and answer the challenge, so the body is streamed once, authenticated
    assert methods[:3] == [("HEAD", False), ("HEAD", True), ("PUT", True)]
    assert all(digest for _, digest in methods[1:])


def test_connection_refused_and_unknown_host(small_nt: Path) -> None:
    free = OxigraphServer(Path("unused"))  # only for a free port nobody listens on
    assert_one_line_error(
        *run("load", "--endpoint", free.url, str(small_nt)), 2, "connection refused"
    )
    assert_one_line_error(
        *run("load", "--endpoint", "http://no-such-host.invalid:7878", str(small_nt)),
        2,
        "unknown host",
    )


def test_timeout_is_one_line(small_nt: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transport, "_pause", lambda seconds: None)

    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.5)
        return 204, {}, b""

    with Stub(answer) as stub:
        result = run("load", "--endpoint", stub.url, "--timeout", "1", str(small_nt))
        puts = [r for r in stub.requests if r[0] == "PUT"]
    assert_one_line_error(*result, 2, "timeout")
    assert len(puts) == 3, "timeouts are transient: retried"


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("--graph", "not an iri"), ("absolute IRI",)),
        (("--graph", GRAPH, "--default"), ("either --graph",)),
        (("--store", "fuseki"), ("--dataset",)),
        (("--store", "graphdb"), ("--repository",)),
        (("--store", "virtuoso"), ("--graph",)),
        (("--store", "generic"), ("--query-url",)),
        (("/no/such/file.nt",), ("no such file",)),
        (("README.md",), ("unknown RDF file type",)),
    ],
)
def test_bad_options_are_one_line(args: tuple[str, ...], needles: tuple[str, ...]) -> None:
    assert_one_line_error(*run("load", "--endpoint", "http://127.0.0.1:9", *args), 2, *needles)


def test_invalid_input_is_refused_before_sending(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/b> .\n", encoding="utf-8")
    assert_one_line_error(
        *run("load", "--endpoint", "http://127.0.0.1:9", str(bad)), 2, "bad.ttl", "invalid"
    )


def test_store_paths() -> None:
    base = "http://h:1"
    assert resolve_target("oxigraph", base) == Target(
        "oxigraph", f"{base}/store", f"{base}/query", f"{base}/update"
    )
    assert resolve_target("fuseki", base, dataset="ipbes") == Target(
        "fuseki", f"{base}/ipbes/data", f"{base}/ipbes/sparql", f"{base}/ipbes/update"
    )
    assert resolve_target("graphdb", base, repository="kg") == Target(
        "graphdb",
        f"{base}/repositories/kg/rdf-graphs/service",
        f"{base}/repositories/kg",
        f"{base}/repositories/kg/statements",
    )
    assert resolve_target("virtuoso", base) == Target(
        "virtuoso", f"{base}/sparql-graph-crud", f"{base}/sparql", f"{base}/sparql"
    )


def test_an_unreadable_cacert_is_one_line(small_nt: Path, tmp_path: Path) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate", encoding="utf-8")
    assert_one_line_error(
        *run("load", "--endpoint", "https://127.0.0.1:9", "--cacert", str(bad), str(small_nt)),
        2,
        "ca.pem: cannot read the certificates",
    )


def test_packaged_payload_holds_the_triples_build_writes(
    snapshot: Home, nt_file: Path, tmp_path: Path
) -> None:
    payload = packaged_payload(snapshot, tmp_path)
    lines = payload.path.read_text(encoding="utf-8").splitlines()
    assert payload.triples == len(lines) == len(set(lines))
    assert set(lines) == set(nt_file.read_text(encoding="utf-8").splitlines())


def test_load_imports_neither_rdflib_nor_sparqlwrapper(
    oxigraph: OxigraphServer, snapshot: Home
) -> None:
    """Each costs a cold load ~80-150 ms, and load needs neither (its HTTP is httpx's)."""
    modules = imported_modules("--home", str(snapshot.root), "load", "-e", oxigraph.url)
    assert "ipbes_kg.store.loading" in modules
    assert not {"rdflib", "SPARQLWrapper"} & modules


def test_packaged_payload_is_sorted(snapshot: Home, tmp_path: Path) -> None:
    """Oxigraph stores sorted triples faster (benchmarks/notes.md): the payload is sorted."""
    lines = packaged_payload(snapshot, tmp_path).path.read_bytes().splitlines()
    assert lines == sorted(lines)


# --- Fuseki and GraphDB: not installable here, so tested by protocol ------------------------


def recording(
    count: int, seen: list[tuple[str, str, str, bytes]]
) -> Callable[..., tuple[int, dict[str, str], bytes]]:
    def answer(
        method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        seen.append((method, path, headers.get("Content-Type", ""), body))
        if method in ("PUT", "HEAD"):
            return 204, {}, b""
        if headers.get("Content-Type") == "application/sparql-update":
            return 204, {}, b""
        return 200, {"Content-Type": "application/sparql-results+json"}, counting(count)

    return answer


def test_fuseki_urls_load_and_query(small_nt: Path) -> None:
    seen: list[tuple[str, str, str, bytes]] = []
    quoted = urllib.parse.quote(GRAPH, safe="")
    with Stub(recording(10, seen)) as stub:
        code, _, err = run(
            "load",
            "-e",
            stub.url,
            "--store",
            "fuseki",
            "--dataset",
            "ipbes",
            "--graph",
            GRAPH,
            str(small_nt),
        )
        assert code == 0, err
        assert [(m, p, t) for m, p, t, _ in seen] == [
            ("PUT", f"/ipbes/data?graph={quoted}", "application/n-triples"),
            ("POST", "/ipbes/sparql", "application/x-www-form-urlencoded"),
        ]
        assert seen[0][3] == small_nt.read_bytes()
        seen.clear()
        code, _out, err = run(
            "--home",
            str(ROOT),
            "query",
            "tsu-count",
            "-e",
            f"{stub.url}/ipbes/sparql",
            "--graph",
            GRAPH,
        )
        form = urllib.parse.parse_qs(seen[0][3].decode())
    assert form["default-graph-uri"] == [GRAPH] and "ASK" in form["query"][0]


def test_graphdb_urls_load_by_update_and_count_the_real_default_graph(small_nt: Path) -> None:
    seen: list[tuple[str, str, str, bytes]] = []
    with Stub(recording(10, seen)) as stub:
        code, _out, err = run(
            "load",
            "-e",
            stub.url,
            "--store",
            "graphdb",
            "--repository",
            "kg",
            "--default",
            "--protocol",
            "update",
            str(small_nt),
        )
    assert code == 0, err
    assert [(m, p, t) for m, p, t, _ in seen] == [
        ("POST", "/repositories/kg/statements", "application/sparql-update"),
        ("POST", "/repositories/kg", "application/x-www-form-urlencoded"),
    ]
    assert seen[0][3].startswith(b"DROP SILENT DEFAULT ;\nINSERT DATA {")
    count = urllib.parse.parse_qs(seen[1][3].decode())["query"][0]
    assert "FROM <http://rdf4j.org/schema/rdf4j#nil>" in count


def test_the_library_call_the_cli_wraps(
    oxigraph: OxigraphServer, nt_file: Path, nt_lines: int
) -> None:
    import ipbes_kg

    result = ipbes_kg.load(oxigraph.url, [nt_file], graph=GRAPH + "/api")
    assert (result.sent, result.counted, result.method) == (nt_lines, nt_lines, "PUT")
    assert result.summary().startswith(f"replaced <{GRAPH}/api> at {oxigraph.url}/store?graph=")
    assert count(oxigraph, GRAPH + "/api") == nt_lines
