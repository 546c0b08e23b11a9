"""Output formats of query answers: one writer per format, the same for every engine.

The SPARQL result formats (json, csv, tsv, xml) are written by pyoxigraph's own serializers:
the answer is handed to them as SPARQL TSV, whose cells are the terms' N-Triples forms (escaped
by the library), so no result format is written by hand here. CONSTRUCT answers print as
Turtle by pyoxigraph, sorted and with only the project prefixes they use; ``table`` and ``md``
are for people.
"""

import pyoxigraph as ox

from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult
from ipbes_kg.query.table import table
from ipbes_kg.rdf.names import PREFIXES, turtle_name
from ipbes_kg.rdf.terms import XSD_STRING, human

FORMATS = ("table", "csv", "tsv", "json", "xml", "md", "ttl")
_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def solutions(result: SelectResult) -> ox.QuerySolutions:
    """The answer as pyoxigraph solutions (to hand to its serializers)."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += [
        "\t".join(str(row[v]) if v in row else "" for v in result.variables) for row in result.rows
    ]
    parsed = ox.parse_query_results(
        ("\n".join(lines) + "\n").encode("utf-8"), format=ox.QueryResultsFormat.TSV
    )
    assert isinstance(parsed, ox.QuerySolutions)  # a header line makes solutions, never a boolean
    return parsed


def turtle(triples: list[ox.Triple]) -> str:
    """Deterministic Turtle: triples sorted (rdf:type first), only the prefixes used."""
    ordered = sorted(
        triples,
        key=lambda t: (
            str(t.subject),
            t.predicate.value != RDF_TYPE,
            str(t.predicate),
            str(t.object),
        ),
    )
    used = {}
    for t in ordered:
        terms = [t.subject, t.object, *([] if t.predicate.value == RDF_TYPE else [t.predicate])]
        if isinstance(t.object, ox.Literal) and not t.object.language:
            terms.append(t.object.datatype)  # written unless xsd:string (pyoxigraph omits it)
        for term in terms:
            if isinstance(term, ox.NamedNode):
                prefix = turtle_name(term.value).partition(":")[0]
                if prefix in PREFIXES and term.value != XSD_STRING:
                    used[prefix] = PREFIXES[prefix]
    written = (ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=used) or b"").decode()
    # pyoxigraph lists the prefixes in its own order: sort them, so output is stable anywhere
    lines = written.splitlines(keepends=True)
    head = [line for line in lines if line.startswith("@prefix ")]
    return "".join(sorted(head)) + "".join(lines[len(head) :])


def render(result: Result, fmt: str, width: int | None = None) -> str:
    """Text for ``result`` in format ``fmt`` (one of FORMATS); ValueError if it does not fit."""
    if isinstance(result, GraphResult):
        if fmt not in ("ttl", "table"):
            raise ValueError(f"a CONSTRUCT or DESCRIBE result prints as ttl, not {fmt}")
        return turtle(result.triples)
    if fmt == "ttl":
        raise ValueError("only CONSTRUCT and DESCRIBE results print as ttl")
    if isinstance(result, AskResult):
        if fmt in _RESULT_FORMATS:
            # pyoxigraph makes booleans only as answers: ask an empty store the constant
            answer = ox.Store().query("ASK {}" if result.value else "ASK { FILTER(false) }")
            assert isinstance(answer, ox.QueryBoolean)
            text = answer.serialize(format=_RESULT_FORMATS[fmt]) or b""
            return text.decode("utf-8") + ("" if text.endswith(b"\n") else "\n")
        return ("true" if result.value else "false") + "\n"
    if fmt in _RESULT_FORMATS:
        text = solutions(result).serialize(format=_RESULT_FORMATS[fmt]) or b""
        return text.decode("utf-8") + ("" if text.endswith(b"\n") else "\n")
    cells = [[human(row.get(v)) for v in result.variables] for row in result.rows]
    if fmt == "md":
        lines = ["| " + " | ".join(result.variables) + " |", "|" + "---|" * len(result.variables)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        return table(result.variables, cells, width)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
