"""Query results in one model, whatever engine produced them.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal): the in-process engine returns them
and remote answers are read into them (``pyoxigraph.parse_query_results``), so every format
and the Python API are one code path for both engines.
"""

from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.rdf.terms import Term, literal

__all__ = ["AskResult", "GraphResult", "Result", "SelectResult", "Term", "literal", "read_results"]


class SelectResult(NamedTuple):
    variables: list[str]
    rows: list[dict[str, Term]]


class AskResult(NamedTuple):
    value: bool


class GraphResult(NamedTuple):
    triples: list[ox.Triple]


Result = SelectResult | AskResult | GraphResult


def read_results(body: bytes, fmt: ox.QueryResultsFormat) -> SelectResult | AskResult:
    """SPARQL results in any standard format (JSON, XML, CSV/TSV) read by the library."""
    parsed = ox.parse_query_results(body, format=fmt)
    if isinstance(parsed, ox.QueryBoolean):
        return AskResult(bool(parsed))
    variables = [v.value for v in parsed.variables]
    rows = [
        {name: value for name, value in zip(variables, solution, strict=True) if value is not None}
        for solution in parsed
    ]
    return SelectResult(variables, rows)
