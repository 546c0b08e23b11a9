"""SHACL Core constraints evaluated once over all focus nodes, as SPARQL over a pyoxigraph store.

Why: a per-node engine walks every focus node through every shape; on the ×100 graph turbo
takes ~23 s for it (9 s of which only reading the triples), more than half of what Apache Jena
SHACL takes for the whole validation. A constraint is a property of sets: "the values of p of
every node of T that are not instances of C" is one query, evaluated by Oxigraph in tens of
milliseconds, in a thread that does not hold the GIL.

How: for each shape with targets, T is the sub-select of its focus nodes (``shapeterms``).
Each property shape gives a few queries: one for all its value tests (sh:class, sh:datatype,
sh:nodeKind, sh:pattern, sh:languageIn, sh:in, ranges, lengths, sh:node, sh:or), selecting the
(focus, value) rows where a test fails with one boolean column per test; one per count
(sh:minCount, sh:maxCount, sh:qualifiedMin/MaxCount, sh:uniqueLang, sh:hasValue); one for
sh:disjoint. A node shape's own tests run on the focus node itself, sh:closed as one query.
Conformance to a shape reached through sh:node, sh:or or sh:qualifiedValueShape is a SPARQL
expression (``expressions``). Results are built as pySHACL 0.40 builds them (constraint
components' make_v_result): a value for value tests, none for counts and sh:hasValue; the
property shape's severity and messages (language tags kept), its path as sh:resultPath.

What it does not take stays with the per-node engine (``split`` leaves that shape's targets in
the graph): anything ``expressions`` refuses, sh:sparql constraints ``sparql`` left, a
result-producing shape without sh:message (pySHACL's generic messages are not reproduced).
Literals must be as a store gives them back (``ipbes_kg.rdf.literals.canonical_only``): the
caller checks. ``tests/test_core.py`` compares every behaviour with pySHACL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib import RDF
from rdflib.namespace import SH

from ipbes_kg.rdf.terms import PlainTriple, Term, TripleLike
from ipbes_kg.validate.dialect import UNDECIDED, range_holds
from ipbes_kg.validate.expressions import (
    Expressions,
    Test,
    component,
    is_property_shape,
    value_pattern,
)
from ipbes_kg.validate.pool import fetching, in_threads, rows
from ipbes_kg.validate.shapeterms import (
    TARGETS,
    Refused,
    focus_lookup,
    focus_pattern,
    has_targets,
    is_class,
    is_true,
    materialized,
    one,
    ox_node,
    ox_term,
    validation_result,
)

_FALSE = ox.Literal("false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


@dataclass(frozen=True)
class Check:
    """One query and how its rows become results.

    With ``tests``: rows ?this [?value] and a column ?ok<i> per test, a result for each false
    one (UNDECIDED: ``range_holds`` says; the value is the focus node when the query has no
    ?value). Without: each row (?this, optional ?value, optional ?path) is one result of
    ``component``.
    """

    shape: ox.NamedNode | ox.BlankNode
    severity: Term
    messages: tuple[ox.Literal, ...]
    path: Term | None
    described: tuple[TripleLike, ...]  # a blank shape's sh:path, a blank path: copied as engines do
    component: ox.NamedNode | None
    tests: tuple[Test, ...]
    query: str
    needs: tuple[str, ...]  # the selects it reads as graphs (focus nodes, class instances)


class _Shape:
    """The common parts of the checks of one shape (a node shape or a property shape)."""

    def __init__(
        self, shapes: rdflib.Graph, node: rdflib.term.Node, select: str, ex: Expressions
    ) -> None:
        self.shapes, self.node, self.select, self.ex = shapes, node, select, ex
        messages = list(shapes.objects(node, SH.message))
        if not all(isinstance(m, rdflib.Literal) for m in messages):
            raise Refused("a sh:message that is not a literal")
        self.messages = tuple(
            m for m in (ox_term(m) for m in messages) if isinstance(m, ox.Literal)
        )
        self.severity = ox_term(one(shapes, node, SH.severity) or SH.Violation)
        self.path: Term | None = None
        self.described: tuple[TripleLike, ...] = ()
        self.checks: list[Check] = []

    def add(self, what: ox.NamedNode | list[Test], query: str) -> None:
        if not self.messages:
            raise Refused("a constraint without sh:message (pySHACL's generic messages)")
        tests = tuple(what) if isinstance(what, list) else ()
        self.checks.append(
            Check(
                shape=ox_node(self.node),
                severity=self.severity,
                messages=self.messages,
                path=self.path,
                described=self.described,
                component=None if isinstance(what, list) else what,
                tests=tests,
                query=query,
                needs=(self.select, *sorted(self.ex.selects)),
            )
        )


def _tests_query(focus: str, pattern: str, tests: list[Test]) -> str:
    binds = " ".join(
        f"BIND (COALESCE({t.expression}, false) AS ?ok{i})" for i, t in enumerate(tests)
    )
    failed = " || ".join(f"!sameTerm(?ok{i}, true)" for i in range(len(tests)))
    oks = " ".join(f"?ok{i}" for i in range(len(tests)))
    value = "?value " if pattern else ""  # no pattern: a node shape's tests of ?this
    return f"SELECT ?this {value}{oks} WHERE {{ {focus} {pattern} {binds} FILTER ({failed}) }}"


def _property_checks(
    shapes: rdflib.Graph, prop: rdflib.term.Node, select: str, ex: Expressions
) -> list[Check]:
    shape = _Shape(shapes, prop, select, ex)
    focus = focus_lookup(select)
    if is_true(one(shapes, prop, SH.deactivated)):
        return []
    path = one(shapes, prop, SH.path)
    if path is None:
        raise Refused("a sh:property without sh:path")
    shape.path = ox_term(path)
    if isinstance(prop, rdflib.BNode):
        shape.described += (PlainTriple(ox_node(prop), ox.NamedNode(str(SH.path)), shape.path),)
    if isinstance(path, rdflib.BNode):
        shape.described += tuple(
            PlainTriple(ox_node(path), ox.NamedNode(str(p)), ox_term(o))
            for p, o in shapes.predicate_objects(path)
        )
    pattern = value_pattern(shapes, prop, "?this", "?value")
    tests = ex.value_tests(prop, "?value")
    if tests:
        shape.add(tests, _tests_query(focus, pattern, tests))
    for name, query in ex.count_queries(prop, focus, pattern):
        shape.add(component(name), query)
    return shape.checks


def _shape_checks(shapes: rdflib.Graph, node: rdflib.term.Node) -> list[Check]:
    """Every check of a shape with targets; Refused when any part cannot be taken."""
    if is_class(shapes, node):  # split removes targets; this one is the shape's own type
        raise Refused("an implicit class target")
    select = focus_pattern(shapes, node)
    focus = focus_lookup(select)
    ex = Expressions(shapes)
    if is_true(one(shapes, node, SH.deactivated)):
        return []
    if is_property_shape(shapes, node):
        return _property_checks(shapes, node, select, ex)
    shape = _Shape(shapes, node, select, ex)
    tests = ex.value_tests(node, "?this")
    if tests:
        shape.add(tests, _tests_query(focus, "", tests))
    value = one(shapes, node, SH.hasValue)
    if value is not None:
        condition = f"FILTER (!sameTerm(?this, {ex.constant(value)}))"
        shape.add(component("HasValue"), f"SELECT ?this WHERE {{ {focus} {condition} }}")
    if is_true(one(shapes, node, SH.closed)):
        allowed = ex.closed_allowed(node)
        keep = f"?path NOT IN ({', '.join(f'<{p}>' for p in allowed)})" if allowed else "true"
        shape.add(
            component("Closed"),
            f"SELECT ?this ?path ?value WHERE {{ {focus} ?this ?path ?value FILTER ({keep}) }}",
        )  # fmt: skip
    checks = shape.checks
    for prop in sorted(shapes.objects(node, SH.property), key=str):
        checks += _property_checks(shapes, prop, select, ex)
    return checks


def split(shapes: rdflib.Graph) -> tuple[rdflib.Graph, list[Check]]:
    """(a copy of the shapes graph without the targets of the shapes this module takes, their
    checks). A shape it cannot take stays in the returned graph untouched."""
    taken: list[Check] = []
    rest = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    rest += shapes
    candidates = {s for p in (*TARGETS, RDF.type) for s in shapes.subjects(p, None)}
    for node in sorted(candidates, key=str):
        if not has_targets(shapes, node):
            continue
        with contextlib.suppress(Refused):
            taken += _shape_checks(shapes, node)
            for p in TARGETS:
                rest.remove((node, p, None))
    return rest, taken


def refusal(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str | None:
    """Why ``split`` leaves this shape to the per-node engine, or None when it takes it."""
    try:
        _shape_checks(shapes, shape)
    except Refused as exc:
        return str(exc)
    return None


def _range_holds(value: Term | None, test: Test) -> bool:
    if not isinstance(value, ox.Literal) or not isinstance(test.value, rdflib.Literal):
        return False
    return range_holds(value, test.parameter, test.value)


def _results(check: Check, answer: bytes) -> list[TripleLike]:
    variables, solutions = rows(answer)
    report: list[TripleLike] = []
    for row in solutions:
        this = row["this"]
        # a node shape's own tests are about the focus node: it is the value (pySHACL)
        value = row.get("value") if "value" in variables else this if check.tests else None
        path = row.get("path") if "path" in variables else check.path
        failed = [check.component] if check.component else []
        for i, test in enumerate(check.tests):
            ok = row.get(f"ok{i}")
            if ok == _FALSE or (ok == UNDECIDED and not _range_holds(value, test)):
                failed.append(test.component)
        for failed_component in failed:
            report += validation_result(
                this, check.severity, failed_component, check.shape, check.messages, value, path
            )
    if report:
        report += check.described
    return report


def tasks(checks: list[Check], data: ox.Store) -> list[Callable[[], list[bytes]]]:
    """One task per check, for ``pool.in_threads`` inside ``shapeterms.materialized``: its
    answer (``pool.fetch``), for ``results``."""
    return [fetching(data, check.query) for check in checks]


def results(checks: list[Check], answers: list[bytes]) -> list[TripleLike]:
    """The SHACL report triples of the checks, from the answers of their ``tasks``."""
    return [
        t for check, answer in zip(checks, answers, strict=True) for t in _results(check, answer)
    ]


def evaluate(
    checks: list[Check], data: ox.Store, *, workers: int | None = None
) -> list[TripleLike]:
    """The SHACL report triples of every check over ``data``, in ``workers`` threads
    (``ipbes_kg.validate.pool``). Load ``data`` with ``bulk_extend`` when it holds blank nodes
    (``bulk_load`` relabels them)."""
    with materialized(data, {select for check in checks for select in check.needs}):
        answers = in_threads(tasks(checks, data), workers)
    return results(checks, answers)
