"""Real stores: the same answers on four engines, and a safe load on Oxigraph and Virtuoso.

Engines: embedded pyoxigraph (the golden answers), the Oxigraph server, Apache Jena ARQ 4.5 and
Virtuoso Open Source 7.2, all from Debian or PyPI packages and all on loopback. Each canned
query runs with its defaults, with every example parameter the docs show and with lang=zh.
"Same" is ``canonical()`` below; its only allowances are the ones docs/LOADING.md lists.
"""

import collections
import functools
import os
import re
import shlex
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import OxigraphServer, assert_one_line_error, run_cli
from stores import jena
from stores.virtuoso import LOADER, VirtuosoServer

from ipbes_kg import http as transport
from ipbes_kg.home import Home
from ipbes_kg.query import catalog
from ipbes_kg.query.binding import bound_text
from ipbes_kg.query.engine import load_store, run_embedded
from ipbes_kg.query.params import bind
from ipbes_kg.query.remote import parse_answer, run_remote
from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult, Term
from ipbes_kg.store import gsp, loading
from ipbes_kg.store.payload import Payload, file_payload, packaged_payload
from ipbes_kg.store.target import resolve_target

ROOT = Path(__file__).resolve().parents[1]
GRAPH = "https://example.org/test-stores/ipbes-kg"
NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
REQUIRED = {"contributions-by-donor": {"donor": "place:JP"}}
# The parameters README.md and docs/LOADING.md show, beyond each query's defaults.
EXAMPLES: list[tuple[str, dict[str, str]]] = [
    ("contributions-by-donor", {"donor": "place:JP"}),
    ("contributions-by-donor", {"donor": "agent:unep"}),
    ("contributions-by-donor", {"donor": "place:DE"}),  # both sponsor and funder of one post
    ("provenance", {"entity": "tsu:ilk"}),
    ("entity-graph", {"entity": "tsu:ilk"}),
    ("deliverables", {"lang": "zh"}),
]
XSD = "http://www.w3.org/2001/XMLSchema#"
_CONCAT = re.compile(
    r'GROUP_CONCAT\s*\([^;]*;\s*separator\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', re.I
)


def cases(home: Home) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = []
    for name in NAMES:
        query = catalog.resolve(name, home.queries)
        found.append((name, dict(REQUIRED.get(name, {}))))
        if query.parameter("lang") is not None:
            found.append((name, {**REQUIRED.get(name, {}), "lang": "zh"}))
    return found + [case for case in EXAMPLES if case not in found]


CASES = cases(Home(ROOT))


def case_id(case: tuple[str, dict[str, str]]) -> str:
    name, params = case
    return name + "".join(f"[{k}={v}]" for k, v in sorted(params.items()))


# --- the canonical comparison ------------------------------------------------------------


def _literal(term: ox.Literal) -> str:
    """Allowance 3: Virtuoso writes a true/false as "1"/"0"^^xsd:boolean."""
    if term.datatype.value == XSD + "boolean" and term.value in ("0", "1"):
        return str(ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype))
    return str(term)


def _cell(term: Term | None, separator: str | None) -> str | None:
    if term is None:
        return None
    if separator is not None:
        # Allowances 1 and 2: GROUP_CONCAT items in any order, the cell's language tag dropped
        # (Jena, Virtuoso), and "" (Virtuoso) for a group with no items.
        assert isinstance(term, ox.Literal), term
        if term.value == "":
            return None
        return separator.join(sorted(term.value.split(separator)))
    if isinstance(term, ox.Literal):
        return _literal(term)
    return str(term)


def canonical(result: Result, text: str) -> object:
    """What must be equal on every engine: rows as a multiset (ties may be ordered
    differently), triples as a set, a boolean as itself."""
    if isinstance(result, AskResult):
        return result.value
    if isinstance(result, GraphResult):
        return sorted({str(t) for t in result.triples})
    concat = {var: separator for separator, var in _CONCAT.findall(text)}
    rows = [
        tuple(_cell(row.get(v), concat.get(v)) for v in result.variables) for row in result.rows
    ]
    return (result.variables, sorted(rows, key=repr))


# --- the engines ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def payload(home: Home, tmp_path_factory: pytest.TempPathFactory) -> Payload:
    return packaged_payload(home, tmp_path_factory.mktemp("stores-payload"))


@pytest.fixture(scope="module")
def texts(home: Home) -> dict[str, tuple[str, str]]:
    """case id -> (bound query text, form)"""
    found = {}
    for case in CASES:
        name, params = case
        query = catalog.resolve(name, home.queries)
        found[case_id(case)] = (bound_text(query, bind(query, params)), query.form)
    return found


@pytest.fixture(scope="module")
def embedded(home: Home) -> dict[str, Result]:
    store = load_store(home.graph_files())
    found = {}
    for case in CASES:
        name, params = case
        query = catalog.resolve(name, home.queries)
        found[case_id(case)] = run_embedded(query, bind(query, params), store)
    return found


@pytest.fixture(scope="module")
def jena_answers(
    payload: Payload, texts: dict[str, tuple[str, str]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Result | str]:
    if not jena.available():
        pytest.fail("Apache Jena is not installed: apt-get install libapache-jena-java (.ci/run)")
    raw = jena.run_queries(
        payload.path, {k: t for k, (t, _) in texts.items()}, tmp_path_factory.mktemp("jena")
    )
    found: dict[str, Result | str] = {}
    for key, body in raw.items():
        if body.startswith(b"ERROR "):
            found[key] = body.decode("utf-8", errors="replace")
            continue
        form = texts[key][1]
        media = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "json"
        found[key] = parse_answer(body, media, form, "jena")
    return found


@pytest.fixture(scope="module")
def oxigraph_graph(oxigraph: OxigraphServer, payload: Payload) -> str:
    """The packaged graph in a named graph of the Oxigraph server, by the project's loader."""
    result = loading.load_payload(payload, resolve_target("oxigraph", oxigraph.url), GRAPH)
    assert result.counted == payload.triples
    return GRAPH


@pytest.fixture(scope="module")
def virtuoso_graph(virtuoso: VirtuosoServer, payload: Payload) -> Iterator[str]:
    """The packaged graph in a named graph of Virtuoso, loaded as the docs say: Digest
    credentials from the environment, a user with only the SPARQL_UPDATE grant."""
    saved = {k: os.environ.get(k) for k in (transport.USER_ENV, transport.PASSWORD_ENV)}
    os.environ[transport.USER_ENV], os.environ[transport.PASSWORD_ENV] = LOADER
    try:
        target = resolve_target("virtuoso", virtuoso.url)
        result = loading.load_payload(payload, target, GRAPH)
        assert result.counted == payload.triples
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    yield GRAPH


def _remote(home: Home, case: tuple[str, dict[str, str]], url: str, graph: str) -> Result | str:
    name, params = case
    query = catalog.resolve(name, home.queries)
    try:
        return run_remote(query, bind(query, params), url, timeout=60, graph=graph)
    except Exception as exc:  # reported by the comparison
        return f"ERROR {exc}"


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_the_same_answer_on_four_engines(
    home: Home,
    case: tuple[str, dict[str, str]],
    texts: dict[str, tuple[str, str]],
    embedded: dict[str, Result],
    jena_answers: dict[str, Result | str],
    oxigraph: OxigraphServer,
    oxigraph_graph: str,
    virtuoso: VirtuosoServer,
    virtuoso_graph: str,
) -> None:
    key = case_id(case)
    text = texts[key][0]
    answers: dict[str, Result | str] = {
        "jena": jena_answers[key],
        "oxigraph-server": _remote(home, case, oxigraph.query_url, oxigraph_graph),
        "virtuoso": _remote(home, case, virtuoso.query_url, virtuoso_graph),
    }
    expected = canonical(embedded[key], text)
    if isinstance(embedded[key], SelectResult):
        assert embedded[key].rows, "an empty answer proves nothing"  # type: ignore[union-attr]
    differ = {
        engine: answer if isinstance(answer, str) else canonical(answer, text)
        for engine, answer in answers.items()
        if isinstance(answer, str) or canonical(answer, text) != expected
    }
    assert not differ, (key, expected, differ)


# --- load, replace and query as docs/LOADING.md says ---------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    return run_cli("--home", str(ROOT), *args)


@pytest.fixture
def loader_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(transport.USER_ENV, LOADER[0])
    monkeypatch.setenv(transport.PASSWORD_ENV, LOADER[1])


def _count(url: str, graph: str) -> int:
    answer = run_remote_text(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", url
    )
    assert isinstance(answer, SelectResult)
    return int(answer.rows[0]["n"].value)


def run_remote_text(text: str, url: str) -> Result:
    from ipbes_kg.query.remote import run_text

    return run_text(text, "SELECT", url, timeout=60)


def test_virtuoso_load_with_credentials_from_the_environment(
    virtuoso: VirtuosoServer, payload: Payload, loader_env: None
) -> None:
    graph = GRAPH + "/documented"
    code, out, err = run(
        "load", "--endpoint", virtuoso.url, "--store", "virtuoso", "--graph", graph
    )
    assert code == 0, err
    assert f"sent {payload.triples} triples; the store counts {payload.triples}" in out
    assert "/sparql-graph-crud-auth" in out
    assert _count(virtuoso.auth_query_url, graph) == payload.triples
    # and the query the docs show, on the -auth endpoint, with --graph
    code, out, err = run(
        "query", "tsu-count", "--endpoint", virtuoso.auth_query_url, "--graph", graph
    )
    assert (code, out) == (0, "true\n"), err


def test_virtuoso_load_with_credentials_from_netrc(
    virtuoso: VirtuosoServer, payload: Payload, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login {LOADER[0]} password {LOADER[1]}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv(transport.USER_ENV, raising=False)
    monkeypatch.delenv(transport.PASSWORD_ENV, raising=False)
    graph = GRAPH + "/netrc"
    code, _, err = run("load", "-e", virtuoso.url, "--store", "virtuoso", "--graph", graph)
    assert code == 0, err
    assert _count(virtuoso.query_url, graph) == payload.triples


def test_virtuoso_refusals_are_one_line(
    virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    monkeypatch.setenv(transport.USER_ENV, LOADER[0])
    monkeypatch.setenv(transport.PASSWORD_ENV, "wrong")
    args = ("load", "-e", virtuoso.url, "--store", "virtuoso", "--graph", GRAPH + "/refused")
    code, out, err = run(*args)
    assert_one_line_error(code, out, err, 2, "access refused (401)", "were refused")
    assert "wrong" not in err
    monkeypatch.delenv(transport.USER_ENV)
    monkeypatch.delenv(transport.PASSWORD_ENV)
    code, out, err = run("query", "tsu-count", "--endpoint", virtuoso.auth_query_url)
    assert_one_line_error(code, out, err, 2, "access refused (401)", "IPBES_KG_USER")


def test_virtuoso_update_protocol_batches(
    virtuoso: VirtuosoServer, payload: Payload, loader_env: None
) -> None:
    """The default batch (1,000 on Virtuoso) loads; 5,000 fails with SP030/SP031 and a hint."""
    graph = GRAPH + "/update"
    args = ("load", "-e", virtuoso.url, "--store", "virtuoso", "--graph", graph)
    code, out, err = run(*args, "--protocol", "update")
    assert code == 0, err
    assert _count(virtuoso.query_url, graph) == payload.triples
    code, out, err = run(*args, "--protocol", "update", "--batch-size", "5000")
    assert_one_line_error(code, out, err, 2, "SP03", "lower --batch-size")
    assert _count(virtuoso.query_url, graph) == payload.triples, "the old graph is kept"


def _replace_under_a_reader(
    target_url: str, store: str, graph: str, tmp_path: Path, rounds: int, **how: object
) -> tuple[collections.Counter[int], list[loading.LoadResult]]:
    small = file_payload([write_triples(tmp_path / "small.nt", 2000, "a")], tmp_path)
    large = file_payload([write_triples(tmp_path / "large.nt", 3000, "b")], tmp_path)
    target = resolve_target(store, target_url)
    loading.load_payload(small, target, graph)
    seen: collections.Counter[int] = collections.Counter()
    done = threading.Event()
    failures: list[BaseException] = []

    def reader() -> None:
        with transport.Client(transport.Settings(timeout=30), store) as client:
            try:
                while not done.is_set():
                    seen[gsp.count_triples(client, target, graph)] += 1
            except BaseException as exc:  # surfaced below
                failures.append(exc)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    results = []
    try:
        for i in range(rounds):
            payload = large if i % 2 == 0 else small
            results.append(loading.load_payload(payload, target, graph, **how))  # type: ignore[arg-type]
    finally:
        done.set()
        thread.join(timeout=60)
    assert not failures, failures
    return seen, results


def write_triples(path: Path, n: int, tag: str) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(f'<https://example.org/{tag}/{i}> <https://example.org/p> "v {i}"@en .\n')
    return path


@pytest.mark.parametrize(
    "how", [{}, {"protocol": "update", "batch_size": 700}], ids=["put", "update-batches-move"]
)
def test_oxigraph_replace_is_atomic_for_a_concurrent_reader(
    oxigraph: OxigraphServer, tmp_path: Path, how: dict[str, object]
) -> None:
    """One PUT, or batches into a staging graph and one MOVE: only the old or the new count."""
    graph = GRAPH + "/atomic-" + "-".join(map(str, how.values()))
    seen, results = _replace_under_a_reader(oxigraph.url, "oxigraph", graph, tmp_path, 6, **how)
    assert set(seen) <= {2000, 3000}, seen
    assert all(not r.warnings for r in results)
    assert all(("MOVE" in r.method) == bool(how) for r in results)


def test_virtuoso_replace_goes_through_a_staging_graph_and_warns(
    virtuoso: VirtuosoServer, tmp_path: Path, loader_env: None
) -> None:
    """Virtuoso 7.2 lets a reader see a graph mid-change (measured: docs/LOADING.md), so the
    load stages the graph, swaps it with one MOVE, leaves no staging graph and says so."""
    graph = GRAPH + "/atomic"
    seen, results = _replace_under_a_reader(virtuoso.url, "virtuoso", graph, tmp_path, 4)
    assert sum(seen.values()) > 4 and {2000, 3000} <= set(seen)
    assert all(r.warnings and "MOVE" in r.method for r in results)
    staging = run_remote_text(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "
        f'"{loading.STAGING_BASE}")) }} LIMIT 1',
        virtuoso.auth_query_url,
    )
    assert isinstance(staging, SelectResult) and staging.rows == []


def test_named_graph_round_trip_on_oxigraph(oxigraph: OxigraphServer, oxigraph_graph: str) -> None:
    """LOADING.md: load into a named graph, then query it with --graph; without --graph the
    default graph is asked (empty here)."""
    local = run("query", "staffing", "--format", "csv")
    remote = run(
        "query", "staffing", "--format", "csv", "-e", oxigraph.query_url, "--graph", oxigraph_graph
    )
    assert remote == local and local[0] == 0


def test_load_accepts_the_trig_that_build_writes(
    oxigraph: OxigraphServer, home: Home, payload: Payload, tmp_path: Path
) -> None:
    from ipbes_kg.release import build

    trig = tmp_path / build.TRIG_FILE
    trig.write_bytes(build.render(home)[0][build.TRIG_FILE])
    graph = GRAPH + "/trig"
    code, _, err = run("load", "-e", oxigraph.url, "--graph", graph, str(trig))
    assert code == 0, err
    assert _count(oxigraph.query_url, graph) >= payload.triples


# --- docs/LOADING.md's commands, as written --------------------------------------------------


def doc_commands(title: str) -> list[tuple[list[str], list[str]]]:
    """(command words, the '# …' lines shown after it) for each ipbes-kg or isql-vt command in
    the ```sh blocks of LOADING.md's section ``title``; curl lines are left to curl."""
    text = (ROOT / "docs/LOADING.md").read_text(encoding="utf-8")
    section = text.split(f"### {title}", 1)[1].split("\n### ", 1)[0]
    found: list[tuple[list[str], list[str]]] = []
    for block in re.findall(r"```sh\n(.*?)\n```", section, flags=re.S):
        previous: list[str] | None = None
        for line in block.replace("\\\n", " ").splitlines():
            if line.startswith("#"):
                if previous is not None:
                    found[-1][1].append(line[1:].strip())
                continue
            words = shlex.split(line, comments=True)
            previous = words if words and words[0] != "curl" else None
            if previous is not None:
                found.append((previous, []))
    return found


def run_documented(
    commands: list[tuple[list[str], list[str]]],
    replace: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> int:
    ran = 0
    for words, shown in commands:
        words = [functools.reduce(lambda w, kv: w.replace(*kv), replace.items(), w) for w in words]
        env = {}
        while "=" in words[0] and not words[0].startswith("-"):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        with monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            if words[0] == "isql-vt":
                done = subprocess.run(words, capture_output=True, text=True, timeout=60)
                code, out, err = done.returncode, done.stdout, done.stderr
                assert "*** Error" not in out + err, out + err
            else:
                assert words[0] == "ipbes-kg", words
                code, out, err = run_cli(*words[1:])
        assert code == 0, (words, err)
        for line in shown:
            if line.startswith("warning:"):
                assert line.removesuffix("…").strip() in err, (words, err)
            else:
                assert out.splitlines() == [line], (words, out)
        ran += 1
    return ran


def test_loading_md_oxigraph_commands_as_written(
    oxigraph: OxigraphServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = doc_commands("Oxigraph")
    assert run_documented(commands, {"http://127.0.0.1:7878": oxigraph.url}, monkeypatch) == 4


def test_loading_md_virtuoso_commands_as_written(
    virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented grant (for a user of its own here) is all the load needs."""
    commands = doc_commands("Virtuoso")
    replace = {
        "http://127.0.0.1:8890": virtuoso.url,
        "1111": str(virtuoso.isql_port),
        "$DBA_PASSWORD": "dba",
        "ipbes_loader": "docs_loader",
        "https://w3id.org/ipbes-kg/graph": GRAPH + "/loading-md",
    }
    monkeypatch.delenv(transport.USER_ENV, raising=False)
    monkeypatch.delenv(transport.PASSWORD_ENV, raising=False)
    assert run_documented(commands, replace, monkeypatch) == 4


# --- errors from a real server ---------------------------------------------------------------


def test_a_query_virtuoso_rejects_is_one_line_with_its_message(
    virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.rq"
    # valid SPARQL 1.2 for the local check, unknown to Virtuoso 7.2, which rejects it itself
    bad.write_text("SELECT ?s WHERE { ?s ?p ?o . FILTER(hasLangDir(?o)) }\n", encoding="utf-8")
    code, out, err = run("query", str(bad), "--endpoint", virtuoso.query_url)
    assert_one_line_error(code, out, err, 2, virtuoso.query_url, "SP030")
    assert "b'" not in err and "SELECT" not in err and len(err) < 400


@pytest.mark.parametrize(
    ("path", "use"),
    [("/sparql-graph-crud", "/sparql"), ("/sparql-graph-crud-auth", "/sparql-auth")],
)
def test_a_graph_store_url_as_query_endpoint_names_the_query_url(
    virtuoso: VirtuosoServer, path: str, use: str
) -> None:
    code, out, err = run("query", "tsu-count", "--endpoint", virtuoso.url + path)
    assert_one_line_error(code, out, err, 2, "Graph Store", f"use {virtuoso.url}{use}")


def test_a_graph_store_url_on_oxigraph_names_the_query_url(oxigraph: OxigraphServer) -> None:
    code, out, err = run("query", "tsu-count", "--endpoint", oxigraph.store_url)
    assert_one_line_error(code, out, err, 2, "Graph Store", f"use {oxigraph.query_url}")
