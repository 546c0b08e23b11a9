"""Query results in one model, whatever engine produced them.

Terms are pyoxigraph terms (NamedNode, BlankNode, Literal): the in-process engine returns them
and SPARQL JSON results (a remote endpoint's answer, a store's answer fetched whole by
``ipbes_kg.validate.pool``) are read into them by ``from_json``, so every format and the Python
API are one code path for both engines.
"""

import json
import re
from collections.abc import Mapping
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


def from_json(body: bytes) -> SelectResult | AskResult:
    """SPARQL JSON results; ValueError, KeyError, TypeError or AttributeError when ``body`` is
    not that. Read here, not by ``pyoxigraph.parse_query_results``: that rejects Virtuoso's
    blank node ids (``nodeID://b10006``) and the SPARQL 1.0 ``typed-literal``, and each of its
    steps lets go of the GIL (``ipbes_kg.validate.pool`` says why that matters)."""
    doc = json.loads(body)
    if "boolean" in doc:
        return AskResult(_boolean(doc["boolean"]))
    rows = [
        {name: _term(value) for name, value in binding.items()}
        for binding in doc["results"]["bindings"]
    ]
    return SelectResult(list(doc["head"]["vars"]), rows)


def _blank_node(label: str) -> ox.BlankNode:
    """The blank node of that label, or of the label made valid when it is not one."""
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", label) or None)


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"boolean {value!r}")


def _term(value: Mapping[str, str]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":  # the store's label; Virtuoso writes ids such as nodeID://b10006
        return _blank_node(value["value"])
    if kind not in ("literal", "typed-literal"):  # typed-literal: SPARQL 1.0 JSON (Virtuoso)
        raise ValueError(f"term type {kind!r}")
    return literal(value["value"], value.get("xml:lang"), value.get("datatype"))
