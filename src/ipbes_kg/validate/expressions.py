"""SHACL Core constraint parameters as SPARQL expressions, for the set-based ``core``.

Each value test is an expression on one variable that is true when the value conforms to that
one constraint, as pySHACL 0.40 decides it (constraints/core/*.py): sh:class follows
rdf:type/rdfs:subClassOf* in the data graph (the instances of each class are materialized
once, ``shapeterms.class_select``) and fails on literals; sh:pattern and the lengths
fail on blank nodes and read IRIs as their text; sh:languageIn compares lower-cased tags, or
their first subtag; sh:in is term identity, not value equality; a range compares numbers and
leaves other literals UNDECIDED (``dialect.range_holds``). The caller wraps each test in COALESCE(…, false): an error is a failure.
Conformance to a whole shape (sh:node, sh:or, sh:qualifiedValueShape) is the conjunction of
its tests, and of NOT EXISTS/EXISTS patterns for its property shapes.

Where pySHACL decides differently from SPARQL (sh:pattern's dialect, the order of literals in
ranges), ``ipbes_kg.validate.dialect`` makes the expression follow pySHACL.
"""

from __future__ import annotations

import itertools
from typing import NamedTuple

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from ipbes_kg.validate.dialect import UNDECIDED_TEXT, python_regex
from ipbes_kg.validate.shapeterms import (
    Refused,
    class_select,
    is_true,
    member,
    one,
    sparql_term,
)

_VALUE = {
    SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.languageIn, SH["in"],
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength,
    SH.maxLength, SH.node, SH["or"],
}  # fmt: skip
_COUNT = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.hasValue, SH.qualifiedValueShape,
          SH.disjoint}  # fmt: skip
_NODE_ONLY = {SH.property, SH.closed, SH.hasValue}
_NOT_PARAMETERS = {
    SH.path, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.deactivated, SH.targetNode, SH.targetClass, SH.targetSubjectsOf,
    SH.targetObjectsOf, SH.flags, SH.ignoredProperties, SH.qualifiedMinCount,
    SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
}  # fmt: skip
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">",
           SH.maxExclusive: "<"}  # fmt: skip
_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}  # fmt: skip
_NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}
_NAMES = {
    SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.pattern: "Pattern",
    SH.languageIn: "LanguageIn", SH["in"]: "In", SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive", SH.minLength: "MinLength", SH.maxLength: "MaxLength",
    SH.node: "Node", SH["or"]: "Or",
}  # fmt: skip


def component(name: str) -> ox.NamedNode:
    """sh:<name>ConstraintComponent."""
    return ox.NamedNode(f"{SH}{name}ConstraintComponent")


def is_property_shape(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    return (shape, SH.path, None) in shapes


def value_pattern(shapes: rdflib.Graph, shape: rdflib.term.Node, subject: str, value: str) -> str:
    """The triple pattern from ``subject`` to ``value`` along the shape's sh:path."""
    path = one(shapes, shape, SH.path)
    if isinstance(path, rdflib.URIRef):
        return f"{subject} <{path}> {value} ."
    inverse = one(shapes, path, SH.inversePath) if isinstance(path, rdflib.BNode) else None
    if isinstance(inverse, rdflib.URIRef) and len(set(shapes.predicate_objects(path))) == 1:
        return f"{value} <{inverse}> {subject} ."
    raise Refused("a path other than a predicate or its sh:inversePath")


class Test(NamedTuple):
    """One value test: its component, its SPARQL expression, the parameter and its value."""

    component: ox.NamedNode
    expression: str
    parameter: rdflib.URIRef
    value: rdflib.term.Node


class Expressions:
    """Tests and conformance of the shapes of one shapes graph; fresh variable names."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.shapes = shapes
        self._names = itertools.count()
        self._depth = 0
        self.selects: set[str] = set()  # what ``shapeterms.materialized`` must write first

    def _var(self) -> str:
        return f"?_v{next(self._names)}"

    def constant(self, term: rdflib.term.Node) -> str:
        return sparql_term(term)

    def _count(self, shape: rdflib.term.Node, p: rdflib.URIRef) -> int | None:
        """A count parameter; a value that is not a whole number stays with turbo, which
        reports the shapes graph as not valid SHACL, as pySHACL does."""
        value = one(self.shapes, shape, p)
        if value is None:
            return None
        if not isinstance(value, rdflib.Literal) or type(value.value) is not int or value.value < 0:
            raise Refused(f"{p} {value!r} is not a whole number")
        return value.value

    def _list(self, node: rdflib.term.Node) -> list[rdflib.term.Node]:
        return list(Collection(self.shapes, node))

    def _parameters(self, shape: rdflib.term.Node, allowed: set[rdflib.URIRef]) -> None:
        for p in set(self.shapes.predicates(shape)):
            if str(p).startswith(str(SH)) and p not in allowed | _NOT_PARAMETERS:
                raise Refused(f"{p} here")

    def value_tests(self, shape: rdflib.term.Node, v: str) -> list[Test]:
        """The tests of ``v`` for the value parameters of ``shape``: each true, false or
        (a range at the top level) UNDECIDED."""
        prop = is_property_shape(self.shapes, shape)
        self._parameters(shape, _VALUE | (_COUNT if prop else _NODE_ONLY))
        return [
            Test(component(_NAMES[p]), self._test(shape, p, value, v), p, value)
            for p in sorted(_VALUE, key=str)
            for value in sorted(self.shapes.objects(shape, p), key=str)
        ]

    def _test(
        self, shape: rdflib.term.Node, p: rdflib.URIRef, value: rdflib.term.Node, v: str
    ) -> str:
        if p == SH["class"]:  # the instances are materialized: a lookup, not a path per value
            select = class_select(value)
            self.selects.add(select)
            return member(select, v)
        if p == SH.datatype:
            if value in (RDFS.Literal, RDFS.Datatype):
                raise Refused(f"sh:datatype {value}")
            if value == RDF.langString:
                return f'(isLiteral({v}) && lang({v}) != "")'
            return f"(isLiteral({v}) && datatype({v}) = {self.constant(value)})"
        if p == SH.nodeKind:
            if not isinstance(value, rdflib.URIRef) or value not in _KINDS:
                raise Refused(f"sh:nodeKind {value}")
            return _KINDS[value].format(v=v)
        if p == SH.pattern:
            return self._pattern(shape, str(value), v)
        if p == SH.languageIn:
            tags = [str(t).lower() for t in self._list(value)]
            if "*" in tags:
                return f'(isLiteral({v}) && lang({v}) != "")'
            listed = ", ".join(sparql_term(rdflib.Literal(t)) for t in tags) or '""'
            first = f'STRBEFORE(CONCAT(LCASE(lang({v})), "-"), "-")'
            return (
                f'(isLiteral({v}) && lang({v}) != "" && '
                f"(LCASE(lang({v})) IN ({listed}) || {first} IN ({listed})))"
            )
        if p == SH["in"]:
            members = [f"sameTerm({v}, {self.constant(m)})" for m in self._list(value)]
            return "(" + (" || ".join(members) or "false") + ")"
        if p in _RANGES:
            numeric = isinstance(value, rdflib.Literal) and value.datatype in _NUMERIC
            if not numeric or self._depth:  # rdflib orders other literals its own way
                raise Refused(f"{p} with a bound that is not a number, or in a nested shape")
            # a number is compared here; another literal is left UNDECIDED, for range_holds
            compared = f"({v} {_RANGES[p]} {self.constant(value)})"
            return f"IF(isNumeric({v}), {compared}, IF(isLiteral({v}), {UNDECIDED_TEXT}, false))"
        if p in (SH.minLength, SH.maxLength):
            if not isinstance(value, rdflib.Literal) or not isinstance(value.value, int):
                raise Refused(f"{p} {value}")
            if p == SH.minLength and value.value == 0:
                return "true"
            op = ">=" if p == SH.minLength else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {op} {value.value})"
        if p == SH.node:
            return self.conforms(value, v)
        if p == SH["or"]:
            return (
                "(" + (" || ".join(self.conforms(s, v) for s in self._list(value)) or "false") + ")"
            )
        raise Refused(f"{p}")  # pragma: no cover - _VALUE lists what is handled

    def _pattern(self, shape: rdflib.term.Node, pattern: str, v: str) -> str:
        """pySHACL reads only the flags "i" and "m" of sh:flags (lower-cased) and ignores the
        others ("s" too): so does this. A pattern Oxigraph cannot compile is refused (it would
        make every value fail)."""
        flags = "".join(
            f for f in "im" if f in str(one(self.shapes, shape, SH.flags) or "").lower()
        )
        regex = sparql_term(rdflib.Literal(python_regex(pattern)))
        flag_text = sparql_term(rdflib.Literal(flags))
        check = ox.Store().query(f"SELECT (REGEX('', {regex}, {flag_text}) AS ?ok) {{}}")
        if not isinstance(check, ox.QuerySolutions) or next(check)["ok"] is None:
            raise Refused(f"a sh:pattern Oxigraph cannot compile: {pattern}")
        return f"(!isBlank({v}) && REGEX(STR({v}), {regex}, {flag_text}))"

    def conforms(self, shape: rdflib.term.Node, v: str) -> str:
        """True when ``v`` conforms to ``shape`` (a shape reached by sh:node, sh:or, …)."""
        self._depth += 1
        try:
            if self._depth > 8:
                raise Refused("shapes nested too deep (recursive?)")
            return self._conforms(shape, v)
        finally:
            self._depth -= 1

    def _conforms(self, shape: rdflib.term.Node, v: str) -> str:
        if is_true(one(self.shapes, shape, SH.deactivated)):
            return "true"
        if is_property_shape(self.shapes, shape):
            return self._conforms_property(shape, v)
        self._parameters(shape, _VALUE | {SH.property, SH.hasValue})
        parts = [f"COALESCE({t.expression}, false)" for t in self.value_tests(shape, v)]
        value = one(self.shapes, shape, SH.hasValue)
        if value is not None:
            parts.append(f"sameTerm({v}, {self.constant(value)})")
        for prop in sorted(self.shapes.objects(shape, SH.property), key=str):
            parts.append(self._conforms_property(prop, v))
        return "(" + (" && ".join(parts) or "true") + ")"

    def _conforms_property(self, prop: rdflib.term.Node, v: str) -> str:
        self._parameters(prop, _VALUE | {SH.minCount, SH.maxCount, SH.hasValue})
        if is_true(one(self.shapes, prop, SH.deactivated)):
            return "true"
        y = self._var()
        pattern = value_pattern(self.shapes, prop, v, y)
        tests = self.value_tests(prop, y)
        parts = []
        if tests:
            ok = " && ".join(f"COALESCE({t.expression}, false)" for t in tests)
            parts.append(f"NOT EXISTS {{ {pattern} FILTER (!({ok})) }}")
        low, high = self._count(prop, SH.minCount), self._count(prop, SH.maxCount)
        if (low is not None and low > 1) or (high is not None and high > 1):
            raise Refused("a count above 1 in a nested shape")
        if low is not None and low == 1:
            parts.append(f"EXISTS {{ {pattern} }}")
        if high is not None:
            other = self._var()
            second = pattern.replace(y, other)
            parts.append(
                f"NOT EXISTS {{ {pattern} }}" if high == 0
                else f"NOT EXISTS {{ {pattern} {second} FILTER (!sameTerm({y}, {other})) }}"
            )  # fmt: skip
        value = one(self.shapes, prop, SH.hasValue)
        if value is not None:
            parts.append(f"EXISTS {{ {pattern} FILTER (sameTerm({y}, {self.constant(value)})) }}")
        return "(" + (" && ".join(parts) or "true") + ")"

    def count_queries(
        self, prop: rdflib.term.Node, focus: str, pattern: str
    ) -> list[tuple[str, str]]:
        """(component name, query) for the parameters of a property shape counted per focus
        node; each row of a query is one result (with ?value for sh:disjoint)."""
        found: list[tuple[str, str]] = []
        grouped = "SELECT ?this WHERE {{ {focus} {body} }} GROUP BY ?this HAVING ({having})"
        low, high = self._count(prop, SH.minCount), self._count(prop, SH.maxCount)
        if low is not None and low == 1:
            found.append(
                ("MinCount", f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {pattern} }} }}")
            )
        elif low is not None and low > 1:
            body = f"OPTIONAL {{ {pattern} }}"
            found.append(
                (
                    "MinCount",
                    grouped.format(
                        focus=focus, body=body, having=f"COUNT(DISTINCT ?value) < {low}"
                    ),
                )
            )
        if high is not None:
            found.append(
                (
                    "MaxCount",
                    grouped.format(
                        focus=focus, body=pattern, having=f"COUNT(DISTINCT ?value) > {high}"
                    ),
                )
            )
        value = one(self.shapes, prop, SH.hasValue)
        if value is not None:
            test = f"FILTER (sameTerm(?value, {self.constant(value)}))"
            found.append(
                (
                    "HasValue",
                    f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {pattern} {test} }} }}",
                )
            )
        if is_true(one(self.shapes, prop, SH.uniqueLang)):
            body = f'{pattern} FILTER (isLiteral(?value) && lang(?value) != "")'
            found.append(
                (
                    "UniqueLang",
                    f"SELECT ?this WHERE {{ {focus} {body} }} GROUP BY ?this (LCASE(lang(?value))) HAVING (COUNT(DISTINCT ?value) > 1)",
                )
            )
        for other in sorted(self.shapes.objects(prop, SH.disjoint), key=str):
            found.append(
                (
                    "Disjoint",
                    f"SELECT ?this ?value WHERE {{ {focus} {pattern} ?this {self.constant(other)} ?value }}",
                )
            )
        qualified = one(self.shapes, prop, SH.qualifiedValueShape)
        if qualified is not None:
            if is_true(one(self.shapes, prop, SH.qualifiedValueShapesDisjoint)):
                raise Refused("sh:qualifiedValueShapesDisjoint")
            body = f"OPTIONAL {{ {pattern} FILTER ({self.conforms(qualified, '?value')}) }}"
            for name, bound, op in (("QualifiedMinCount", SH.qualifiedMinCount, "<"),
                                    ("QualifiedMaxCount", SH.qualifiedMaxCount, ">")):  # fmt: skip
                limit = self._count(prop, bound)
                if limit is not None:
                    having = f"COUNT(DISTINCT ?value) {op} {limit}"
                    found.append((name, grouped.format(focus=focus, body=body, having=having)))
        return found

    def closed_allowed(self, shape: rdflib.term.Node) -> list[rdflib.URIRef]:
        """The predicates a closed shape allows: its property shapes' IRI paths and sh:ignoredProperties."""
        allowed = {
            path
            for prop in self.shapes.objects(shape, SH.property)
            if isinstance(path := one(self.shapes, prop, SH.path), rdflib.URIRef)
        }
        ignored = one(self.shapes, shape, SH.ignoredProperties)
        if ignored is not None:
            for p in self._list(ignored):
                if not isinstance(p, rdflib.URIRef):
                    raise Refused("a sh:ignoredProperties member that is not an IRI")
                allowed.add(p)
        return sorted(allowed, key=str)
