"""Talking to a SPARQL 1.1 query endpoint through SPARQLWrapper, with one-line errors.

Credentials come only from the environment (IPBES_KG_USER / IPBES_KG_PASSWORD) or ~/.netrc,
never from the command line, and never appear in messages.
"""

import netrc
import os
import socket
import sys
import urllib.error
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.query.binding import bound_text
from ipbes_kg.query.catalog import CannedQuery
from ipbes_kg.query.engine import check_read_only
from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult, Term, literal

USER_ENV = "IPBES_KG_USER"
PASSWORD_ENV = "IPBES_KG_PASSWORD"


def public_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def credentials(url: str) -> tuple[str, str] | None:
    user, password = os.environ.get(USER_ENV), os.environ.get(PASSWORD_ENV)
    if user and password is not None:
        return user, password
    host = urlsplit(url).hostname
    if not host:
        return None
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None
    if entry and entry[0]:
        return entry[0], entry[2] or ""
    return None


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            f"{url!r} is not an http(s) URL; give the endpoint as http://host:port/path"
        )
    if parts.username or parts.password:
        raise UserError(
            f"{public_url(url)}: do not put credentials in the URL; set {USER_ENV} and {PASSWORD_ENV} or use ~/.netrc"
        )
    return url


def _sparqlwrapper_error(exc: BaseException, name: str) -> bool:
    """``exc`` is SPARQLWrapper's exception ``name``. Checked without importing SPARQLWrapper
    (~80 ms, which ``load`` never needs): an instance of its class means it is loaded."""
    module = sys.modules.get("SPARQLWrapper.SPARQLExceptions")
    return module is not None and isinstance(exc, getattr(module, name))


def http_error(url: str, exc: BaseException) -> UserError:
    """Map a transport or HTTP failure to one actionable line."""
    where = public_url(url)
    if _sparqlwrapper_error(exc, "Unauthorized") or getattr(exc, "code", None) in (401, 403):
        return UserError(
            f"{where}: access refused (401/403); set {USER_ENV}/{PASSWORD_ENV} or ~/.netrc credentials"
        )
    if _sparqlwrapper_error(exc, "EndPointNotFound") or getattr(exc, "code", None) == 404:
        return UserError(
            f"{where}: not found (404); check the endpoint path (Oxigraph: /query, Fuseki: /<dataset>/sparql)"
        )
    if _sparqlwrapper_error(exc, "QueryBadFormed"):
        detail = str(exc).split("Response:", 1)[-1].strip().splitlines()
        return UserError(
            f"{where}: the server rejected the query (400): {detail[0] if detail else ''}"
        )
    if _sparqlwrapper_error(exc, "EndPointInternalError") or (getattr(exc, "code", 0) or 0) >= 500:
        return UserError(f"{where}: server error; the server's log says why, try again later")
    if isinstance(exc, urllib.error.HTTPError):
        return UserError(f"{where}: HTTP {exc.code} {exc.reason}")
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, TimeoutError | socket.timeout) or isinstance(exc, TimeoutError):
        return UserError(
            f"{where}: no answer before the timeout; raise --timeout or check the server"
        )
    if isinstance(reason, ConnectionRefusedError):
        return UserError(f"{where}: connection refused; is the server running on that port?")
    if isinstance(reason, socket.gaierror):
        return UserError(f"{where}: unknown host; check the host name")
    return UserError(
        f"{where}: cannot reach the endpoint ({reason}); check the URL and the network"
    )


def run_remote(
    query: CannedQuery, bindings: Mapping[str, Term], url: str, timeout: float
) -> Result:
    from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
    from SPARQLWrapper import SPARQLExceptions as sw

    check_read_only(query)
    check_url(url)
    client = SPARQLWrapper(url)
    client.setMethod(POST)
    client.setTimeout(int(max(timeout, 1)))
    client.setQuery(bound_text(query, bindings))
    # SPARQLWrapper guesses the form with a regex that comments and IRIs can fool (and then
    # sends the query as an update); we know the form from our own lexer.
    client.queryType = query.form
    auth = credentials(url)
    if auth:
        client.setCredentials(*auth)
    graph_form = query.form in ("CONSTRUCT", "DESCRIBE")
    client.setReturnFormat(TURTLE if graph_form else JSON)
    try:
        response = client.query()
        body = response.response.read()
    except (sw.SPARQLWrapperException, urllib.error.URLError, OSError) as exc:
        raise http_error(url, exc) from exc
    if graph_form:
        try:
            quads = ox.parse(body, format=ox.RdfFormat.TURTLE)
            return GraphResult([q.triple for q in quads])
        except SyntaxError as exc:
            raise UserError(f"{public_url(url)}: the answer is not Turtle ({exc})") from exc
    import json

    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise UserError(
            f"{public_url(url)}: the answer is not SPARQL JSON results; is this a SPARQL endpoint?"
        ) from exc
    if "boolean" in doc:
        return AskResult(bool(doc["boolean"]))
    variables = list(doc["head"]["vars"])
    rows = [
        {name: _term(value) for name, value in binding.items()}
        for binding in doc["results"]["bindings"]
    ]
    return SelectResult(variables, rows)


def _term(value: Mapping[str, str]) -> Term:
    kind = value["type"]
    if kind == "uri":
        return ox.NamedNode(value["value"])
    if kind == "bnode":
        return ox.BlankNode(value["value"])
    return literal(value["value"], value.get("xml:lang"), value.get("datatype"))
