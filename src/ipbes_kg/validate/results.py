"""Validation results as people read them: CURIEs, labels and the file:line to edit.

Engines hand back a SHACL report graph (rdflib); this module turns it, and the results of the
checks written in Python (``checks``), into one list of :class:`Result` records in a stable
order, so every output format and the Python API show the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from ipbes_kg.rdf.names import curie
from ipbes_kg.rdf.terms import shown_literal

SEVERITIES = {"info": 0, "warning": 1, "violation": 2}
_SEVERITY_OF: dict[Node | None, str] = {
    SH.Info: "info",
    SH.Warning: "warning",
    SH.Violation: "violation",
}
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
    report_graph: Graph
    files: list[Path] = field(default_factory=list)
    baseline: Path | None = None
    focus: set[str] | None = None  # the focus nodes reported (CURIEs) when a subset was given

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


def _text(node: Node | None) -> str:
    """An IRI as a CURIE, a literal as in Turtle (with its language or datatype), else ''."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return curie(str(node))
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype is not None else None
        return shown_literal(str(node), node.language, datatype)
    return "(blank node)"


def _shorten_iris(text: str) -> str:
    """Write the IRIs a message names (pySHACL fills {?var} with full IRIs) as CURIEs."""

    def replace(match: re.Match[str]) -> str:
        short = curie(match.group(1))
        return match.group(0) if short.startswith("<") else short

    return _IRI_IN_TEXT.sub(replace, text)


def _shape_text(shapes: Graph, report: Graph, shape: Node | None) -> str:
    """The shape that produced a result; a blank property shape as <node shape>/<path>."""
    if isinstance(shape, URIRef):
        return curie(str(shape))
    if shape is None:
        return ""
    owner = shapes.value(None, SH.property, shape)
    path = _path(report, report.value(shape, SH.path))
    if isinstance(owner, URIRef):
        return f"{curie(str(owner))}/{path}" if path else curie(str(owner))
    return "(blank node)"


def _path(report: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return curie(str(path))
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path(report, inverse)}"
    return "(complex path)"


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
    where: WhereFinder,
    focus: Node | None,
    path: Node | None,
    value: Node | None,
    inverse: Node | None,
) -> Where:
    """Where the triple behind a result is written (for ^p, the triple "value p focus")."""
    if not isinstance(focus, URIRef):
        return None
    iri = str(value) if isinstance(value, URIRef) else None
    if isinstance(path, URIRef):
        return where(str(focus), str(path), iri)
    if isinstance(path, BNode) and isinstance(inverse, URIRef) and iri is not None:
        return where(iri, str(inverse), str(focus)) or where(str(focus), None, None)
    return where(str(focus), None, None)


def from_report_graph(
    report_graph: Graph,
    shapes: Graph,
    labels: dict[str, str],
    where: WhereFinder,
) -> list[Result]:
    """The results of a SHACL report graph (not their sh:detail, which explains, not adds)."""
    results = []
    for node in report_graph.objects(None, SH.result):
        focus = report_graph.value(node, SH.focusNode)
        path_node = report_graph.value(node, SH.resultPath)
        value = report_graph.value(node, SH.value)
        inverse = report_graph.value(path_node, SH.inversePath) if path_node else None
        found = locate(where, focus, path_node, value, inverse)
        messages = sorted(str(m) for m in report_graph.objects(node, SH.resultMessage))
        results.append(
            Result(
                severity=_SEVERITY_OF.get(report_graph.value(node, SH.resultSeverity), "violation"),
                focus=_text(focus),
                focus_label=labels.get(str(focus), "") if focus is not None else "",
                path=_path(report_graph, path_node),
                value=_text(value),
                message=_shorten_iris(messages[0]) if messages else "",
                component=_text(report_graph.value(node, SH.sourceConstraintComponent)),
                shape=_shape_text(shapes, report_graph, report_graph.value(node, SH.sourceShape)),
                file=found[0] if found else None,
                line=found[1] if found else None,
                column=found[2] if found else None,
            )
        )
    return results
