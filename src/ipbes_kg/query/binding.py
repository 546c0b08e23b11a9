"""Writing bound parameters into a query's text, so the same text runs on every engine.

Values are RDF terms made by pyoxigraph (``str(term)`` is its N-Triples form, escaped by the
library), never raw user text.
"""

from collections.abc import Mapping

from ipbes_kg.errors import UserError
from ipbes_kg.query import sparql_text
from ipbes_kg.query.catalog import CannedQuery
from ipbes_kg.query.results import Term


def bound_text(query: CannedQuery, bindings: Mapping[str, Term]) -> str:
    """The query text with a VALUES block binding ``bindings`` at the top of its WHERE group."""
    if not bindings:
        return query.text
    try:
        offset = sparql_text.where_body_offset(query.text)
    except ValueError as exc:
        raise _syntax_error(query, exc) from exc
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(term) for term in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}\n"
    return query.text[:offset] + block + query.text[offset:]


def _syntax_error(query: CannedQuery, exc: Exception) -> UserError:
    return UserError(f"{query.path}: SPARQL syntax error: {exc}; fix the query")
