"""Validation results as people read them: CURIEs, labels and the file:line to edit.

Engines hand back a SHACL report as triples (pyoxigraph terms: one representation whichever
engine ran, read without building a graph); this module turns it, and the results of the checks
written in Python (``checks``), into one list of :class:`Result` records in a stable order, so
every output format and the Python API show the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import SH

from ipbes_kg.rdf.names import bind_prefixes, curie
from ipbes_kg.rdf.reader import rdflib_graph
from ipbes_kg.rdf.terms import PlainTriple, TripleLike, shown_literal

SEVERITIES = {"info": 0, "warning": 1, "violation": 2}
_IRI_IN_TEXT = re.compile(r"<?(https?://[^\s<>\"'{}|^`]+?)>?(?=[\s,;:)\]]|$)")


@dataclass(frozen=True)
class Result:
    """One validation result: what is wrong, where it is written, and how bad it is."""

    severity: str
    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    component: str
    shape: str
    file: str | None
    line: int | None
    column: int | None = None
    accepted: bool = False  # listed in the baseline of accepted results (with its reason)


@dataclass
class Report:
    """Every result of one validation, sorted by file, line and severity.

    ``accepted`` results are listed in the baseline (``ipbes_kg.validate.baseline``); only the
    others count for ``--fail-on``. ``files`` are those whose results are reported.
    """

    results: list[Result]
    report: list[TripleLike]  # the SHACL report of the engine, as triples
    files: list[Path] = field(default_factory=list)
    baseline: Path | None = None
    focus: set[str] | None = None  # the focus nodes reported (CURIEs) when a subset was given

    @cached_property
    def report_graph(self) -> Graph:
        """The SHACL report as an rdflib graph with the project's prefixes (for Turtle output)."""
        return bind_prefixes(rdflib_graph(self.report))

    @property
    def conforms(self) -> bool:
        """No violation (warnings and infos are allowed)."""
        return not self.at_or_above("violation")

    def at_or_above(self, level: str) -> list[Result]:
        """The results at or above ``level`` that the baseline does not accept."""
        return [
            r
            for r in self.results
            if SEVERITIES[r.severity] >= SEVERITIES[level] and not r.accepted
        ]

    def counts(self) -> dict[str, int]:
        return {
            s: sum(r.severity == s for r in self.results) for s in ("violation", "warning", "info")
        }


def sort_key(r: Result) -> tuple[str, int, int, int, bool, str, str, str, str]:
    return (
        r.file or "~",
        r.line or 0,
        r.column or 0,
        -SEVERITIES[r.severity],
        not r.component.startswith("check:"),  # at one place, the check names the cause first
        r.focus,
        r.path,
        r.message,
        r.value,
    )


_SH = "http://www.w3.org/ns/shacl#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_REPORT_TYPE = ox.NamedNode(f"{_SH}ValidationReport")
_RESULT_TYPE = ox.NamedNode(f"{_SH}ValidationResult")
_SEVERITY_OF = {f"{_SH}Info": "info", f"{_SH}Warning": "warning", f"{_SH}Violation": "violation"}


def _text(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    """An IRI as a CURIE, a literal as in Turtle (with its language or datatype), else ''."""
    if node is None:
        return ""
    if isinstance(node, ox.NamedNode):
        return curie(node.value)
    if isinstance(node, ox.Literal):
        return shown_literal(node.value, node.language, node.datatype.value)
    return "(blank node)"


def _shorten_iris(text: str) -> str:
    """Write the IRIs a message names (pySHACL fills {?var} with full IRIs) as CURIEs."""

    def replace(match: re.Match[str]) -> str:
        short = curie(match.group(1))
        return match.group(0) if short.startswith("<") else short

    return _IRI_IN_TEXT.sub(replace, text)


Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Described = dict[Term, dict[str, list[Term]]]  # node -> predicate IRI -> its objects


def describe(triples: Iterable[TripleLike]) -> Described:
    """Each subject's properties, for reading a report without a triple store."""
    nodes: Described = {}
    for t in triples:
        nodes.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    return nodes


def _iri(node: Term | None) -> str:
    return node.value if isinstance(node, ox.NamedNode) else ""


def _one(nodes: Described, node: Term | None, name: str) -> Term | None:
    """The first value of ``node``'s ``sh:<name>`` in the report, if any."""
    values = nodes.get(node, {}).get(_SH + name) if node is not None else None
    return values[0] if values else None


def _path(nodes: Described, path: Term | None) -> str:
    if path is None:
        return ""
    if isinstance(path, ox.NamedNode):
        return curie(path.value)
    inverse = _one(nodes, path, "inversePath")
    if inverse is not None:
        return f"^{_path(nodes, inverse)}"
    return "(complex path)"


def _shape_text(shapes: Graph, nodes: Described, shape: Term | None) -> str:
    """The shape that produced a result; a blank property shape as <node shape>/<path> (both
    engines copy the shape's description, with its sh:path, into the report)."""
    if isinstance(shape, ox.NamedNode):
        return curie(shape.value)
    if not isinstance(shape, ox.BlankNode):
        return ""
    owner = shapes.value(None, SH.property, BNode(shape.value))
    path = _path(nodes, _one(nodes, shape, "path"))
    if isinstance(owner, URIRef):
        return f"{curie(str(owner))}/{path}" if path else curie(str(owner))
    return "(blank node)"


def shown(path: Path) -> str:
    """A file as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


Where = tuple[str, int, int] | None
# (subject IRI, predicate IRI or None, object IRI or None) -> (file as shown, line, column)
# where that statement is written: the value's line, else the property's, else the subject's
WhereFinder = Callable[[str, str | None, str | None], Where]


def locate(
    where: WhereFinder, focus: Term | None, path: Term | None, value: Term | None,
    inverse: Term | None,
) -> Where:  # fmt: skip
    """Where the triple behind a result is written (for ^p, the triple "value p focus")."""
    if not isinstance(focus, ox.NamedNode):
        return None
    iri = value.value if isinstance(value, ox.NamedNode) else None
    if isinstance(path, ox.NamedNode):
        return where(focus.value, path.value, iri)
    if isinstance(path, ox.BlankNode) and isinstance(inverse, ox.NamedNode) and iri is not None:
        return where(iri, inverse.value, focus.value) or where(focus.value, None, None)
    return where(focus.value, None, None)


def _listed(part: list[TripleLike]) -> tuple[set[Term], list[Term]]:
    """(its ``sh:ValidationReport`` nodes, the results they list) of a report, not those nested
    in a result's ``sh:detail``; of bare results (no report node): every ``sh:ValidationResult``."""
    typed = [t for t in part if t.predicate.value == _RDF_TYPE]
    roots: set[Term] = {t.subject for t in typed if t.object == _REPORT_TYPE}
    if roots:
        return roots, [
            t.object for t in part if t.subject in roots and t.predicate.value == f"{_SH}result"
        ]
    return roots, [t.subject for t in typed if t.object == _RESULT_TYPE]


def merge(*reports: list[TripleLike]) -> list[TripleLike]:
    """One SHACL report of the results of several (the engine's parts, constraints run apart).

    A part with a ``sh:ValidationReport`` contributes the results it lists; a part without one
    (bare results) contributes every ``sh:ValidationResult`` it describes.
    """
    root = ox.BlankNode("report")
    listed: list[Term] = []
    kept: list[TripleLike] = []
    for part in reports:
        roots, results = _listed(part)
        listed += results
        kept += [t for t in part if t.subject not in roots]
    conforms = ox.Literal("false" if listed else "true", datatype=ox.NamedNode(_XSD_BOOLEAN))
    return [
        PlainTriple(root, ox.NamedNode(_RDF_TYPE), _REPORT_TYPE),
        PlainTriple(root, ox.NamedNode(f"{_SH}conforms"), conforms),
        *(PlainTriple(root, ox.NamedNode(f"{_SH}result"), node) for node in listed),
        *kept,
    ]


def from_report(
    report: list[TripleLike], shapes: Graph, labels: dict[str, str], where: WhereFinder
) -> list[Result]:
    """The results of a SHACL report (not their sh:detail, which explains, not adds), or of
    bare results (a part of one)."""
    nodes = describe(report)
    shape_texts: dict[Term | None, str] = {}
    results = []
    for node in _listed(report)[1]:
        focus, value = _one(nodes, node, "focusNode"), _one(nodes, node, "value")
        path_node = _one(nodes, node, "resultPath")
        inverse = _one(nodes, path_node, "inversePath")
        found = locate(where, focus, path_node, value, inverse)
        messages = sorted(
            m.value
            for m in nodes.get(node, {}).get(f"{_SH}resultMessage", ())
            if isinstance(m, ox.Literal)
        )
        shape = _one(nodes, node, "sourceShape")
        if shape not in shape_texts:
            shape_texts[shape] = _shape_text(shapes, nodes, shape)
        severity = _one(nodes, node, "resultSeverity")
        results.append(
            Result(
                severity=_SEVERITY_OF.get(_iri(severity), "violation"),
                focus=_text(focus),
                focus_label=labels.get(_iri(focus), ""),
                path=_path(nodes, path_node),
                value=_text(value),
                message=_shorten_iris(messages[0]) if messages else "",
                component=_text(_one(nodes, node, "sourceConstraintComponent")),
                shape=shape_texts[shape],
                file=found[0] if found else None,
                line=found[1] if found else None,
                column=found[2] if found else None,
            )
        )
    return results
