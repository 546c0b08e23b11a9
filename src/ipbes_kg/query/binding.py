"""Writing bound parameters into a query's text, so the same text runs on every engine.

Values are RDF terms made by pyoxigraph (``str(term)`` is its N-Triples form, escaped by the
library), never raw user text. Each occurrence of a parameter's variable token (found by the
lexer in ``sparql_text``, so nothing inside a string, IRI or comment is touched) is replaced by
the term, as grlc does with BASIL parameters:

- in a SELECT clause, ``?v`` becomes ``(TERM AS ?v)``, so the column stays;
- after GROUP BY / ORDER BY, ``?v`` becomes ``(TERM)`` (a bare constant is not allowed there);
- an ``AS ?v`` target keeps the variable.

Not a VALUES block: Virtuoso 7.2 fails on some (SP031 ``ssg_print_rvr_fixed_val()``) and
silently loses columns or rows on others (issue #13).
"""

from collections.abc import Mapping

from ipbes_kg.errors import UserError
from ipbes_kg.query import sparql_text
from ipbes_kg.query.catalog import CannedQuery
from ipbes_kg.query.results import Term

_SELECT_ENDS = frozenset({"WHERE", "FROM"})
_MODIFIER_ENDS = frozenset({"LIMIT", "OFFSET", "HAVING", "VALUES", "SELECT", "WHERE"})


def bound_text(query: CannedQuery, bindings: Mapping[str, Term]) -> str:
    """The query text with each bound variable replaced by its term."""
    if not bindings:
        return query.text
    return substitute(query.text, {name: str(term) for name, term in bindings.items()})


def substitute(text: str, terms: Mapping[str, str]) -> str:
    """``text`` with every ``?name``/``$name`` in ``terms`` written as its (N-Triples) term."""
    out: list[str] = []
    last = 0
    in_select = False  # between SELECT and its WHERE / first '{'
    in_modifier = False  # after GROUP BY / ORDER BY
    depth = 0  # parentheses inside a SELECT clause
    previous = ""
    for kind, value, offset in sparql_text.tokens(text):
        upper = value.upper() if kind == "word" else ""
        if kind == "word":
            if upper == "SELECT":
                in_select, in_modifier, depth = True, False, 0
            elif upper in _SELECT_ENDS:
                in_select = False
            if upper == "BY" and previous in ("GROUP", "ORDER"):
                in_modifier = True
            elif upper in _MODIFIER_ENDS:
                in_modifier = False
        elif kind in ("open", "close"):
            in_select = in_select and kind != "open"
            in_modifier = False
        elif kind == "other" and in_select:
            depth += {"(": 1, ")": -1}.get(value, 0)
        if kind == "var" and value[1:] in terms and previous != "AS":
            term = terms[value[1:]]
            if in_select and depth == 0:
                replacement = f"({term} AS {value})"
            elif in_modifier:
                replacement = f"({term})"
            else:
                replacement = term
            out.append(text[last:offset])
            out.append(replacement)
            last = offset + len(value)
        if kind != "comment":
            previous = upper or value
    out.append(text[last:])
    return "".join(out)


def _syntax_error(query: CannedQuery, exc: Exception) -> UserError:
    return UserError(f"{query.path}: SPARQL syntax error: {exc}; fix the query")
