"""The SHACL shapes: W3C data-shapes style fixtures with exact expected results, SHACL-SHACL,
the severity split, standard SHACL only, and the real data.

Each fixture ``tests/fixtures/shapes/<constraint>-NNN.ttl`` is a small graph breaking one rule;
``<name>.expected.json`` lists every result it must add to those of the vocabulary alone, as
{focus, path, component, severity} with CURIEs as ``ipbes_kg.validate.engine.Result`` prints them.
``valid-001.ttl`` is a minimal valid record of each main class and must add no result at all.
"""

import json
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pytest
from pyshacl.entrypoints import meta_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.plugins.sparql import prepareQuery

from ipbes_kg.home import Home
from ipbes_kg.rdf.names import SHAPES
from ipbes_kg.rdf.reader import load_graph
from ipbes_kg.validate import ENGINES, Result, validate_files

ROOT = Path(__file__).resolve().parents[1]
HOME = Home(ROOT)
FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.ttl"))
KEYS = ("focus", "path", "component", "severity")

Key = tuple[str, str, str, str]
Run = list[tuple[str, str, str, str, str]]  # the four keys and the shape


def _results(name: str | None, engine: str = ENGINES[0]) -> list[Result]:
    """Results of the vocabulary (and a fixture) against the packaged shapes."""
    files = [*HOME.vocabulary_files()] + ([FIXTURES / f"{name}.ttl"] if name else [])
    return validate_files(files, HOME.shapes_files(), engine).results


def _reference(name: str | None) -> list[Result]:
    return _results(name, "pyshacl")


@cache
def _all(engine: str) -> dict[str | None, list[Result]]:
    """Every fixture once (None: the vocabulary alone); pySHACL in parallel (a second each)."""
    names: list[str | None] = [None, *NAMES]
    workers = max(1, min(os.cpu_count() or 1, 8))
    if engine != "pyshacl" or workers == 1:
        return {name: _results(name, engine) for name in names}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(_reference, names, chunksize=4), strict=True))


def _runs() -> dict[str | None, Run]:
    """The default engine's results as (focus, path, component, severity, shape)."""
    return {
        name: [(r.focus, r.path, r.component, r.severity, r.shape) for r in results]
        for name, results in _all(ENGINES[0]).items()
    }


def _counter(run: Run) -> Counter[Key]:
    return Counter(r[:4] for r in run)


def _expected(name: str) -> Counter[Key]:
    rows = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    return Counter(tuple(row[k] for k in KEYS) for row in rows)


# ------------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_fixture_gives_exactly_the_expected_results(name: str) -> None:
    baseline = _counter(_runs()[None])
    got = _counter(_runs()[name])
    assert baseline - got == Counter(), "the fixture hides results of the vocabulary"
    added = got - baseline
    assert sorted(added.elements()) == sorted(_expected(name).elements())


@pytest.mark.parametrize("name", [None, *NAMES], ids=["vocabulary", *NAMES])
def test_engines_give_identical_results(name: str | None) -> None:
    """Every field (focus, label, path, value, message, component, shape, file:line) of every
    result is the same with pyshacl-turbo and with pySHACL; order aside (ties may differ)."""
    # Both engines get the literals as written (the strict reader builds rdflib literals with
    # normalize=False), so "+400"^^xsd:integer (pattern-011) is a violation for both.
    turbo, reference = Counter(_all("turbo")[name]), Counter(_all("pyshacl")[name])
    assert turbo == reference


def test_fixture_files_come_in_pairs_with_the_documented_keys() -> None:
    assert len(NAMES) >= 60
    assert (
        sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))
        == NAMES
    )
    for name in NAMES:
        rows = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
        assert isinstance(rows, list)
        for row in rows:
            assert sorted(row) == sorted(KEYS), name
            assert row["severity"] in {"violation", "warning", "info"}
            assert row["component"].startswith("sh:") and row["component"].endswith(
                "ConstraintComponent"
            )


def test_fixtures_are_named_after_the_constraint_they_break() -> None:
    for name in NAMES:
        match = re.fullmatch(r"([a-zA-Z]+)-(\d{3})", name)
        assert match, name
        if match.group(1) == "valid":
            assert not _expected(name)
            continue
        component = f"sh:{match.group(1)[0].upper()}{match.group(1)[1:]}ConstraintComponent"
        if match.group(1) == "sparql":
            component = "sh:SPARQLConstraintComponent"
        assert component in {key[2] for key in _expected(name)}, name


def test_fixture_subjects_are_located_in_the_fixture() -> None:
    """Every result on a fixture's own subject names the fixture file and the line and column of
    the offending value (not just the subject's first line)."""
    report = validate_files(
        [*HOME.vocabulary_files(), FIXTURES / "class-002.ttl"], HOME.shapes_files()
    )
    (result,) = [r for r in report.results if r.focus == "programme:fellowship"]
    text = (FIXTURES / "class-002.ttl").read_text(encoding="utf-8").splitlines()
    assert result.file is not None and result.file.endswith("tests/fixtures/shapes/class-002.ttl")
    assert (
        result.line is not None and text[result.line - 1] == "    ipbes:deliverable objective:1 ;"
    )
    assert result.column == text[result.line - 1].index("objective:1") + 1
    assert result.focus_label == "IPBES fellowship programme"


def _shapes_graph() -> Graph:
    return load_graph(HOME.shapes_files())


def _top_shapes(graph: Graph) -> set[str]:
    """Shapes with a target: each must be exercised by a fixture."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    return {
        "shape:" + str(s).removeprefix(SHAPES)
        for t in targets
        for s in graph.subjects(t, None)
        if isinstance(s, URIRef)
    }


def test_every_shape_has_a_fixture() -> None:
    graph = _shapes_graph()
    owner = {  # a named property shape (shape:Counts-postCount) counts for its node shape
        "shape:" + str(p).removeprefix(SHAPES): "shape:" + str(s).removeprefix(SHAPES)
        for s, p in graph.subject_objects(SH.property)
        if isinstance(s, URIRef) and isinstance(p, URIRef)
    }
    exercised = set()
    for name in NAMES:
        for *_, shape in _runs()[name]:
            shape = shape.split("/", 1)[0]
            exercised.add(owner.get(shape, shape))
    assert _top_shapes(graph) - exercised == set()


_COMPONENT_OF = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.minCount: "MinCount",
    SH.maxCount: "MaxCount", SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive", SH.maxExclusive: "MaxExclusive", SH.minLength: "MinLength",
    SH.maxLength: "MaxLength", SH.pattern: "Pattern", SH.languageIn: "LanguageIn",
    SH.uniqueLang: "UniqueLang", SH["in"]: "In", SH.hasValue: "HasValue", SH.node: "Node",
    SH["or"]: "Or", SH["and"]: "And", SH["not"]: "Not", SH.xone: "Xone",
    SH.qualifiedMinCount: "QualifiedMinCount", SH.qualifiedMaxCount: "QualifiedMaxCount",
    SH.closed: "Closed", SH.disjoint: "Disjoint", SH.equals: "Equals", SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals", SH.sparql: "SPARQL",
}  # fmt: skip


def test_every_constraint_kind_used_has_a_fixture() -> None:
    graph = _shapes_graph()
    used = {
        f"sh:{c}ConstraintComponent" for p, c in _COMPONENT_OF.items() if (None, p, None) in graph
    }
    expected = {key[2] for name in NAMES for key in _expected(name)}
    assert len(used) >= 15
    assert used - expected == set()


def test_every_shapes_file_and_severity_has_a_fixture() -> None:
    severities = {key[3] for name in NAMES for key in _expected(name)}
    assert severities == {"violation", "warning"}


def test_positive_fixture_has_a_record_of_each_main_class() -> None:
    graph = load_graph([FIXTURES / "valid-001.ttl"])
    types = {str(o) for o in graph.objects(None, RDF.type)}
    main = ["Assessment", "AuthorTeam", "Committee", "Contribution", "Decision", "DecisionPart",
            "Deliverable", "Document", "ExpertGroup", "Fund", "Meeting", "Objective", "Output",
            "Paragraph", "Partnership", "Programme", "Reclassification", "Recommendation",
            "StaffTurnover", "TaskForce", "TechnicalSupportUnit", "WorkProgramme"]  # fmt: skip
    ipbes = "https://w3id.org/ipbes-kg/ontology#"
    assert [c for c in main if ipbes + c not in types] == []
    for other in ("http://www.w3.org/ns/org#Post", "http://www.w3.org/ns/org#Site",
                  "https://schema.org/City", "https://schema.org/Country", "https://schema.org/Event",
                  "http://www.w3.org/ns/prov#Collection", "http://www.w3.org/2004/02/skos/core#Concept"):  # fmt: skip
        assert other in types


# ------------------------------------------------------------------------------------------------
# The shapes graph: SHACL-SHACL, severity split, standard SHACL only
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", HOME.shapes_files(), ids=lambda p: p.name)
def test_shapes_file_conforms_to_shacl_shacl(path: Path) -> None:
    conforms, _, text = meta_validate(load_graph([path]), inference="none")
    assert conforms, text


def test_the_four_shapes_files_exist() -> None:
    assert [p.name for p in HOME.shapes_files()] == [
        "shapes-provenance.ttl",
        "shapes-recommended.ttl",
        "shapes-vocabulary.ttl",
        "shapes.ttl",
    ]


def _shapes_in(graph: Graph) -> set[object]:
    shapes: set[object] = set(graph.subjects(RDF.type, SH.NodeShape))
    shapes |= set(graph.subjects(RDF.type, SH.PropertyShape))
    shapes |= set(graph.subjects(SH.path, None))
    shapes |= set(graph.objects(None, SH.property))
    return shapes


@pytest.mark.parametrize("name", ["shapes.ttl", "shapes-vocabulary.ttl"])
def test_mandatory_shapes_are_violations(name: str) -> None:
    graph = load_graph([ROOT / "ontology" / name])
    assert set(graph.objects(None, SH.severity)) <= {SH.Violation}


def test_recommended_shapes_are_all_warnings() -> None:
    """In SHACL a property shape does not inherit its node shape's severity: each must say it."""
    graph = load_graph([ROOT / "ontology" / "shapes-recommended.ttl"])
    targeted = {s for s in _shapes_in(graph) if (s, SH.message, None) in graph}
    targeted |= {s for s in graph.subjects(RDF.type, SH.NodeShape)}
    assert targeted
    assert [s for s in targeted if graph.value(s, SH.severity) != SH.Warning] == []


_CORE_AND_SPARQL = {
    # SHACL Core
    "NodeShape", "PropertyShape", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf",
    "property", "path", "inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath",
    "zeroOrOnePath", "severity", "Violation", "Warning", "Info", "message", "description", "name",
    "deactivated", "class", "datatype", "nodeKind", "IRI", "Literal", "BlankNode", "minCount",
    "maxCount", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength",
    "maxLength", "pattern", "flags", "languageIn", "uniqueLang", "in", "hasValue", "node", "or",
    "and", "not", "xone", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint", "closed", "ignoredProperties", "disjoint", "equals", "lessThan",
    "lessThanOrEquals", "order", "group",
    # SHACL-SPARQL constraints
    "sparql", "SPARQLConstraint", "select", "prefixes", "declare", "prefix", "namespace",
}  # fmt: skip


def test_shapes_use_only_shacl_core_and_shacl_sparql() -> None:
    """No SHACL-AF (sh:rule, sh:target, SPARQL targets, functions), no engine extensions."""
    graph = _shapes_graph()
    used = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    shacl = {t.removeprefix(str(SH)) for t in used if t.startswith(str(SH))}
    assert shacl - _CORE_AND_SPARQL == set()
    assert not [t for t in used if "datashapes.org" in t or "topbraid" in t]


def _sparql_constraints(graph: Graph) -> list[tuple[str, dict[str, str]]]:
    found = []
    for constraint in graph.subjects(SH.select, None):
        declared = {
            str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
            for node in graph.objects(constraint, SH.prefixes)
            for d in graph.objects(node, SH.declare)
        }
        found.append((str(graph.value(constraint, SH.select)), declared))
    return found


@pytest.mark.parametrize("path", HOME.shapes_files(), ids=lambda p: p.name)
def test_sparql_constraints_declare_their_prefixes_in_their_own_file(path: Path) -> None:
    """sh:prefixes/sh:declare (standard), no inline PREFIX, and the SHACL-SPARQL restrictions."""
    graph = load_graph([path])
    for constraint in graph.subjects(SH.select, None):
        declaration = graph.value(constraint, SH.prefixes)
        assert declaration is not None
        assert (declaration, SH.declare, None) in graph, "declared in the same file"
        for d in graph.objects(declaration, SH.declare):
            assert isinstance(graph.value(d, SH.namespace), Literal)
    for select, declared in _sparql_constraints(graph):
        assert "PREFIX" not in select.upper().split("SELECT", 1)[0]
        assert not re.search(r"\b(VALUES|MINUS|SERVICE)\b", select, re.IGNORECASE)
        assert not re.search(r"AS\s+[?$](this|shapesGraph|currentShape|value)\b", select)
        prepareQuery(select, initNs=declared)  # parses with exactly the declared prefixes


# ------------------------------------------------------------------------------------------------
# The real data
# ------------------------------------------------------------------------------------------------


@cache
def _real() -> list[Result]:
    return validate_files(HOME.graph_files(), HOME.shapes_files()).results


def _show(results: list[Result]) -> str:
    return "\n".join(
        f"{r.file}:{r.line}: {r.focus} {r.path} = {r.value}: {r.message} [{r.component}]"
        for r in results
    )


def test_real_data_gives_identical_results_on_both_engines() -> None:
    reference = validate_files(HOME.graph_files(), HOME.shapes_files(), "pyshacl").results
    assert Counter(_real()) == Counter(reference)
    assert ENGINES[0] == "turbo"  # _real() is the default engine's


def test_real_data_has_no_violations() -> None:
    violations = [r for r in _real() if r.severity == "violation"]
    assert violations == [], "\n" + _show(violations)


def test_real_data_results_are_located_in_the_file_that_writes_them() -> None:
    unlocated = [r for r in _real() if r.file is None or r.line is None]
    assert unlocated == [], "\n" + _show(unlocated)


# The accepted warnings: ontology/accepted-results.json, checked by tests/test_gate.py (the
# baseline is current, every entry has a reason, the README table is generated from it).
