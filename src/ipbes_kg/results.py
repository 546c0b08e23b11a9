"""Query results in one model, whatever engine produced them, and their output formats."""

import csv
import io
import json
import shutil
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ipbes_kg.namespaces import bind_prefixes, curie

FORMATS = ("table", "csv", "tsv", "json", "md", "ttl")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass
class SelectResult:
    variables: list[str]
    rows: list[dict[str, Node]]


@dataclass
class AskResult:
    value: bool


@dataclass
class GraphResult:
    graph: Graph


Result = SelectResult | AskResult | GraphResult


def literal(value: str, language: str | None = None, datatype: str | None = None) -> Literal:
    """An rdflib literal that keeps the lexical form exactly as the engine returned it."""
    if language:
        return Literal(value, lang=language)
    if datatype and datatype != XSD_STRING:
        return Literal(value, datatype=URIRef(datatype), normalize=False)
    return Literal(value)


def _json_term(node: Node) -> dict[str, str]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    assert isinstance(node, Literal)
    term = {"type": "literal", "value": str(node)}
    if node.language:
        term["xml:lang"] = node.language
    elif node.datatype:
        term["datatype"] = str(node.datatype)
    return term


def _csv_value(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node)


def _tsv_value(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    return node.n3()


def _human(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return curie(str(node))
    if isinstance(node, BNode):
        return f"_:{node}"
    return " ".join(str(node).split())


def _fit(widths: list[int], limit: int) -> list[int]:
    """Shrink the widest columns until the table fits the terminal."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > limit and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def render(result: Result, fmt: str, width: int | None = None) -> str:
    """Text for ``result`` in format ``fmt`` (one of FORMATS)."""
    if isinstance(result, GraphResult):
        if fmt not in ("ttl", "table"):
            raise ValueError(f"a CONSTRUCT or DESCRIBE result prints as ttl, not {fmt}")
        graph = bind_prefixes(Graph(bind_namespaces="none"))
        for triple in result.graph:
            graph.add(triple)
        return graph.serialize(format="longturtle")
    if isinstance(result, AskResult):
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.value}, indent=2) + "\n"
        if fmt == "ttl":
            raise ValueError("an ASK result prints as table, csv, tsv, json or md, not ttl")
        return ("true" if result.value else "false") + "\n"
    variables, rows = result.variables, result.rows
    if fmt == "json":
        bindings = [{v: _json_term(row[v]) for v in variables if v in row} for row in rows]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(row.get(v)) for v in variables] for row in rows)
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_value(row.get(v)) for v in variables) for row in rows]
        return "\n".join(lines) + "\n"
    cells = [[_human(row.get(v)) for v in variables] for row in rows]
    if fmt == "md":
        escape = [[c.replace("|", "\\|") for c in line] for line in cells]
        lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
        lines += ["| " + " | ".join(line) + " |" for line in escape]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        limit = width or shutil.get_terminal_size((120, 24)).columns
        widths = [max([len(v), *(len(line[i]) for line in cells)]) for i, v in enumerate(variables)]
        widths = _fit(widths, limit)

        def line(values: list[str]) -> str:
            return "  ".join(
                _cell(t, w).ljust(w) for t, w in zip(values, widths, strict=True)
            ).rstrip()

        table = [line(variables), line(["-" * w for w in widths])]
        table += [line(c) for c in cells]
        table.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        return "\n".join(table) + "\n"
    raise ValueError(f"a SELECT result prints as table, csv, tsv, json or md, not {fmt}")
