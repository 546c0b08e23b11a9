"""`ipbes-kg validate`: formats, exit codes, --fail-on, --shapes, one-line input errors, no network."""

import json
import re
import socket
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml
from click.testing import CliRunner
from conftest import assert_one_line_error as one_line_error
from conftest import run_cli
from rdflib import Graph
from rdflib.namespace import RDF, SH

from ipbes_kg.cli import cli
from ipbes_kg.validate.formats import FORMATS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
VALID = FIXTURES / "valid-001.ttl"
BROKEN = FIXTURES / "class-002.ttl"  # one violation: programme:fellowship ipbes:deliverable
WARNED = FIXTURES / "minCount-013.ttl"  # one warning: place:paris schema:containedInPlace
RESULT_KEYS = ["severity", "focus", "focus_label", "path", "value", "message", "component",
               "shape", "file", "line", "column", "accepted"]  # fmt: skip


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--home", str(ROOT), "validate", *args])
    return result.exit_code, result.stdout, result.stderr


def own(results: list[dict[str, Any]], fixture: Path) -> list[dict[str, Any]]:
    """The results located in a fixture (the vocabulary gives its own accepted warnings)."""
    return [r for r in results if str(r["file"]).endswith(fixture.name)]


def as_json(*args: str) -> tuple[int, Any]:
    code, out, err = run(*args, "--format", "json")
    assert err == ""
    return code, json.loads(out)


# ------------------------------------------------------------------------------------------------
# Exit codes and --fail-on
# ------------------------------------------------------------------------------------------------


def test_valid_graph_exits_0() -> None:
    code, doc = as_json(str(VALID))
    assert code == 0
    assert doc["conforms"] is True
    assert own(doc["results"], VALID) == []


def test_violation_exits_1_and_names_focus_path_and_location() -> None:
    code, doc = as_json(str(BROKEN))
    assert code == 1
    assert doc["conforms"] is False
    (result,) = own(doc["results"], BROKEN)
    assert result["severity"] == "violation"
    assert result["focus"] == "programme:fellowship"
    assert result["focus_label"] == "IPBES fellowship programme"
    assert result["path"] == "ipbes:deliverable"
    assert result["value"] == "objective:1"
    assert result["component"] == "sh:ClassConstraintComponent"
    assert result["shape"] == "shape:Programme/ipbes:deliverable"
    lines = BROKEN.read_text(encoding="utf-8").splitlines()
    assert lines[int(result["line"]) - 1] == "    ipbes:deliverable objective:1 ;"
    assert result["column"] == 23  # the value itself


def test_warnings_pass_by_default_and_fail_with_fail_on_warning() -> None:
    # place:paris lacking its country is accepted in the project's baseline: --no-baseline
    code, doc = as_json(str(WARNED), "--no-baseline")
    assert code == 0
    (result,) = own(doc["results"], WARNED)
    assert (result["severity"], result["focus"]) == ("warning", "place:paris")
    assert run(str(WARNED), "--fail-on", "warning", "--no-baseline")[0] == 1
    assert run(str(WARNED), "--fail-on", "info", "--no-baseline")[0] == 1
    assert run(str(VALID), "--fail-on", "violation")[0] == 0


def test_no_arguments_validates_the_packaged_vocabulary_and_data() -> None:
    code, doc = as_json()
    counts = doc["counts"]
    assert isinstance(counts, dict)
    assert code == (1 if counts["violation"] else 0)
    files = {r["file"] for r in doc["results"]}
    assert any(str(f).startswith("data/") or "/data/" in str(f) for f in files)


def test_a_directory_is_its_turtle_files(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(BROKEN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not turtle", encoding="utf-8")
    code, doc = as_json(str(tmp_path))
    assert code == 1
    assert [r["focus"] for r in doc["results"] if str(r["file"]).endswith("a.ttl")] == [
        "programme:fellowship"
    ]


# ------------------------------------------------------------------------------------------------
# Formats
# ------------------------------------------------------------------------------------------------


def test_formats_are_the_documented_ones() -> None:
    assert FORMATS == ("text", "json", "turtle", "junit", "github")


@pytest.mark.parametrize("fixture", [BROKEN, WARNED])
def test_json_follows_the_documented_schema(fixture: Path) -> None:
    _, doc = as_json(str(fixture))
    assert sorted(doc) == ["conforms", "counts", "results"]
    assert sorted(doc["counts"]) == ["info", "violation", "warning"]
    assert doc["results"]
    for result in doc["results"]:
        assert list(result) == RESULT_KEYS
        assert all(isinstance(result[k], str) for k in RESULT_KEYS[:8])
        assert result["file"] is None or isinstance(result["file"], str)
        assert result["line"] is None or isinstance(result["line"], int)
        assert result["column"] is None or isinstance(result["column"], int)
        assert isinstance(result["accepted"], bool)


def test_text_groups_results_by_file() -> None:
    code, out, _ = run(str(BROKEN))
    assert code == 1
    lines = out.splitlines()
    header = lines.index(next(line for line in lines if line.endswith("class-002.ttl")))
    assert "violation" in lines[header + 1]
    assert (
        "programme:fellowship (IPBES fellowship programme) ipbes:deliverable = objective:1"
        in lines[header + 1]
    )
    assert lines[-1].startswith("1 violation")


def test_turtle_is_a_shacl_validation_report() -> None:
    code, out, _ = run(str(BROKEN), "--format", "turtle")
    assert code == 1
    graph = Graph().parse(data=out, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms).toPython() is False
    assert len(list(graph.objects(report, SH.result))) >= 1


def test_junit_counts_failures_at_or_above_fail_on() -> None:
    code, out, _ = run(str(BROKEN), "--format", "junit")
    assert code == 1
    suite = ET.fromstring(out.split("?>", 1)[1]).find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "1"
    _, out, _ = run(str(WARNED), "--format", "junit", "--fail-on", "warning", "--no-baseline")
    suite = ET.fromstring(out.split("?>", 1)[1]).find("testsuite")
    assert suite is not None and suite.get("failures") == suite.get("tests")


def test_github_prints_workflow_annotations() -> None:
    code, out, _ = run(str(BROKEN), "--format", "github")
    assert code == 1
    errors = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(errors) == 1
    assert re.match(
        r"::error file=[^,]*class-002\.ttl,line=82,col=23::programme:fellowship ", errors[0]
    )
    _, out, _ = run(str(WARNED), "--format", "github", "--no-baseline")
    assert any(
        line.startswith("::warning file=") and "place:paris" in line for line in out.splitlines()
    )


# ------------------------------------------------------------------------------------------------
# --shapes
# ------------------------------------------------------------------------------------------------

EXTRA_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix concept: <https://w3id.org/ipbes-kg/id/concept/> .
<http://example.org/shapes#ConceptNotation>
    a sh:NodeShape ;
    sh:targetNode concept:agenda-2030 ;
    sh:property [ sh:path skos:notation ; sh:minCount 1 ; sh:message "a notation is needed" ] .
"""


def test_extra_shapes_add_to_the_packaged_ones(tmp_path: Path) -> None:
    shapes = tmp_path / "extra.ttl"
    shapes.write_text(EXTRA_SHAPES, encoding="utf-8")
    assert run(str(VALID))[0] == 0
    code, doc = as_json(str(VALID), "--shapes", str(shapes))
    assert code == 1
    (result,) = own(doc["results"], VALID)
    assert (result["focus"], result["path"], result["message"]) == (
        "concept:agenda-2030",
        "skos:notation",
        "a notation is needed",
    )
    code, doc = as_json(str(BROKEN), "--shapes", str(shapes))
    assert len(own(doc["results"], BROKEN)) == 1  # the packaged shapes still apply


# ------------------------------------------------------------------------------------------------
# Input errors: exit 2, one line on stderr naming the file (and line:column), no traceback
# ------------------------------------------------------------------------------------------------

PREFIX = "@prefix ex: <http://example.org/> .\n"
MALFORMED = {
    "syntax": (PREFIX + 'ex:a ex:b "open ;\n').encode(),
    "unknown-prefix": (PREFIX + "ex:a ex:b nope:c .\n").encode(),
    "missing-dot": (PREFIX + "ex:a ex:b ex:c\n").encode(),
    "bad-iri": (PREFIX + "ex:a ex:b <http://exa mple.org/x> .\n").encode(),
    "bad-iri-escape": (PREFIX + "<http://example.org/a\\u0020b> ex:b ex:c .\n").encode(),
    "bad-language-tag": (PREFIX + 'ex:a ex:b "x"@123 .\n').encode(),
    "latin-1": (PREFIX + 'ex:a ex:b "caf\xe9" .\n').encode("latin-1"),
    "utf-16": (PREFIX + "ex:a ex:b ex:c .\n").encode("utf-16"),
    "byte-order-mark": b"\xef\xbb\xbf" + (PREFIX + "ex:a ex:b ex:c .\n").encode(),
}
LOCATION = {
    "syntax": ":2:",
    "unknown-prefix": ":2:",
    "missing-dot": ":3:",
    "bad-iri": ":2:11:",
    "bad-iri-escape": ":2:1:",
    "bad-language-tag": ":2:",
    "latin-1": ":2:",
    "utf-16": ":1:",
    "byte-order-mark": ":1:1:",
}


def assert_one_line_error(code: int, out: str, err: str, *needles: str) -> None:
    one_line_error(code, out, err, 2, *needles)


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_turtle_is_one_line_with_its_location(tmp_path: Path, kind: str) -> None:
    bad = tmp_path / f"{kind}.ttl"
    bad.write_bytes(MALFORMED[kind])
    assert_one_line_error(*run(str(bad)), f"{bad}{LOCATION[kind]}")


@pytest.mark.parametrize("kind", ["syntax", "bad-iri"])
def test_malformed_shapes_file_is_one_line_with_its_location(tmp_path: Path, kind: str) -> None:
    bad = tmp_path / f"{kind}.ttl"
    bad.write_bytes(MALFORMED[kind])
    assert_one_line_error(*run(str(VALID), "--shapes", str(bad)), f"{bad}{LOCATION[kind]}")


def test_empty_file_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    assert_one_line_error(*run(str(empty)), str(empty), "empty")


def test_directory_without_turtle_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("no turtle here", encoding="utf-8")
    assert_one_line_error(*run(str(tmp_path)), str(tmp_path), ".ttl")


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    assert_one_line_error(*run(str(missing)), str(missing))
    assert_one_line_error(*run(str(VALID), "--shapes", str(missing)), str(missing))


@pytest.mark.parametrize(
    "args", [("--format", "xml"), ("--fail-on", "error"), ("--bogus",)], ids=lambda a: a[0]
)
def test_bad_option_is_one_line(args: tuple[str, ...]) -> None:
    assert_one_line_error(*run(str(VALID), *args), args[-1])


@pytest.mark.parametrize(
    "shapes",
    [
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;"
        ' sh:property [ sh:path ex:p ; sh:minCount "one" ] .',
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { FILTER( }" ] .',
        'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { VALUES ?x { 1 } }" ] .',
    ],
    ids=["bad-parameter", "bad-sparql", "values-in-sparql"],
)
def test_invalid_shacl_in_extra_shapes_is_one_line(tmp_path: Path, shapes: str) -> None:
    path = tmp_path / "shapes.ttl"
    path.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n"
        + shapes,
        encoding="utf-8",
    )
    assert_one_line_error(*run(str(VALID), "--shapes", str(path)), "shapes")


def test_ill_typed_literal_is_a_result_not_a_crash(tmp_path: Path) -> None:
    """rdflib only logs ill-typed literals (with a traceback): validation reports them quietly."""
    text = FIXTURES.joinpath("valid-001.ttl").read_text(encoding="utf-8")
    bad = tmp_path / "ill-typed.ttl"
    bad.write_text(
        text.replace("ipbes:fellowCount 74", 'ipbes:fellowCount "seventy-four"^^xsd:integer')
    )
    code, out, err = run(str(bad), "--format", "json")
    assert (code, err) == (1, "")
    results = own(json.loads(out)["results"], bad)
    assert {(r["focus"], r["path"], r["component"]) for r in results} >= {
        ("programme:fellowship", "ipbes:fellowCount", "sh:DatatypeConstraintComponent")
    }


# ------------------------------------------------------------------------------------------------
# Validation never touches the network
# ------------------------------------------------------------------------------------------------

OFFLINE_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix concept: <https://w3id.org/ipbes-kg/id/concept/> .
<http://example.org/offline-shapes>
    a owl:Ontology ;
    owl:imports <http://192.0.2.1/shapes> .
<http://example.org/offline-shapes#External>
    a sh:NodeShape ;
    sh:targetNode concept:agenda-2030 ;
    sh:class <http://192.0.2.1/Thing> .
"""


def test_validation_never_touches_the_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access during validation")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    shapes = tmp_path / "offline-shapes.ttl"
    shapes.write_text(OFFLINE_SHAPES, encoding="utf-8")
    imports = FIXTURES / "maxCount-004.ttl"  # the ontology owl:imports <http://192.0.2.1/x>
    code, doc = as_json(str(VALID), str(imports), "--shapes", str(shapes))
    assert attempts == []
    assert code == 1
    found = {(r["focus"], r["path"], r["component"]) for r in doc["results"]}
    assert ("concept:agenda-2030", "", "sh:ClassConstraintComponent") in found
    assert (
        "<https://w3id.org/ipbes-kg/ontology>",
        "owl:imports",
        "sh:MaxCountConstraintComponent",
    ) in found


# ------------------------------------------------------------------------------------------------
# pre-commit
# ------------------------------------------------------------------------------------------------


def test_pre_commit_hook_runs_validate_on_turtle_files() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "ipbes-kg-validate"]
    assert hook["entry"] == "ipbes-kg validate"
    assert hook["language"] == "python"
    assert re.search(hook["files"], "data/tsus.ttl")
    assert not re.search(hook["files"], "README.md")
    assert hook.get("require_serial") is True


def test_engine_choices_are_those_of_the_library() -> None:
    from ipbes_kg.cli import validate as command
    from ipbes_kg.validate.engine import ENGINES

    assert command.ENGINES == ENGINES


def test_both_engines_print_the_same_report() -> None:
    turbo = run_cli("validate", "-f", "json")
    reference = run_cli("validate", "-f", "json", "--engine", "pyshacl")
    assert turbo[0] == reference[0] == 0
    assert json.loads(turbo[1]) == json.loads(reference[1])
