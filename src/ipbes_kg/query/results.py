"""Query results in one model, whatever engine produced them.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal): the in-process engine returns them
and remote answers are read into them (``pyoxigraph.parse_query_results``), so every format
and the Python API are one code path for both engines.
"""

from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.rdf.terms import Term, literal

__all__ = ["AskResult", "GraphResult", "Result", "SelectResult", "Term", "literal"]


class SelectResult(NamedTuple):
    variables: list[str]
    rows: list[dict[str, Term]]


class AskResult(NamedTuple):
    value: bool


class GraphResult(NamedTuple):
    triples: list[ox.Triple]


Result = SelectResult | AskResult | GraphResult
