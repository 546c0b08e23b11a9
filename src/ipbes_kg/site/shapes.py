"""The SHACL shapes in words, for the vocabulary documentation.

A reader of the documentation should learn what the validator enforces without reading SHACL:
each shape with targets becomes a sentence of who it applies to and a list of constraints in
English ("at least 1 value", "each an IRI", "languages: zh, en"), with the shape's own message.
Constraints without a phrase here are still listed by their SHACL name and value, so nothing a
shape says is silently dropped. Shapes are read from ``ontology/shapes*.ttl`` into their own
graph: they are not part of the knowledge graph users query.
"""

from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.site.model import Graph, Subject, Term
from ipbes_kg.site.project import PREFIXES, curie, load_store

SH = PREFIXES["sh"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SHAPES = "https://w3id.org/ipbes-kg/shapes#"


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


FIRST, REST, NIL = (ox.NamedNode(RDF + n) for n in ("first", "rest", "nil"))
COMMENT = ox.NamedNode(RDFS + "comment")
TARGETS = {
    "targetClass": "instances of",
    "targetSubjectsOf": "subjects of",
    "targetObjectsOf": "objects of",
    "targetNode": "the node",
}
_SKIP = {  # structural keys, shown otherwise or not a constraint
    "path", "property", "message", "severity", "name", "description", "order", "group",
    "targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "flags", "prefixes",
    "deactivated", "declare", "qualifiedMaxCount", "qualifiedMinCount", "qualifiedValuesDisjoint",
    "ignoredProperties",
}  # fmt: skip


class Rule(NamedTuple):
    """One shape (or property shape) in words."""

    shape: Subject
    severity: str  # "violation", "warning" or "info"
    path: str | None  # the property path as CURIEs, for property shapes
    phrases: list[str]
    message: str


class ShapeDoc(NamedTuple):
    shape: Subject
    severity: str
    targets: list[tuple[str, Term]]
    comment: str
    rules: list[Rule]


def items(graph: Graph, head: Term) -> list[Term]:
    """The members of an RDF list."""
    found: list[Term] = []
    seen: set[Term] = set()
    while isinstance(head, ox.BlankNode | ox.NamedNode) and head != NIL and head not in seen:
        seen.add(head)
        first = graph.value(head, FIRST)
        if first is not None:
            found.append(first)
        head = graph.value(head, REST) or NIL
    return found


def _name(term: Term) -> str:
    if isinstance(term, ox.NamedNode) and term.value.startswith(SHAPES):
        return "shape:" + term.value.removeprefix(SHAPES)
    if isinstance(term, ox.Literal):
        return repr(term.value) if not term.language else f"{term.value!r}@{term.language}"
    return curie(term.value).strip("<>") if isinstance(term, ox.NamedNode) else "[…]"


def path_text(graph: Graph, path: Term) -> str:
    if isinstance(path, ox.NamedNode):
        return _name(path)
    inverse = graph.value(path, sh("inversePath"))
    if inverse is not None:
        return "^" + path_text(graph, inverse)
    alternative = graph.value(path, sh("alternativePath"))
    if alternative is not None:
        return "(" + "|".join(path_text(graph, p) for p in items(graph, alternative)) + ")"
    sequence = items(graph, path)
    return "/".join(path_text(graph, p) for p in sequence) if sequence else "a complex path"


def _severity(graph: Graph, shape: Subject, default: str = "violation") -> str:
    value = graph.value(shape, sh("severity"))
    return value.value.removeprefix(SH).lower() if isinstance(value, ox.NamedNode) else default


def _text(graph: Graph, shape: Term, predicate: ox.NamedNode) -> str:
    values = [v for v in graph.objects(shape, predicate) if isinstance(v, ox.Literal)]
    english = [v.value for v in values if v.language in ("en", "")] or [v.value for v in values]
    return " ".join(" ".join(english).split())


def phrases(graph: Graph, shape: Term) -> list[str]:
    """The constraints of one shape in words, sorted (blank nodes have no stable order)."""
    found = []
    for predicate, value in graph.outgoing(shape):
        key = predicate.value.removeprefix(SH)
        if predicate.value.startswith(SH) and key not in _SKIP:
            found.append((key, _phrase(graph, shape, key, value)))
    return [phrase for _, phrase in sorted(found)]


def _phrase(graph: Graph, shape: Term, key: str, value: Term) -> str:
    v = _name(value)
    simple = {
        "minCount": f"at least {value.value} value(s)",
        "maxCount": "no value" if value.value == "0" else f"at most {value.value} value(s)",
        "class": f"each an instance of {v}",
        "datatype": f"each a literal of type {v}",
        "nodeKind": f"each a {v.removeprefix('sh:')}",
        "pattern": f"text matching the regular expression {value.value}",
        "minLength": f"at least {value.value} characters",
        "maxLength": f"at most {value.value} characters",
        "minInclusive": f"at least {value.value}",
        "maxInclusive": f"at most {value.value}",
        "minExclusive": f"more than {value.value}",
        "maxExclusive": f"less than {value.value}",
        "hasValue": f"one value must be {v}",
        "uniqueLang": "at most one value per language" if value.value == "true" else "",
        "closed": "no properties other than those listed" if value.value == "true" else "",
        "equals": f"the same values as {v}",
        "disjoint": f"no value shared with {v}",
        "lessThan": f"each less than the values of {v}",
        "node": f"each conforming to {v}",
    }
    if key in simple:
        return simple[key] or f"sh:{key} {v}"
    if key == "languageIn":
        return "languages: " + ", ".join(i.value for i in items(graph, value))
    if key == "in":
        return "one of: " + ", ".join(_name(i) for i in items(graph, value))
    if key in ("or", "and", "xone"):
        word = {"or": "any of", "and": "all of", "xone": "exactly one of"}[key]
        parts = [
            "; ".join(phrases(graph, s))
            for s in items(graph, value)
            if isinstance(s, ox.BlankNode | ox.NamedNode)
        ]
        return f"{word}: " + " | ".join(f"({p})" for p in parts)
    if key == "not":
        return "not: " + "; ".join(phrases(graph, value))
    if key == "qualifiedValueShape":
        low = graph.value(shape, sh("qualifiedMinCount"))
        high = graph.value(shape, sh("qualifiedMaxCount"))
        inner = "; ".join(phrases(graph, value))
        bounds = []
        if low is not None:
            bounds.append(f"at least {low.value}")
        if high is not None:
            bounds.append(f"at most {high.value}")
        return f"{' and '.join(bounds) or 'some'} value(s) with {inner}"
    if key == "sparql":
        message = _text(graph, value, sh("message"))
        return f"a SPARQL check: {message}" if message else "a SPARQL check"
    return f"sh:{key} {v}"


def _rule(graph: Graph, shape: Subject, severity: str) -> Rule:
    path = graph.value(shape, sh("path"))
    return Rule(
        shape=shape,
        severity=_severity(graph, shape, severity),
        path=path_text(graph, path) if path is not None else None,
        phrases=[p for p in phrases(graph, shape) if p],
        message=_text(graph, shape, sh("message")),
    )


def describe(graph: Graph) -> list[ShapeDoc]:
    """Every shape with a target, with its own constraints and those of its property shapes."""
    docs = []
    for shape in graph.subjects_all():
        targets = [
            (phrase, target)
            for key, phrase in TARGETS.items()
            for target in graph.objects(shape, sh(key))
        ]
        if not targets:
            continue
        severity = _severity(graph, shape)
        rules = [_rule(graph, shape, severity)] if phrases(graph, shape) else []
        properties = [
            _rule(graph, prop, severity)
            for prop in graph.objects(shape, sh("property"))
            if isinstance(prop, ox.BlankNode | ox.NamedNode)
        ]
        rules += sorted(properties, key=lambda r: (r.path or "", r.phrases, r.message, r.severity))
        docs.append(
            ShapeDoc(
                shape,
                severity,
                targets,
                _text(graph, shape, COMMENT) or _text(graph, shape, sh("description")),
                rules,
            )
        )
    return docs


def load_shapes(files: list[Path]) -> Graph:
    """The shapes files in a graph of their own (a bad file is a one-line error)."""
    return Graph.from_store(load_store(files))
