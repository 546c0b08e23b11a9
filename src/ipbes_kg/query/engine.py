"""Running canned or ad-hoc SPARQL: in-process over the packaged graph, or on any endpoint.

Parameters are bound as RDF terms, never pasted into query text as raw strings: each occurrence
of the variable is replaced by the escaped N-Triples term (``query/binding.py``). The same
text runs in-process (pyoxigraph) and on any endpoint, so both give the same answers.
(pyoxigraph's own substitutions need the variable projected, which BASIL parameters are not.)
"""

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.home import Home
from ipbes_kg.query import catalog, sparql_text
from ipbes_kg.query.binding import _syntax_error, bound_text
from ipbes_kg.query.catalog import XSD, CannedQuery, Parameter
from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult, Term, render
from ipbes_kg.rdf.names import PREFIXES

LANGS = ("en", "zh")  # the languages of the graph's labels: choices of --lang


def _bad(query: CannedQuery, message: str) -> UserError:
    return UserError(f"{query.name}: {message}; parameters: {query.signature()}")


def _ill_typed(value: str, datatype: str) -> bool:
    from rdflib import Literal, URIRef  # only for typed parameters: keeps rdflib off the hot path

    return bool(Literal(value, datatype=URIRef(datatype)).ill_typed)


def _term(query: CannedQuery, param: Parameter, value: str) -> Term:
    if param.kind == "iri":
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES and not local.startswith("//"):
            value = PREFIXES[prefix] + local
        try:
            if ":" not in value:
                raise ValueError("relative IRI")
            return ox.NamedNode(value)
        except ValueError:
            raise _bad(
                query, f"'{param.name}' needs an IRI or a CURIE such as tsu:ilk, not {value!r}"
            ) from None
    if param.kind.startswith("lang:"):
        return ox.Literal(value, language=param.kind[5:])
    if param.kind == "string":
        return ox.Literal(value)
    if _ill_typed(value, param.kind):
        raise _bad(
            query, f"'{param.name}' needs a valid xsd:{param.kind.removeprefix(XSD)}, not {value!r}"
        )
    return ox.Literal(value, datatype=ox.NamedNode(param.kind))


def bind(query: CannedQuery, given: Mapping[str, str]) -> dict[str, Term]:
    """Variable name → RDF term, from the user's NAME=VALUE pairs and the query's defaults."""
    for name in given:
        if query.parameter(name) is None:
            raise _bad(query, f"unknown parameter '{name}'")
    bindings: dict[str, Term] = {}
    for param in query.parameters:
        value = given.get(param.name, param.default)
        if value is None:
            if param.required:
                raise _bad(query, f"missing required parameter '{param.name}'")
            continue
        bindings[param.variable] = _term(query, param, value)
    return bindings


def check_read_only(query: CannedQuery) -> None:
    if query.form in sparql_text.UPDATE_KEYWORDS:
        raise UserError(
            f"{query.name}: {query.form} is an update; 'query' only runs SELECT, ASK, CONSTRUCT or DESCRIBE"
        )
    if not query.form:
        raise UserError(f"{query.name}: not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")


# --- in-process engine -------------------------------------------------------------------


def load_store(files: Iterable[Path]) -> ox.Store:
    store = ox.Store()
    for path in files:
        try:
            store.bulk_load(
                path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri()
            )
        except SyntaxError as exc:
            raise UserError(f"{path}: invalid Turtle: {exc}") from exc
    return store


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
        # A solution iterates its values in variable order: ~1.5x faster than lookups by name.
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


# --- the query command -------------------------------------------------------------------


def parse_params(values: Iterable[str]) -> dict[str, str]:
    """NAME=VALUE pairs as given on the command line."""
    pairs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UserError(f"--param {item!r}: write NAME=VALUE")
        pairs[name.strip()] = value
    return pairs


def answer(
    home: Home,
    name: str,
    params: Sequence[str] = (),
    fmt: str = "table",
    lang: str | None = None,
    width: int | None = None,
    endpoint: str | None = None,
    timeout: float = 30.0,
    graph: str | None = None,
) -> str:
    """The text ``ipbes-kg query`` prints: canned query ``name`` (or a .rq path), run
    in-process over ``home``'s graph or on ``endpoint``, rendered in format ``fmt``."""
    canned = catalog.resolve(name, home.queries)
    given = parse_params(params)
    if lang and canned.parameter("lang") is not None:
        given.setdefault("lang", lang)
    bindings = bind(canned, given)
    if endpoint:
        from ipbes_kg.query.remote import run_remote

        result = run_remote(canned, bindings, endpoint, timeout, graph)
    else:
        result = run_embedded(canned, bindings, load_store(home.graph_files()))
    try:
        return render(result, fmt, width)
    except ValueError as exc:
        raise UserError(f"{canned.name}: {exc}") from exc
