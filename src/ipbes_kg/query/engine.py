"""Running a query in-process over the graph's pyoxigraph store.

The text that runs is the query with its parameters bound by ``query.binding`` — the same text
a remote endpoint receives (``query.remote``), so both give the same answers.
"""

from collections.abc import Mapping

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.query import sparql_text
from ipbes_kg.query.binding import _syntax_error, bound_text
from ipbes_kg.query.catalog import CannedQuery
from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult
from ipbes_kg.rdf.reader import load_store
from ipbes_kg.rdf.terms import Term

__all__ = ["check_read_only", "load_store", "run_embedded"]


def check_read_only(query: CannedQuery) -> None:
    if query.form in sparql_text.UPDATE_KEYWORDS:
        raise UserError(
            f"{query.name}: {query.form} is an update; 'query' only runs SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    if not query.form:
        raise UserError(f"{query.name}: not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")


def run_embedded(query: CannedQuery, bindings: Mapping[str, Term], store: ox.Store) -> Result:
    check_read_only(query)
    try:
        answer = store.query(bound_text(query, bindings))
    except SyntaxError as exc:
        raise _syntax_error(query, exc) from exc
    if isinstance(answer, ox.QueryBoolean):
        return AskResult(bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows = [
            {
                name: value
                for name, value in zip(variables, solution, strict=True)
                if value is not None
            }
            for solution in answer
        ]
        return SelectResult(variables, rows)
    return GraphResult(list(answer))
