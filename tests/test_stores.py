"""Real stores: the same answers on four engines, and a safe load on Oxigraph and Virtuoso.

Engines: embedded pyoxigraph (the golden answers), the Oxigraph server, Apache Jena ARQ 4.5 and
Virtuoso Open Source 7.2, all from Debian or PyPI packages and all on loopback. Each canned
query runs with its defaults, with every example parameter the docs show and with lang=zh.
"Same" is ``canonical()`` below; its only allowances are the ones docs/LOADING.md lists.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import OxigraphServer
from stores import jena
from stores.virtuoso import LOADER, VirtuosoServer

from ipbes_kg import http as transport
from ipbes_kg.home import Home
from ipbes_kg.query import catalog
from ipbes_kg.query.binding import bound_text
from ipbes_kg.query.engine import bind, load_store, run_embedded
from ipbes_kg.query.remote import parse_answer, run_remote
from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult, Term
from ipbes_kg.store import loading
from ipbes_kg.store.payload import Payload, packaged_payload
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
