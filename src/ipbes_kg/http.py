"""The project's one HTTP client (httpx): SPARQL queries, the Graph Store Protocol, SPARQL Update.

- Credentials only from IPBES_KG_USER / IPBES_KG_PASSWORD or ~/.netrc; never in a message.
- Auth follows the server: no Authorization header until a 401 names the scheme; then httpx's
  DigestAuth or BasicAuth (Virtuoso's ``-auth`` endpoints need Digest and answer a request that
  already carries Basic with a bare 401). TLS is verified.
- Transient failures (connection reset, 502/503/504, timeouts) are retried, boundedly.
- Uploads stream from a file with a ``Content-Length``.
- ``failure`` makes any failed exchange one ``UserError`` line: the server's own first line
  (never a bytes repr or a whole page) and a hint.
"""

import contextlib
import netrc
import os
import re
import ssl
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

import httpx

from ipbes_kg.errors import UserError

USER_ENV = "IPBES_KG_USER"
PASSWORD_ENV = "IPBES_KG_PASSWORD"
CHUNK = 1 << 16
TRANSIENT_STATUS = frozenset({502, 503, 504})

Progress = Callable[[int], None]


def public_url(url: str) -> str:
    """The URL without any user:password part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def check_url(url: str, option: str = "--endpoint") -> str:
    """``url`` if it is an http(s) URL without credentials in it; else a one-line error."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{option} {url!r} is not an http(s) URL; write http://host:port/path")
    if parts.username or parts.password:
        raise UserError(
            f"{option} {public_url(url)}: do not put credentials in the URL; "
            f"set {USER_ENV} and {PASSWORD_ENV} or use ~/.netrc"
        )
    return url


def credentials(url: str) -> tuple[str, str] | None:
    """(user, password) from the environment, else from ~/.netrc for the URL's host."""
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


class ServerChosenAuth(httpx.Auth):
    """No credentials until the server asks; then Digest or Basic, as its 401 says."""

    def __init__(self, user: str, password: str) -> None:
        self.user = user
        self.password = password
        self.chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.chosen is not None:
            yield from self.chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        offered = [
            h.split(" ", 1)[0].lower() for h in response.headers.get_list("www-authenticate")
        ]
        if "digest" in offered:
            self.chosen = httpx.DigestAuth(self.user, self.password)
        elif "basic" in offered:
            self.chosen = httpx.BasicAuth(self.user, self.password)
        else:
            return
        # Basic adds its header at once; Digest first yields the bare request, and is handed
        # the 401 already received instead of asking the server again.
        flow = self.chosen.auth_flow(request)
        try:
            retry = next(flow)
            if "authorization" not in retry.headers:
                retry = flow.send(response)
            while True:
                retry = flow.send((yield retry))
        except StopIteration:
            return


class Settings(NamedTuple):
    """Transport settings: timeout, TLS, retries."""

    timeout: float = 120.0
    cacert: Path | None = None
    insecure: bool = False
    tries: int = 3
    backoff: float = 0.5


def _pause(seconds: float) -> None:
    """The backoff between tries (tests make it instant)."""
    time.sleep(seconds)


class Sent(NamedTuple):
    """A request body streamed from a file: a fresh iterator for each try."""

    path: Path
    progress: Progress | None = None

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def chunks(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
                if self.progress is not None:
                    self.progress(len(chunk))


Body = bytes | Sent | None


class Client:
    """Requests with auth as the server asks, bounded retries and one-line errors."""

    def __init__(self, settings: Settings | None = None, store: str = "") -> None:
        self.settings = settings or Settings()
        self.store = store  # for hints: oxigraph, fuseki, graphdb, virtuoso, generic, ''
        self._client: httpx.Client | None = None
        self._auth: dict[str, ServerChosenAuth | None] = {}

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _http(self) -> httpx.Client:
        if self._client is None:
            verify: bool | ssl.SSLContext = True
            if self.settings.insecure:
                verify = False
            elif self.settings.cacert is not None:
                try:
                    verify = ssl.create_default_context(cafile=str(self.settings.cacert))
                except (OSError, ssl.SSLError) as exc:
                    raise UserError(
                        f"--cacert {self.settings.cacert}: cannot read the certificates ({exc})"
                    ) from exc
            self._client = httpx.Client(
                timeout=self.settings.timeout, verify=verify, follow_redirects=False
            )
        return self._client

    def auth_for(self, url: str) -> ServerChosenAuth | None:
        """One auth per host, so a Digest challenge once answered is reused."""
        host = urlsplit(url).netloc
        if host not in self._auth:
            found = credentials(url)
            self._auth[host] = ServerChosenAuth(*found) if found else None
        return self._auth[host]

    def _prime(self, url: str, auth: ServerChosenAuth | None) -> None:
        """Learn the auth scheme with a bodiless request before streaming a file: a streamed
        body cannot be sent twice, and the first answer may be a 401."""
        if auth is None or auth.chosen is not None:
            return
        with contextlib.suppress(httpx.HTTPError):  # the real request says what is wrong
            self._http().request("HEAD", url, auth=auth).close()

    def request(
        self,
        method: str,
        url: str,
        *,
        kind: str,
        body: Body = None,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send and read the answer; a failure raises ``failure(...)``'s one-line error.

        ``kind`` names the endpoint for messages: "query", "Graph Store" or "update".
        """
        http = self._http()
        auth = self.auth_for(url)
        all_headers = dict(headers or {})
        if isinstance(body, Sent):
            all_headers["Content-Length"] = str(body.size)
            self._prime(url, auth)
        attempt = 0
        while True:
            content: bytes | Iterator[bytes] | None = (
                body.chunks() if isinstance(body, Sent) else body
            )
            error: BaseException | None = None
            response: httpx.Response | None = None
            try:
                response = http.request(
                    method, url, content=content, headers=all_headers, params=params, auth=auth
                )
            except httpx.StreamConsumed as exc:
                # The server answered 401 after the body was streamed: send it once more with
                # the scheme now known; a second 401 means the credentials are wrong.
                if auth is not None and auth.chosen is not None and attempt == 0:
                    attempt += 1
                    continue
                raise refused(url, 401, self.store) from exc
            except httpx.HTTPError as exc:
                error = exc
            if response is not None and response.is_success:
                return response
            attempt += 1
            if attempt >= self.settings.tries or not _transient(response, error):
                raise failure(url, kind, response=response, error=error, store=self.store)
            _pause(self.settings.backoff * 2 ** (attempt - 1))


def _transient(response: httpx.Response | None, error: BaseException | None) -> bool:
    if response is not None:
        return response.status_code in TRANSIENT_STATUS
    return isinstance(
        error,
        httpx.TimeoutException | httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError,
    ) and not isinstance(error, httpx.ConnectTimeout)


# --- one line for every failure -------------------------------------------------------------

# Where each store kind answers queries, given a URL of the wrong kind (Graph Store / update).
_WRONG_KIND = (  # Oxigraph, Oxigraph, Fuseki, Virtuoso, Virtuoso, GraphDB, GraphDB
    (re.compile(r"/store/?$"), "/query"),
    (re.compile(r"/update/?$"), "/query"),
    (re.compile(r"/data/?$"), "/sparql"),
    (re.compile(r"/sparql-graph-crud/?$"), "/sparql"),
    (re.compile(r"/sparql-graph-crud-auth/?$"), "/sparql-auth"),
    (re.compile(r"/rdf-graphs/service/?$"), ""),
    (re.compile(r"/statements/?$"), ""),
)
_VIRTUOSO_SIZE = re.compile(r"\bSP03[01]\b|\bSR4\d\d\b|stack|too (large|long)", re.I)


def server_message(response: httpx.Response) -> str:
    """The first meaningful line of the server's answer, tags stripped, at most 200 chars."""
    try:
        raw = response.read()[:4000]
    except httpx.HTTPError:
        return ""
    text = raw.decode(response.encoding or "utf-8", errors="replace")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", "\n", text)
    for line in text.splitlines():
        line = " ".join(line.split())
        if len(line) > 2 and not re.fullmatch(r"(error|\d{3}.*|http/\S+ .*)", line, re.I):
            return line if len(line) <= 200 else line[:199] + "…"
    return ""


def query_url_for(url: str) -> str | None:
    """The query URL beside a Graph Store or update URL, or None if ``url`` looks like one."""
    parts = urlsplit(url)
    for pattern, replacement in _WRONG_KIND:
        if pattern.search(parts.path):
            path = pattern.sub(replacement, parts.path) or "/"
            return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return None


def failure(
    url: str,
    kind: str,
    *,
    response: httpx.Response | None = None,
    error: BaseException | None = None,
    store: str = "",
) -> UserError:
    """One line saying what failed at ``url`` (a ``kind`` endpoint) and what to do."""
    where = public_url(url)
    if response is None:
        return _transport_failure(where, error)
    code = response.status_code
    said = server_message(response)
    says = f": {said}" if said else ""
    if code in (401, 403):
        error = refused(url, code, store)
        if kind == "query" and (other := query_url_for(url)):
            error = UserError(f"{error.message}; and this is a Graph Store URL: use {other}")
        return error
    if code == 404:
        where_to_look = (
            "check the URL (Oxigraph: /query, Fuseki: /DATASET/sparql, "
            "GraphDB: /repositories/ID, Virtuoso: /sparql)"
            if kind == "query"
            else "check --store (oxigraph|fuseki|graphdb|virtuoso), --dataset/--repository, "
            "or give the URL with --gsp-url/--query-url/--update-url"
        )
        return UserError(
            f"{where}: not found (404); this is not a {kind} endpoint: {where_to_look}"
        )
    if kind == "query" and code in (405, 406, 415) and (other := query_url_for(url)):
        return UserError(
            f"{where}: {code} {response.reason_phrase}; this is a Graph Store or update URL, "
            f"not a query endpoint; use {public_url(other)}"
        )
    if code == 405:
        return UserError(
            f"{where}: method not allowed (405); this URL is not a writable {kind} endpoint: "
            "check --store, or load with --protocol update"
        )
    if code == 406:
        return UserError(
            f"{where}: the server cannot answer in the format asked (406); "
            f"is this a SPARQL {kind} endpoint?{says}"
        )
    if code == 413:
        return UserError(
            f"{where}: the upload is too large for the server (413); load in batches with "
            "--protocol update --batch-size N, or raise the server's request size limit"
        )
    if kind == "update" and said and _VIRTUOSO_SIZE.search(said):
        return UserError(
            f"{where}: the server rejected a batch ({code}){says}; lower --batch-size "
            "(Virtuoso 7.2 accepts about 1,000 triples per request)"
        )
    if code in (400, 415, 422):
        return UserError(f"{where}: the server rejected the {kind} request ({code}){says}")
    if code >= 500:
        return UserError(f"{where}: server error {code}{says or '; see the server log'}")
    return UserError(f"{where}: HTTP {code} {response.reason_phrase}{says}")


def refused(url: str, code: int, store: str = "") -> UserError:
    """Access refused (401/403): which credentials to set, or that they were refused."""
    if credentials(url) is None:
        hint = f"set {USER_ENV}/{PASSWORD_ENV} or ~/.netrc credentials"
    else:
        hint = (
            f"the credentials from {USER_ENV}/{PASSWORD_ENV} or ~/.netrc were refused; "
            "check them and the user's grants (docs/LOADING.md)"
        )
    if store == "virtuoso" and not urlsplit(url).path.endswith("-auth"):
        hint += "; Virtuoso takes credentials only on /sparql-auth and /sparql-graph-crud-auth"
    return UserError(f"{public_url(url)}: access refused ({code}); {hint}")


def _transport_failure(where: str, error: BaseException | None) -> UserError:
    said = " ".join(str(error or "").split())[:120] or type(error).__name__
    lowered = said.lower()
    if isinstance(error, httpx.TimeoutException):
        hint = "no answer before the timeout; raise --timeout or check the server"
    elif isinstance(error, httpx.ConnectError) and ("certificate" in lowered or "ssl" in lowered):
        hint = f"the TLS certificate is not trusted ({said}); give the CA with --cacert FILE"
    elif isinstance(error, httpx.ConnectError) and any(
        w in lowered for w in ("name or service", "nodename", "name resolution")
    ):
        hint = "unknown host; check the host name"
    elif isinstance(error, httpx.ConnectError) and "refused" in lowered:
        hint = "connection refused; is the server running on that port?"
    elif isinstance(error, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        hint = f"the server closed the connection ({said}); check its log, then run again"
    else:
        hint = f"cannot reach the server ({said}); check the URL and the network"
    return UserError(f"{where}: {hint}")
