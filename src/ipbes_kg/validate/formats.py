"""Validation reports for people (text), scripts (json), SHACL tools (turtle) and CI (junit, github).

JSON schema (stable): {"conforms": bool, "counts": {"violation": n, "warning": n, "info": n},
"results": [{"severity", "focus", "focus_label", "path", "value", "message", "component",
"shape", "file", "line", "column", "accepted"}]} — strings, with file/line/column null when the
focus node is not a subject of any validated file. "conforms" is false when a result not
accepted by the baseline is at or above --fail-on; "line" and "column" are integers, "accepted"
a boolean; IRIs are CURIEs, values are written as in Turtle, "file" is relative to the working
folder when inside it. docs/VALIDATION.md documents each field. A syntax error is one result
with component "check:syntax" at the parser's line and column, in every format.
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
    if result.line is None:
        return result.file
    return f"{result.file}:{result.line}" + (f":{result.column}" if result.column else "")


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
    accepted = sum(r.accepted for r in report.results)
    if accepted:
        parts.append(f"{accepted} accepted in the baseline")
    return ", ".join(parts)


def _one_line(result: Result) -> str:
    if not result.focus:  # a syntax error: about the file, not a node
        return f"{result.message} [{result.component}]"
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
            if r.accepted:
                continue
            where = f"file={_property(r.file)}" if r.file else ""
            where += f",line={r.line}" if r.file and r.line else ""
            where += f",col={r.column}" if r.file and r.line and r.column else ""
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
            line = f"{r.line}:{r.column or 1}" if r.line else "-"
            severity = f"({r.severity})" if r.accepted else r.severity
            out.append(f"  {line:>8}  {severity:<11}  {_one_line(r)}")
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
            suite,
            "testcase",
            classname=r.file or "graph",
            name=f"{r.focus} {r.path}".strip() or f"{_where(r)} {r.component}",
        )
        if id(r) in failing:
            failure = ET.SubElement(case, "failure", type=r.severity, message=r.message)
            failure.text = f"{_where(r)}: {_one_line(r)}"
        else:
            accepted = " (accepted in the baseline)" if r.accepted else ""
            ET.SubElement(case, "system-out").text = f"{r.severity}{accepted}: {_one_line(r)}"
    suites = ET.Element("testsuites")
    suites.append(suite)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
