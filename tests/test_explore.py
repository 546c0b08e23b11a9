"""Reading the graph (#15): search, show, queries NAME, complete --lang zh, no silent empty
answers for own queries and parameters."""

import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, assert_one_line_error
from conftest import run_cli as run

from ipbes_kg import KnowledgeGraph
from ipbes_kg.query.params import UnknownEntityWarning

KG = KnowledgeGraph()
PARAMS = {"contributions-by-donor": {"donor": "place:JP"}}


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("洪堡", "agent:humboldt-institute"),
        ("humboldt", "agent:humboldt-institute"),
        ("Humboldt", "agent:humboldt-institute"),
        ("2(b)", "deliverable:2b"),
        ("IPBES/7/INF/5", "doc:IPBES-7-INF-5"),
        ("ilk", "tsu:ilk"),
    ],
)
def test_search_finds_by_chinese_english_notation_and_identifier(text: str, expected: str) -> None:
    hits = KG.search(text)
    assert expected in [h.curie for h in hits[:3]], [h.curie for h in hits]


def test_search_ranks_exact_before_prefix_before_substring() -> None:
    hits = KG.search("Bonn")
    assert hits[0].curie == "place:bonn" and hits[0].rank == "exact"
    order = ["exact", "prefix", "word", "substring"]
    assert [order.index(h.rank) for h in hits] == sorted(order.index(h.rank) for h in hits)


def test_search_cli_shows_curie_both_labels_and_kind() -> None:
    code, out, _ = run("search", "洪堡")
    assert code == 0
    header = out.splitlines()[0].split()
    assert header == ["entity", "en", "zh", "kind"]
    assert "agent:humboldt-institute" in out and "亚历山大·冯·洪堡生物资源研究所" in out
    doc = json.loads(run("search", "humboldt", "--json")[1])
    assert doc[0]["labels"]["zh"] and doc[0]["kind"]


def test_search_with_no_match_exits_1() -> None:
    code, out, _ = run("search", "no such thing anywhere")
    assert code == 1 and "no matches" in out


# --- show ---------------------------------------------------------------------------------


def test_show_has_types_labels_properties_incoming_and_provenance() -> None:
    code, out, _ = run("show", "tsu:ilk")
    assert code == 0
    assert out.startswith("tsu:ilk  ipbes:TechnicalSupportUnit")
    assert "土著和地方知识技术支持小组" in out
    assert "technical support unit on indigenous and local knowledge" in out
    assert "ipbes:hostedBy" in out and "agent:unesco" in out and "联合国教育、科学及文化组织" in out
    assert "linked from" in out and "contribution:unesco-tsu-ilk" in out
    assert "provenance" in out and "para:10b" in out


def test_show_resolves_a_name_and_refuses_an_ambiguous_one() -> None:
    assert run("show", "IPBES/7/INF/5")[1].startswith("doc:IPBES-7-INF-5")
    assert_one_line_error(*run("show", "洪堡"), 2, "matches 3 entities", "give a CURIE")


def test_show_unknown_entity_is_an_error_with_did_you_mean() -> None:
    assert_one_line_error(*run("show", "tsu:ilkk"), 2, "names nothing", "tsu:ilk")
    assert_one_line_error(*run("show", "tsx:ilk"), 2, "unknown prefix", "tsu:ilk")


def test_show_json_and_ttl() -> None:
    doc = json.loads(run("show", "tsu:ilk", "-f", "json", "--lang", "zh")[1])
    assert doc["curie"] == "tsu:ilk" and list(doc["labels"]) == ["zh"]
    assert {p["property"] for p in doc["properties"]} >= {"ipbes:hostedBy", "ipbes:supports"}
    code, out, _ = run("show", "tsu:ilk", "-f", "ttl")
    assert code == 0
    graph = ox.parse(out.encode(), format=ox.RdfFormat.TURTLE)
    assert sum(1 for _ in graph) > 10


def test_show_pairs_each_quote_with_its_own_paragraph() -> None:
    record = KG.entity("tsu:ilk")
    pairs = {s.notation: sorted(s.quotes) for s in record.sources}
    assert pairs == {
        "10": ["在 2014 年成立了三个工作队，并配备了技术支持小组"],
        "10(b)": sorted(
            [
                "在教科文组织提供的实物支助下，这一领域的工作继续获得设在教科文组织总部的技术支持小组的支持",
                "土著和地方知识工作队（交付品 1(c)）",
            ]
        ),
    }
    assert record.unplaced == []
    hosted = record.sources[1].states[
        "在教科文组织提供的实物支助下，这一领域的工作继续获得设在教科文组织总部的技术支持小组的支持"
    ]
    assert "ipbes:hostedBy" in hosted
    # three quotes, three pairs: never the cross product of paragraphs and quotes
    post = KG.entity("post:programme-officer-p3")
    assert sum(len(s.quotes) for s in post.sources) == 3


def test_show_prints_quotes_under_their_paragraph_and_curators_statements() -> None:
    out = run("show", "tsu:ilk", "--width", "0")[1]
    provenance = out.split("provenance", 1)[1].splitlines()
    para10 = provenance.index("para:10  IPBES/7/2, paragraph 10 / IPBES/7/2 第 10 段")
    assert "在 2014 年成立了三个工作队" in provenance[para10 + 1]
    assert provenance[para10 + 2].startswith("para:10b")
    assert "curators' statement" in run("show", "assessment:africa")[1]


@pytest.fixture(scope="module")
def quotes_on_entity(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """A graph with an entity in the model before citations: quotes on the entity itself."""
    home = tmp_path_factory.mktemp("home")
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / folder, home / folder)
    (home / "data" / "zz-old-model.ttl").write_text(
        "@prefix ipbes: <https://w3id.org/ipbes-kg/ontology#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix para: <https://w3id.org/ipbes-kg/id/document/IPBES-7-2/para/> .\n"
        "<https://w3id.org/ipbes-kg/id/tsu/old> a ipbes:TechnicalSupportUnit ;\n"
        "  prov:wasDerivedFrom para:10 , para:10b ;\n"
        '  ipbes:quote "在 2014 年成立了三个工作队，并配备了技术支持小组"@zh ,\n'
        '    "土著和地方知识工作队（交付品 1(c)）"@zh , "不在任何段落中的引文"@zh .\n',
        encoding="utf-8",
    )
    return KnowledgeGraph(home)


def test_quotes_on_the_entity_are_paired_by_the_paragraph_texts(
    quotes_on_entity: KnowledgeGraph,
) -> None:
    record = quotes_on_entity.entity("tsu:old")
    pairs = {s.notation: s.quotes for s in record.sources}
    assert pairs == {
        "10": ["在 2014 年成立了三个工作队，并配备了技术支持小组"],
        "10(b)": ["土著和地方知识工作队（交付品 1(c)）"],
    }
    assert record.unplaced == ["不在任何段落中的引文"]


# --- queries NAME -------------------------------------------------------------------------


def test_queries_name_prints_description_parameters_example_and_sparql() -> None:
    code, out, _ = run("queries", "contributions-by-donor")
    assert code == 0
    assert out.startswith("contributions-by-donor: What one donor supports")
    assert "donor  (iri, required; ?_donor_iri)" in out
    assert "lang  (string, optional, default en; ?__lang)" in out
    example = re.search(r"ipbes-kg query contributions-by-donor -p donor=(\S+)", out)
    assert example is not None
    assert len(KG.query("contributions-by-donor", donor=example.group(1))) > 0
    assert "SELECT" in out and "?_donor_iri" in out


def test_queries_unknown_name_has_did_you_mean() -> None:
    assert_one_line_error(*run("queries", "tsu-hostz"), 2, "did you mean tsu-hosts")


# --- --lang zh is complete ----------------------------------------------------------------


def _english_labels_with_chinese() -> set[str]:
    """English label texts of terms with a different Chinese label (identifiers and notations,
    which are the same in both languages, left out)."""
    answer = KG.query(
        "SELECT DISTINCT ?l WHERE { ?s rdfs:label ?l, ?z "
        'FILTER(LANG(?l) = "en" && LANG(?z) = "zh" && STR(?z) != STR(?l)) '
        "FILTER NOT EXISTS { ?x dcterms:identifier|skos:notation ?n FILTER(STR(?n) = STR(?l)) } }"
    )
    return {str(row["l"]) for row in answer}


LANG_QUERIES = [q.name for q in KG.queries() if q.form == "SELECT" and q.parameter("lang")]
# Columns of statement values, not of labels: a curated rdfs:label statement is listed in both
# languages, since both labels are what the curators state.
STATEMENT_VALUES = {("curated-statements", "value")}


@pytest.mark.parametrize("name", LANG_QUERIES)
def test_lang_zh_answers_hold_no_english_label_that_has_a_chinese_one(name: str) -> None:
    english = _english_labels_with_chinese()
    answer = KG.query(name, "zh", params=PARAMS.get(name))
    for row in answer.terms():
        for variable, term in row.items():
            if (name, variable) in STATEMENT_VALUES:
                continue
            if isinstance(term, ox.Literal) and term.language == "en":
                assert term.value not in english, (variable, term)
            if isinstance(term, ox.Literal) and not term.language:  # GROUP_CONCAT, VALUES
                pieces = {term.value, *re.split(r"; |, ", term.value)}
                assert not pieces & english, (variable, term)


# --- no silent empty answers --------------------------------------------------------------


def test_unknown_prefix_in_a_parameter_is_exit_2_with_did_you_mean() -> None:
    assert_one_line_error(
        *run("query", "provenance", "-p", "entity=tsx:ilk"), 2, "unknown prefix 'tsx:'", "tsu:ilk"
    )


def test_iri_parameter_naming_nothing_warns() -> None:
    code, out, err = run("query", "provenance", "-p", "entity=tsu:nothing")
    assert code == 0 and "(0 rows)" in out
    assert err.startswith("warning: ") and "tsu:nothing names nothing in the graph" in err
    with pytest.warns(UnknownEntityWarning):
        KG.query("provenance", entity="tsu:nothing")


def test_lang_is_checked_against_the_graph() -> None:
    assert KG.languages == ("en", "zh")
    assert_one_line_error(*run("query", "tsu-hosts", "-p", "lang=fr"), 2, "en, zh")


def test_own_query_gets_project_prefixes_and_lang(tmp_path: Path) -> None:
    own = tmp_path / "own.rq"
    own.write_text(
        "# my labels\n"
        "SELECT ?tsu ?label WHERE {\n"
        "  ?tsu a ipbes:TechnicalSupportUnit .\n"
        "  { ?tsu rdfs:label ?label FILTER(LANG(?label) = ?__lang) }\n"
        "  UNION { ?tsu skos:altLabel ?label FILTER(LANG(?label) = ?__lang) }\n"
        "}\n",
        encoding="utf-8",
    )
    english = KG.query(str(own))
    assert len(english) == 15
    chinese = KG.query(str(own), "zh")
    assert len(chinese) > 15 and all(re.search(r"[\u4e00-\u9fff]", r["label"]) for r in chinese)


def test_explicit_prefix_wins(tmp_path: Path) -> None:
    own = tmp_path / "own.rq"
    own.write_text(
        "PREFIX ipbes: <http://example.org/>\nSELECT ?s WHERE { ?s a ipbes:TechnicalSupportUnit }\n"
    )
    assert len(KG.query(str(own))) == 0


def test_syntax_error_in_own_query_has_the_users_line_and_column(tmp_path: Path) -> None:
    own = tmp_path / "own.rq"
    own.write_text("SELECT ?s WHERE {\n  ?s a ipbes:TechnicalSupportUnit .\n  BIND(1 AS )\n}\n")
    code, out, err = run("query", str(own), "--lang", "zh")
    assert_one_line_error(code, out, err, 2, f"{own}:3:13:", "SPARQL syntax error")
    # on line 1, after the project prefixes added in front of it, the column is still the user's
    first = tmp_path / "first.rq"
    text = "SELECT ?s WHERE { ?s a ipbes:Thing . BIND(1 AS ) }\n"
    first.write_text(text)
    column = text.index(") }") + 1
    assert_one_line_error(*run("query", str(first)), 2, f"{first}:1:{column}:")
    # pyoxigraph's list of every accepted character class is cut to a readable length
    long = tmp_path / "long.rq"
    long.write_text("SELECT * WHERE {\n  ?s ipbes: ?o . ?s é ?o }\n")
    assert len(run("query", str(long))[2]) < 300


def test_unknown_prefix_in_own_query_points_at_it(tmp_path: Path) -> None:
    own = tmp_path / "own.rq"
    own.write_text("SELECT ?s WHERE {\n  ?s a fooo:Bar }\n")
    assert_one_line_error(*run("query", str(own)), 2, f"{own}:2:8:", "unknown prefix 'fooo:'")


def test_search_leaves_out_provenance_records() -> None:
    assert not [h for h in KG.search("ilk", None) if "#" in h.curie]
