"""Validation reports for people (text), scripts (json), SHACL tools (turtle) and CI (junit, github).

JSON schema (stable): {"conforms": bool, "counts": {"violation": n, "warning": n, "info": n},
"results": [{"severity", "focus", "focus_label", "path", "value", "message", "component",
"shape", "file", "line"}]} — strings, with file/line null when the focus node is not a subject
of any validated file. "conforms" is false when a result is at or above --fail-on; "line" is an
integer; IRIs are CURIEs, values are written as in Turtle, "file" is relative to the working
folder when inside it. docs/VALIDATION.md documents each field.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

if TYPE_CHECKING:  # importing validate pulls in pySHACL; the formats are needed without it
    from ipbes_kg.validate.results import Report, Result

FORMATS = ("text", "json", "turtle", "junit", "github")


def _where(result: Result) -> str:
    if result.file is None:
        return "(not in the validated files)"
    return f"{result.file}:{result.line}"


def _property(value: str) -> str:
    """Escape a GitHub workflow-command property value (file=…)."""
    for char, code in (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C")):
        value = value.replace(char, code)
    return value


def _summary(report: Report) -> str:
    counts = report.counts()
    if not report.results:
        return f"conforms: {len(report.files)} files, no results"
    parts = [f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items() if n]
    return ", ".join(parts)


def _one_line(result: Result) -> str:
    focus = result.focus + (f" ({result.focus_label})" if result.focus_label else "")
    path = f" {result.path}" if result.path else ""
    value = f" = {result.value}" if result.value and result.value != result.focus else ""
    return f"{focus}{path}{value}: {result.message} [{result.component}]"


def render(report: Report, fmt: str, fail_on: str) -> str:
    if fmt == "json":
        doc = {
            "conforms": not report.at_or_above(fail_on),
            "counts": report.counts(),
            "results": [asdict(r) for r in report.results],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "turtle":
        return report.report_graph.serialize(format="longturtle")
    if fmt == "github":
        level = {"violation": "error", "warning": "warning", "info": "notice"}
        lines = []
        for r in report.results:
            where = f"file={_property(r.file)},line={r.line}" if r.file else ""
            message = _one_line(r).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            lines.append(f"::{level[r.severity]} {where}::{message}".replace(" ::", "::"))
        return "\n".join([*lines, _summary(report)]) + "\n"
    if fmt == "junit":
        return _junit(report, fail_on)
    by_file: dict[str, list[Result]] = defaultdict(list)
    for r in report.results:
        by_file[r.file or "(not in the validated files)"].append(r)
    out = []
    for file, results in by_file.items():
        out.append(file)
        for r in results:
            line = f"{r.line}" if r.line else "-"
            out.append(f"  {line:>5}  {r.severity:<9}  {_one_line(r)}")
    out.append(_summary(report))
    return "\n".join(out) + "\n"


def _junit(report: Report, fail_on: str) -> str:
    failing = {id(r) for r in report.at_or_above(fail_on)}
    suite = ET.Element(
        "testsuite",
        name="ipbes-kg validate",
        tests=str(max(len(report.results), 1)),
        failures=str(len(failing)),
    )
    if not report.results:
        ET.SubElement(suite, "testcase", classname="shacl", name="graph conforms")
    for r in report.results:
        case = ET.SubElement(
            suite, "testcase", classname=r.file or "graph", name=f"{r.focus} {r.path}".strip()
        )
        if id(r) in failing:
            failure = ET.SubElement(case, "failure", type=r.severity, message=r.message)
            failure.text = f"{_where(r)}: {_one_line(r)}"
        else:
            ET.SubElement(case, "system-out").text = f"{r.severity}: {_one_line(r)}"
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
