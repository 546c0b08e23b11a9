"""SHACL validation of the graph, with results a person can act on.

The data graph is the vocabulary plus the data (the shapes check both); it is validated as
written, with no inference and no owl:imports, so validation never touches the network.
"""

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from ipbes_kg.graph import expand_paths, load_graph
from ipbes_kg.locate import Locator
from ipbes_kg.namespaces import bind_prefixes, curie

SEVERITIES = {"info": 0, "warning": 1, "violation": 2}
_SEVERITY_OF = {SH.Info: "info", SH.Warning: "warning", SH.Violation: "violation"}


@dataclass(frozen=True)
class Result:
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


@dataclass
class Report:
    results: list[Result]
    report_graph: Graph
    files: list[Path] = field(default_factory=list)

    def at_or_above(self, level: str) -> list[Result]:
        return [r for r in self.results if SEVERITIES[r.severity] >= SEVERITIES[level]]

    def counts(self) -> dict[str, int]:
        return {
            s: sum(r.severity == s for r in self.results) for s in ("violation", "warning", "info")
        }


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return curie(str(node))
    if isinstance(node, Literal):
        return str(node)
    return "(blank node)"


def _label(graph: Graph, node: Node | None) -> str:
    for label in graph.objects(node, RDFS.label):
        if isinstance(label, Literal) and label.language == "en":
            return str(label)
    return ""


def _path(report: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return curie(str(path))
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path(report, inverse)}"
    return "(complex path)"


def validate_files(data_paths: list[Path], shapes_paths: list[Path]) -> Report:
    """Validate Turtle files (directories expanded) against shapes files."""
    files = expand_paths(data_paths)
    data = load_graph(files)
    shapes = load_graph(expand_paths(shapes_paths))
    _, report_graph, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_infos=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    bind_prefixes(report_graph)
    locator = Locator(files)
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(node, SH.focusNode)
        where = locator.find(str(focus)) if isinstance(focus, URIRef) else None
        severity = _SEVERITY_OF.get(report_graph.value(node, SH.resultSeverity), "violation")
        messages = sorted(str(m) for m in report_graph.objects(node, SH.resultMessage))
        results.append(
            Result(
                severity=severity,
                focus=_text(focus),
                focus_label=_label(data, focus),
                path=_path(report_graph, report_graph.value(node, SH.resultPath)),
                value=_text(report_graph.value(node, SH.value)),
                message=messages[0] if messages else "",
                component=_text(report_graph.value(node, SH.sourceConstraintComponent)),
                shape=_text(report_graph.value(node, SH.sourceShape)),
                file=str(where[0]) if where else None,
                line=where[1] if where else None,
            )
        )
    results.sort(
        key=lambda r: (
            r.file or "~",
            r.line or 0,
            -SEVERITIES[r.severity],
            r.focus,
            r.path,
            r.message,
        )
    )
    return Report(results, report_graph, files)
