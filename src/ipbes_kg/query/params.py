"""Query parameters: NAME=VALUE text from people → RDF terms, checked against the query.

IRIs may be CURIEs of the project's prefixes (an unknown prefix is an error with a
did-you-mean, not a silent empty answer); typed values must be valid for their datatype.
"""

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.query.catalog import XSD, CannedQuery, Parameter
from ipbes_kg.rdf.names import expand
from ipbes_kg.rdf.terms import Term

LANGS = ("en", "zh")  # the languages of the graph's labels: choices of --lang


def parse_params(values: Iterable[str]) -> dict[str, str]:
    """NAME=VALUE pairs as given on the command line."""
    pairs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UserError(f"--param {item!r}: write NAME=VALUE")
        pairs[name.strip()] = value
    return pairs


def _bad(query: CannedQuery, message: str) -> UserError:
    return UserError(f"{query.name}: {message}; parameters: {query.signature()}")


def _ill_typed(value: str, datatype: str) -> bool:
    from rdflib import Literal, URIRef  # only for typed parameters: keeps rdflib off the hot path

    return bool(Literal(value, datatype=URIRef(datatype)).ill_typed)


def _term(query: CannedQuery, param: Parameter, value: str) -> Term:
    if param.kind == "iri":
        try:
            return ox.NamedNode(expand(value, f"{query.name}: '{param.name}'"))
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


class UnknownEntityWarning(UserWarning):
    """An IRI parameter names nothing in the graph: the answer will be empty."""


def warn_unknown_iris(query: CannedQuery, bindings: Mapping[str, Term], store: ox.Store) -> None:
    """Warn (``UnknownEntityWarning``) for each IRI parameter that is in no triple of the graph;
    the CLI prints it on stderr, so an empty answer is not silent."""
    import warnings

    from ipbes_kg.rdf.names import curie

    for param in query.parameters:
        term = bindings.get(param.variable)
        if param.kind != "iri" or not isinstance(term, ox.NamedNode):
            continue
        if next(store.quads_for_pattern(term, None, None), None) is None and (
            next(store.quads_for_pattern(None, None, term), None) is None
        ):
            warnings.warn(
                f"{query.name}: {param.name}={curie(term.value)} names nothing in the graph, so "
                "the answer is empty; 'ipbes-kg search' finds entities by name",
                UnknownEntityWarning,
                stacklevel=3,
            )
