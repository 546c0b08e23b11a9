"""Query results in one model, whatever engine produced them, and their output formats.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal): the in-process engine returns them
and remote answers are converted to them, so every format is one code path for both engines.
CONSTRUCT results print as Turtle in the layout of the data files (rdflib's longturtle: one
block per subject, sorted, only the prefixes used), written here because rdflib costs a cold
query ~0.3 s and pyoxigraph's writer lists prefixes in no fixed order. Each format's module is
imported only when that format is asked for (a cold ``ipbes-kg query`` pays for little).
"""

import re
from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.rdf.names import PREFIXES, curie

Term = ox.NamedNode | ox.BlankNode | ox.Literal
FORMATS = ("table", "csv", "tsv", "json", "md", "ttl")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class SelectResult(NamedTuple):
    variables: list[str]
    rows: list[dict[str, Term]]


class AskResult(NamedTuple):
    value: bool


class GraphResult(NamedTuple):
    triples: list[ox.Triple]


Result = SelectResult | AskResult | GraphResult


def literal(value: str, language: str | None = None, datatype: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    if datatype and datatype != XSD_STRING:
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    doc = {"type": "literal", "value": term.value}
    if term.language:
        doc["xml:lang"] = term.language
    elif term.datatype.value not in (XSD_STRING, RDF_LANGSTRING):
        doc["datatype"] = term.datatype.value
    return doc


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _human(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return " ".join(term.value.split())


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# A Turtle local name that needs no escaping (a subset of PN_LOCAL); others are written <iri>.
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def _iri(iri: str, used: set[str]) -> str:
    written = curie(iri)
    prefix, _, local = written.partition(":")
    if written.startswith("<") or (local and not _LOCAL.fullmatch(local)):
        return f"<{iri}>"
    used.add(prefix)
    return written


def _turtle_term(term: Term | ox.Triple, used: set[str]) -> str:
    if isinstance(term, ox.NamedNode):
        return _iri(term.value, used)
    if isinstance(term, ox.Literal):
        text = str(ox.Literal(term.value))  # quoted with N-Triples escapes, valid in Turtle
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{text}^^{_iri(term.datatype.value, used)}"
        return text
    return str(term)  # blank node (_:id) or an RDF 1.2 triple term


def _turtle(triples: list[ox.Triple]) -> str:
    """Deterministic Turtle: subjects, predicates (rdf:type first) and objects sorted."""
    used: set[str] = set()
    graph: dict[str, dict[str, set[str]]] = {}
    for triple in triples:
        predicate = (
            " a" if triple.predicate.value == RDF_TYPE else _iri(triple.predicate.value, used)
        )
        objects = graph.setdefault(_turtle_term(triple.subject, used), {}).setdefault(
            predicate, set()
        )
        objects.add(_turtle_term(triple.object, used))
    blocks = []
    for subject, predicates in sorted(graph.items()):
        lines = [subject]
        for predicate, objects in sorted(predicates.items()):
            if len(objects) == 1:
                lines.append(f"    {predicate.strip()} {next(iter(objects))} ;")
            else:
                lines.append(f"    {predicate.strip()}")
                lines.append(" ,\n".join(f"        {o}" for o in sorted(objects)) + " ;")
        blocks.append("\n".join(lines) + "\n.\n")
    if not blocks:
        return ""
    head = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in sorted(used))
    return head + "\n" + "\n".join(blocks)


def _fit(widths: list[int], limit: int) -> list[int]:
    """Shrink the widest columns until the table fits the terminal."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > limit and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def _cell(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _table(variables: list[str], cells: list[list[str]], width: int | None) -> str:
    import shutil

    limit = width or shutil.get_terminal_size((120, 24)).columns
    widths = _fit(
        [max([len(v), *(len(row[i]) for row in cells)]) for i, v in enumerate(variables)], limit
    )

    def line(values: list[str]) -> str:
        return "  ".join(_cell(t, w).ljust(w) for t, w in zip(values, widths, strict=True)).rstrip()

    table = [line(variables), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    table.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(table) + "\n"


def render(result: Result, fmt: str, width: int | None = None) -> str:
    """Text for ``result`` in format ``fmt`` (one of FORMATS)."""
    if isinstance(result, GraphResult):
        if fmt not in ("ttl", "table"):
            raise ValueError(f"a CONSTRUCT or DESCRIBE result prints as ttl, not {fmt}")
        return _turtle(result.triples)
    if isinstance(result, AskResult):
        if fmt == "json":
            import json

            return json.dumps({"head": {}, "boolean": result.value}, indent=2) + "\n"
        if fmt == "ttl":
            raise ValueError("an ASK result prints as table, csv, tsv, json or md, not ttl")
        return ("true" if result.value else "false") + "\n"
    variables, rows = result.variables, result.rows
    if fmt == "json":
        import json

        bindings = [{v: _json_term(row[v]) for v in variables if v in row} for row in rows]
        doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(row.get(v)) for v in variables] for row in rows)
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(str(row[v]) if v in row else "" for v in variables) for row in rows]
        return "\n".join(lines) + "\n"
    cells = [[_human(row.get(v)) for v in variables] for row in rows]
    if fmt == "md":
        lines = ["| " + " | ".join(variables) + " |", "|" + "---|" * len(variables)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        return _table(variables, cells, width)
    raise ValueError(f"a SELECT result prints as table, csv, tsv, json or md, not {fmt}")
