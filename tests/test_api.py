"""The Python API: README's examples run as written, and the CLI prints what the API gives."""

import datetime
import doctest
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run_cli

from ipbes_kg import Answer, KnowledgeGraph, UserError
from ipbes_kg.rdf.terms import python_value

ROOT = Path(__file__).resolve().parents[1]
NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))
PARAMS = {"contributions-by-donor": {"donor": "place:JP"}}


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph(ROOT)


def test_readme_examples_run_as_a_doctest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```pycon\n(.*?)```", readme, re.S)
    assert blocks, "README has no ```pycon example"
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for number, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README.md pycon block {number}", "README.md", 0)
        assert test.examples
        runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert attempted > 0 and failed == 0


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["tsv", "table", "json"])
def test_cli_prints_what_the_api_serializes(kg: KnowledgeGraph, name: str, fmt: str) -> None:
    answer = kg.query(name, **PARAMS.get(name, {}))
    if answer.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = "ttl"
    args = [f"{k}={v}" for k, v in PARAMS.get(name, {}).items()]
    code, out, err = run_cli(
        "--home", str(ROOT), "query", name, "-f", fmt, "--width", "120",
        *[a for arg in args for a in ("-p", arg)],
    )  # fmt: skip
    assert code == 0, err
    assert out == answer.serialize(fmt, width=120)


def test_rows_are_plain_python_values(kg: KnowledgeGraph) -> None:
    answer = kg.query("headline-figures")
    assert isinstance(answer, Answer) and answer.form == "SELECT"
    values = [v for row in answer for v in row.values()]
    assert all(isinstance(v, str | int | float | Decimal | bool | datetime.date) for v in values)
    assert any(isinstance(v, int) and not isinstance(v, bool) for v in values)
    assert [python_value(t) for t in answer.terms()[0].values()] == list(answer.rows()[0].values())


def test_construct_answers_give_triples_and_turtle(kg: KnowledgeGraph) -> None:
    answer = kg.query("entity-graph", entity="tsu:ilk")
    assert answer.form == "CONSTRUCT" and answer.triples and len(answer) == len(answer.triples)
    first = next(iter(answer))
    assert set(first) == {"subject", "predicate", "object"}
    assert "tsu:ilk" in answer.serialize("ttl")


def test_sparql_text_and_parameters_by_mapping(kg: KnowledgeGraph) -> None:
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/ipbes-kg/ontology#TechnicalSupportUnit> }"
    assert kg.query(text).rows() == [{"n": 15}]
    by_keyword = kg.query("provenance", entity="tsu:ilk").rows()
    assert by_keyword == kg.query("provenance", params={"entity": "tsu:ilk"}).rows()


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda kg: kg.query("provenance", entity="tus:ilk"), "did you mean tsu:ilk"),
        (lambda kg: kg.query("tsu-hosts", lang="fr"), "en, zh"),
        (lambda kg: kg.query("tsu-hosts", nope="x"), "unknown parameter 'nope'"),
        (lambda kg: kg.query("tsu-hosst"), "did you mean tsu-hosts"),
    ],
)
def test_mistakes_raise_one_line_user_errors(kg: KnowledgeGraph, call: object, needle: str) -> None:
    with pytest.raises(UserError) as raised:
        call(kg)  # type: ignore[operator]
    assert needle in raised.value.message and "\n" not in raised.value.message
