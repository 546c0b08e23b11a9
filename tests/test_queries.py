"""Canned queries: self-describing, portable, with golden answers that agree on every engine."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import OxigraphServer, assert_one_line_error, run_cli
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from ipbes_kg.home import Home
from ipbes_kg.query import catalog
from ipbes_kg.query.engine import load_store, run_embedded
from ipbes_kg.query.formats import render
from ipbes_kg.query.params import bind
from ipbes_kg.query.remote import run_remote
from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult
from ipbes_kg.rdf.names import PREFIXES
from ipbes_kg.store.loading import load_payload
from ipbes_kg.store.payload import packaged_payload
from ipbes_kg.store.target import resolve_target

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = ROOT / "tests/expected"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_GYM = ox.NamedNode(XSD + "gYearMonth")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
# Values for required parameters (the others use their #+ defaults).
PARAMS = {"contributions-by-donor": {"donor": "place:JP"}}


@pytest.fixture(scope="module")
def store(home: Home) -> ox.Store:
    return load_store(home.graph_files())


@pytest.fixture(scope="module")
def loaded_server(
    oxigraph: OxigraphServer, home: Home, tmp_path_factory: pytest.TempPathFactory
) -> OxigraphServer:
    """The real Oxigraph server holding the packaged graph in its default graph, put there by
    the project's own loader (so the golden answers are also checked after `ipbes-kg load`)."""
    payload = packaged_payload(home, tmp_path_factory.mktemp("payload"))
    result = load_payload(payload, resolve_target("oxigraph", oxigraph.url), None)
    assert result.counted == payload.triples
    return oxigraph


def answer(name: str, home: Home, store: ox.Store) -> Result:
    query = catalog.resolve(name, home.queries)
    return run_embedded(query, bind(query, PARAMS.get(name, {})), store)


_CONCAT = re.compile(r'GROUP_CONCAT\(.*?separator\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', re.S | re.I)


def normalized(name: str, home: Home, tsv: str) -> list[str]:
    """TSV rows with the items of each GROUP_CONCAT cell sorted: SPARQL leaves their order open."""
    concat = dict(
        (var, sep) for sep, var in _CONCAT.findall(catalog.resolve(name, home.queries).text)
    )
    header, *lines = tsv.splitlines() or [""]
    variables = [v.lstrip("?") for v in header.split("\t")]
    rows = [header]
    for line in lines:
        cells = line.split("\t")
        for i, var in enumerate(variables):
            if var in concat and i < len(cells) and cells[i].startswith('"'):
                body, _, tail = cells[i][1:].rpartition('"')
                cells[i] = '"' + concat[var].join(sorted(body.split(concat[var]))) + '"' + tail
        rows.append("\t".join(cells))
    return rows


def golden_text(result: Result) -> tuple[str, str]:
    if isinstance(result, GraphResult):
        return "ttl", render(result, "ttl")
    return "tsv", render(result, "tsv")


def test_there_are_at_least_25_canned_queries() -> None:
    assert len(NAMES) >= 25


@pytest.mark.parametrize("name", NAMES)
def test_header_describes_the_query(home: Home, name: str) -> None:
    query = catalog.resolve(name, home.queries)
    assert query.summary and query.description and query.tags
    assert query.form in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    for param in query.parameters:
        assert param.default is not None or name in PARAMS, (
            f"{param.name} needs a default or a test value"
        )


def test_all_query_forms_are_used(home: Home) -> None:
    assert {catalog.resolve(n, home.queries).form for n in NAMES} >= {"SELECT", "ASK", "CONSTRUCT"}


@pytest.mark.parametrize("name", NAMES)
def test_rdflib_parses_the_query_without_borrowed_prefixes(home: Home, name: str) -> None:
    prepareQuery(catalog.resolve(name, home.queries).text, initNs={})


@pytest.mark.parametrize("name", NAMES)
def test_golden_answer(home: Home, store: ox.Store, update_golden: bool, name: str) -> None:
    """Run in-process (pyoxigraph: declared prefixes only) and compare with tests/expected/."""
    ext, text = golden_text(answer(name, home, store))
    path = EXPECTED / f"{name}.{ext}"
    if update_golden:
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden answer; run pytest --update-golden and review {path}"
    expected = path.read_text(encoding="utf-8")
    if "ORDER BY" not in catalog.resolve(name, home.queries).text.upper():
        text, expected = (
            "\n".join(sorted(text.splitlines())),
            "\n".join(sorted(expected.splitlines())),
        )
    assert text == expected


def test_golden_answers_are_not_empty(home: Home, store: ox.Store) -> None:
    empty = [
        n for n in NAMES if isinstance(r := answer(n, home, store), SelectResult) and not r.rows
    ]
    assert empty == []


@pytest.mark.parametrize("name", NAMES)
def test_endpoint_gives_the_same_answer(
    home: Home, store: ox.Store, loaded_server: OxigraphServer, name: str
) -> None:
    query = catalog.resolve(name, home.queries)
    local = answer(name, home, store)
    remote = run_remote(
        query, bind(query, PARAMS.get(name, {})), loaded_server.query_url, timeout=30
    )
    assert type(local) is type(remote)
    if isinstance(local, GraphResult):
        assert isinstance(remote, GraphResult)
        assert {str(t) for t in local.triples} == {str(t) for t in remote.triples}  # no blank nodes
    elif isinstance(local, AskResult):
        assert local == remote
    else:
        assert isinstance(remote, SelectResult)
        assert local.variables == remote.variables
        # Engines may order tied rows differently; the golden test pins the in-process order.
        assert sorted(normalized(name, home, render(local, "tsv"))) == sorted(
            normalized(name, home, render(remote, "tsv"))
        )


# --- the command line ---------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    return run_cli("--home", str(ROOT), *args)


def test_queries_lists_names_and_summaries() -> None:
    code, out, _ = run("queries")
    assert code == 0
    assert all(name in out for name in NAMES)


def test_queries_as_json() -> None:
    import json

    code, out, _ = run("queries", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and [q["name"] for q in doc] == NAMES
    assert {"name", "summary", "description", "tags", "form", "parameters"} <= set(doc[0])


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "md"])
def test_every_output_format(fmt: str) -> None:
    code, out, err = run("query", "tsu-hosts", "--format", fmt, "--width", "200")
    assert code == 0, err
    assert "tsu:capacity-building" in out or "capacity-building" in out


def test_table_fits_the_width_and_shows_curies() -> None:
    _, out, _ = run("query", "tsu-hosts", "--width", "80")
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "tsu:ilk" in out and "https://" not in out


def test_lang_switches_labels_to_chinese() -> None:
    _, out, _ = run("query", "tsu-hosts", "--lang", "zh", "--format", "csv")
    assert "挪威环境局" in out


def test_construct_prints_turtle() -> None:
    code, out, _ = run("query", "entity-graph", "--param", "entity=tsu:ilk", "--format", "ttl")
    assert code == 0
    assert len(Graph().parse(data=out, format="turtle")) > 5


AWKWARD = [
    ox.Triple(
        ox.NamedNode(PREFIXES["decision"] + "IPBES-6/1"),
        RDFS_LABEL,
        ox.Literal('a "quoted"\nline\\'),
    ),
    ox.Triple(ox.NamedNode(PREFIXES["para"] + "10a"), RDFS_LABEL, ox.Literal("段", language="zh")),
    ox.Triple(
        ox.NamedNode(PREFIXES["para"] + "10."), RDFS_LABEL, ox.Literal("2018-09", datatype=XSD_GYM)
    ),
    ox.Triple(ox.NamedNode(PREFIXES["ipbes"]), RDF_TYPE, ox.NamedNode("http://example.org/x#(y)")),
    ox.Triple(ox.BlankNode("b0"), RDF_TYPE, ox.NamedNode(PREFIXES["ipbes"] + "Decision")),
    ox.Triple(ox.BlankNode("b0"), RDF_TYPE, ox.NamedNode(PREFIXES["ipbes"] + "Deliverable")),
    ox.Triple(
        ox.BlankNode("b0"), RDFS_LABEL, ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))
    ),
]


def _reparsed(text: str) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}


def test_turtle_output_parses_back_to_the_same_triples(home: Home, store: ox.Store) -> None:
    graphs = [
        answer(n, home, store)
        for n in NAMES
        if catalog.resolve(n, home.queries).form == "CONSTRUCT"
    ]
    assert graphs
    for result in graphs:
        assert isinstance(result, GraphResult)
        assert _reparsed(render(result, "ttl")) == set(result.triples)
    text = render(GraphResult(AWKWARD), "ttl")
    assert _reparsed(text) == set(AWKWARD)
    assert text == render(GraphResult(list(reversed(AWKWARD))), "ttl")  # order-independent
    prefixes = [line.split()[1] for line in text.splitlines() if line.startswith("@prefix ")]
    assert prefixes == ["ipbes:", "para:", "rdfs:", "xsd:"]  # only those used, sorted


def test_injection_is_data_not_sparql(store: ox.Store) -> None:
    before = len(store)
    code, out, err = run(
        "query", "decision", "--param", 'symbol=x" } ; DROP ALL ; #', "--format", "csv"
    )
    assert code == 0, err
    assert out.splitlines() == ["part,action,objectLabel"]
    assert len(store) == before


def assert_error(code: int, out: str, err: str, *needles: str) -> None:
    assert_one_line_error(code, out, err, 2, *needles)


def test_unknown_query_suggests_a_name() -> None:
    assert_error(*run("query", "tsu-host"), "unknown query 'tsu-host'", "did you mean tsu-hosts")


def test_missing_required_parameter_lists_parameters() -> None:
    assert_error(
        *run("query", "contributions-by-donor"),
        "missing required parameter 'donor'",
        "parameters: donor (iri)",
    )


def test_unknown_parameter() -> None:
    assert_error(
        *run("query", "tsu-hosts", "-p", "colour=red"), "unknown parameter 'colour'", "lang"
    )


def test_wrong_parameter_type() -> None:
    assert_error(*run("query", "provenance", "-p", "entity=not an iri"), "'entity' needs an IRI")


def test_syntax_error_in_a_user_file_gives_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text(
        "PREFIX ex: <http://example.org/>\nSELECT ?x WHERE {\n  ?x ex:p ?y .\n  FILTER(?y = )\n}\n"
    )
    assert_error(*run("query", str(bad)), str(bad), "SPARQL syntax error", "6:1")


def test_undeclared_prefix_is_an_error(tmp_path: Path) -> None:
    # issue #15: an own query gets the project prefixes; a prefix the project lacks is an error
    bad = tmp_path / "borrow.rq"
    bad.write_text("SELECT ?s WHERE { ?s a ipbes:TechnicalSupportUnit ; ex:p ?o }\n")
    assert_error(*run("query", str(bad)), "unknown prefix 'ex:'", ":1:53:")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "DROP ALL",
        "CLEAR DEFAULT",
        "LOAD <http://example.org/x>",
    ],
)
def test_updates_are_refused(tmp_path: Path, update: str) -> None:
    path = tmp_path / "update.rq"
    path.write_text(f"PREFIX ex: <http://example.org/>\n{update}\n")
    assert_error(*run("query", str(path)), "is an update")


def test_endpoint_refused() -> None:
    assert_error(
        *run("query", "tsu-hosts", "--endpoint", "http://127.0.0.1:9/query"), "connection refused"
    )


def test_endpoint_wrong_path(loaded_server: OxigraphServer) -> None:
    assert_error(*run("query", "tsu-hosts", "--endpoint", f"{loaded_server.url}/nope"), "404")


def test_endpoint_credentials_never_on_the_command_line(loaded_server: OxigraphServer) -> None:
    url = loaded_server.query_url.replace("http://", "http://alice:secret@")
    code, out, err = run("query", "tsu-hosts", "--endpoint", url)
    assert_error(code, out, err, "do not put credentials in the URL")
    assert "secret" not in err


def test_endpoint_query_matches_embedded(loaded_server: OxigraphServer) -> None:
    local = run("query", "staffing", "--format", "csv")
    remote = run("query", "staffing", "--format", "csv", "--endpoint", loaded_server.query_url)
    assert local == remote and local[0] == 0
