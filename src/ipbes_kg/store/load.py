"""Loading the graph into any SPARQL 1.1 triple store, verified and safe to repeat.

The SPARQL 1.1 Graph Store HTTP Protocol does the loading: ``PUT`` replaces one graph in one
request, ``POST`` adds to it; the target is always named (``?default`` or ``?graph=IRI``),
because a bare ``POST`` makes Oxigraph create a new graph. Stores without the protocol get
SPARQL Update ``INSERT DATA`` in bounded batches. Afterwards a SPARQL query counts the triples
in the target graph and the load fails (exit 1) if the count is not what was sent.

The body is streamed from a file (N-Triples, ``Content-Length`` from its size); nothing holds a
whole input file as one string. Credentials come from IPBES_KG_USER / IPBES_KG_PASSWORD or
~/.netrc (see ``ipbes_kg.query.remote``); TLS certificates are verified unless told otherwise.
Transient failures (connection reset, 502/503/504, timeouts) are retried a bounded number of
times with backoff; nothing else is.
"""

import base64
import hashlib
import http.client
import json
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.errors import EXIT_FAILED, UserError
from ipbes_kg.home import Home
from ipbes_kg.query.remote import credentials, http_error, public_url

STORES = ("oxigraph", "fuseki", "graphdb", "virtuoso", "generic")
PROTOCOLS = ("auto", "gsp", "update")
NTRIPLES = "application/n-triples"
CHUNK = 1 << 16
# GraphDB (RDF4J) queries see the union of all graphs; this name means the real default graph.
RDF4J_NIL = "http://rdf4j.org/schema/rdf4j#nil"

Progress = Callable[[int], None]

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


class CountMismatch(UserError):
    """The load ran, but the store does not hold what was sent."""

    exit_code = EXIT_FAILED


# --- where to send -----------------------------------------------------------------------


class Target(NamedTuple):
    """The store's Graph Store, query and update URLs."""

    store: str
    gsp_url: str | None
    query_url: str
    update_url: str | None


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + path


def _check_http_url(url: str, option: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{option} {url!r} is not an http(s) URL; write http://host:port")
    if parts.username or parts.password:
        raise UserError(
            f"{option} {public_url(url)}: do not put credentials in the URL; "
            "set IPBES_KG_USER and IPBES_KG_PASSWORD or use ~/.netrc"
        )
    return url


def resolve_target(
    store: str,
    endpoint: str | None,
    dataset: str | None = None,
    repository: str | None = None,
    gsp_url: str | None = None,
    query_url: str | None = None,
    update_url: str | None = None,
) -> Target:
    """The URLs for a store kind and base URL; explicit URLs win over the derived ones."""
    if store not in STORES:
        raise UserError(f"--store {store!r}: choose one of {', '.join(STORES)}")
    if endpoint is not None:
        _check_http_url(endpoint, "--endpoint")
        if urllib.parse.urlsplit(endpoint).query:
            raise UserError(f"--endpoint {public_url(endpoint)}: give the base URL, no '?…'")
    for option, url in (
        ("--gsp-url", gsp_url),
        ("--query-url", query_url),
        ("--update-url", update_url),
    ):
        if url is not None:
            _check_http_url(url, option)
    derived: tuple[str | None, str | None, str | None] = (None, None, None)
    if store != "generic":
        if endpoint is None:
            raise UserError(
                f"--store {store} needs --endpoint, the server's base URL (e.g. http://localhost:7878)"
            )
        if store == "oxigraph":
            derived = (
                _join(endpoint, "/store"),
                _join(endpoint, "/query"),
                _join(endpoint, "/update"),
            )
        elif store == "fuseki":
            if not dataset:
                raise UserError(
                    "--store fuseki needs --dataset NAME (the part after the host: /NAME/…)"
                )
            base = _join(endpoint, "/" + urllib.parse.quote(dataset.strip("/")))
            derived = (base + "/data", base + "/sparql", base + "/update")
        elif store == "graphdb":
            if not repository:
                raise UserError("--store graphdb needs --repository ID (the GraphDB repository)")
            base = _join(endpoint, "/repositories/" + urllib.parse.quote(repository))
            derived = (base + "/rdf-graphs/service", base, base + "/statements")
        elif store == "virtuoso":
            derived = (
                _join(endpoint, "/sparql-graph-crud"),
                _join(endpoint, "/sparql"),
                _join(endpoint, "/sparql"),
            )
    elif endpoint is not None and not (gsp_url or query_url or update_url):
        raise UserError(
            "--store generic needs --query-url and --gsp-url or --update-url; "
            "or choose --store oxigraph|fuseki|graphdb|virtuoso"
        )
    gsp = gsp_url or derived[0]
    query = query_url or derived[1]
    update = update_url or derived[2]
    if store == "virtuoso" and gsp and update and credentials(gsp):
        # Virtuoso's authenticated variants (Digest): /sparql-graph-crud-auth, /sparql-auth
        gsp = gsp if gsp_url else gsp + "-auth"
        update = update if update_url else update + "-auth"
    if query is None:
        raise UserError("give --query-url: the count after loading needs a SPARQL query endpoint")
    if gsp is None and update is None:
        raise UserError("give --gsp-url (Graph Store Protocol) or --update-url (SPARQL Update)")
    return Target(store, gsp, query, update)


def check_graph_iri(iri: str) -> str:
    if not _IRI.match(iri):
        raise UserError(
            f"--graph {iri!r} is not an absolute IRI; write e.g. https://example.org/graph"
        )
    return iri


# --- what to send ------------------------------------------------------------------------


class Payload(NamedTuple):
    """An N-Triples file to send and the number of distinct triples in it."""

    path: Path
    triples: int

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def packaged_payload(home: Home, workdir: Path) -> Payload:
    """The packaged graph (vocabulary + data) as sorted N-Triples: the triples ``build`` writes.

    Parsed with pyoxigraph, not rdflib: at scale the rdflib parse was most of a load's time. The
    store holds each triple once, so every line is a distinct triple. Sorted because Oxigraph
    stores sorted triples faster: at ×100 a PUT took 16 s sorted and 20 s in the store's order,
    and sorting the bytes costs 0.6 s.
    """
    from ipbes_kg.query.engine import load_store

    graph = load_store(home.graph_files())
    dump = graph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    lines = dump.splitlines(keepends=True)
    lines.sort()
    path = workdir / "graph.nt"  # a temporary file (naming build's ipbes-kg.nt would import rdflib)
    path.write_bytes(b"".join(lines))
    return Payload(path, len(lines))


def _format_of(path: Path) -> ox.RdfFormat:
    suffix = path.suffix.lstrip(".").lower()
    found = ox.RdfFormat.from_extension(suffix) if suffix else None
    if found is None or found == ox.RdfFormat.N3:
        raise UserError(
            f"{path}: unknown RDF format {path.suffix or '(no extension)'!r}; "
            "use .nt, .ttl, .rdf or .jsonld files"
        )
    return found


def _triples(path: Path, rename_blank_nodes: bool) -> Iterator[str]:
    """Each triple of the file as an N-Triples line (no ' .'), streamed from disk."""
    fmt = _format_of(path)
    try:
        for quad in ox.parse(
            path=str(path),
            format=fmt,
            base_iri=path.resolve().as_uri(),
            without_named_graphs=True,
            rename_blank_nodes=rename_blank_nodes,
        ):
            yield str(quad.triple)
    except SyntaxError as exc:
        raise UserError(f"{path}: invalid {fmt.name}: {' '.join(str(exc).split())}") from exc
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _key(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()


def file_payload(files: Sequence[Path], workdir: Path) -> Payload:
    """Files to load, as one N-Triples file of distinct triples.

    A single N-Triples file is checked and sent as it is; anything else (Turtle, RDF/XML,
    JSON-LD, several files) is streamed into one N-Triples file in ``workdir``.
    """
    for path in files:
        if not path.is_file():
            raise UserError(f"{path}: no such file")
    if len(files) == 1 and _format_of(files[0]) == ox.RdfFormat.N_TRIPLES:
        seen = {_key(line) for line in _triples(files[0], rename_blank_nodes=False)}
        if not seen:
            raise UserError(f"{files[0]}: no triples to load")
        return Payload(files[0], len(seen))
    out = workdir / "payload.nt"
    keys: set[bytes] = set()
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for path in files:
            for line in _triples(path, rename_blank_nodes=True):
                key = _key(line)
                if key not in keys:
                    keys.add(key)
                    handle.write(line + " .\n")
    if not keys:
        raise UserError(f"{', '.join(map(str, files))}: no triples to load")
    return Payload(out, len(keys))


# --- HTTP ---------------------------------------------------------------------------------


class Http(NamedTuple):
    """Transport settings: timeout, TLS, retries."""

    timeout: float = 120.0
    cacert: Path | None = None
    insecure: bool = False
    tries: int = 3
    backoff: float = 0.5

    def context(self) -> ssl.SSLContext:
        if self.insecure:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        cafile = str(self.cacert) if self.cacert else None
        try:
            return ssl.create_default_context(cafile=cafile)
        except (OSError, ssl.SSLError) as exc:
            raise UserError(
                f"--cacert {self.cacert}: cannot read the certificates ({exc})"
            ) from exc


Body = Callable[[], Iterator[bytes]] | bytes | None

_TRANSIENT_CODES = (502, 503, 504)


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code in _TRANSIENT_CODES
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ConnectionRefusedError | socket.gaierror | ssl.SSLError):
        return False
    return isinstance(
        reason,
        ConnectionResetError
        | ConnectionAbortedError
        | BrokenPipeError
        | TimeoutError
        | http.client.RemoteDisconnected
        | http.client.IncompleteRead,
    )


def _server_says(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read(2000)
    except Exception:
        return ""
    text = re.sub(r"<[^>]+>", " ", raw.decode("utf-8", errors="replace"))
    for line in text.splitlines():
        if line.strip():
            return " ".join(line.split())[:300]
    return ""


def failure(url: str, exc: BaseException, store: str, kind: str) -> UserError:
    """One line for a failed request to ``url`` (a ``kind``: Graph Store, query, update)."""
    where = public_url(url)
    if isinstance(exc, urllib.error.HTTPError):
        code = exc.code
        said = _server_says(exc)
        says = f": {said}" if said else ""
        if code == 404:
            return UserError(
                f"{where}: not found (404); this is not the {kind} endpoint for --store {store}: "
                "check --store (oxigraph|fuseki|graphdb|virtuoso), --dataset/--repository, "
                "or give the URL with --gsp-url/--query-url/--update-url"
            )
        if code == 405:
            return UserError(
                f"{where}: method not allowed (405); this URL is not a writable {kind} endpoint: "
                "check --store, or load with --protocol update"
            )
        if code == 413:
            return UserError(
                f"{where}: the upload is too large for the server (413); load in batches with "
                "--protocol update --batch-size N, or raise the server's request size limit"
            )
        if code in (400, 415):
            return UserError(f"{where}: the server rejected the request ({code}){says}")
        if code >= 500:
            return UserError(f"{where}: server error {code}{says or '; see the server log'}")
    if isinstance(exc, urllib.error.URLError) and isinstance(
        exc.reason, ssl.SSLCertVerificationError
    ):
        return UserError(
            f"{where}: the TLS certificate is not trusted ({exc.reason.verify_message}); "
            "give the CA with --cacert FILE"
        )
    if isinstance(exc, http.client.HTTPException) and not isinstance(exc, ConnectionError):
        return UserError(f"{where}: the server broke the HTTP exchange ({type(exc).__name__})")
    return http_error(url, exc)


def _auth_headers(url: str, method: str, challenge: str | None) -> dict[str, str]:
    auth = credentials(url)
    if not auth:
        return {}
    user, password = auth
    if challenge and challenge.lower().startswith("digest "):
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password)
        handler = urllib.request.HTTPDigestAuthHandler(manager)
        chal = urllib.request.parse_keqv_list(
            [item for item in urllib.request.parse_http_list(challenge[7:]) if item]
        )
        value = handler.get_authorization(urllib.request.Request(url, method=method), chal)
        if value:
            return {"Authorization": f"Digest {value}"}
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def _pause(seconds: float) -> None:
    """The backoff between tries (tests make it instant)."""
    time.sleep(seconds)


class Client:
    """Requests with one-line errors, bounded retries for transient failures, and auth."""

    def __init__(self, http: Http, store: str) -> None:
        self.http = http
        self.store = store
        self._opener: urllib.request.OpenerDirector | None = None
        self._tls = False
        self.challenge: str | None = None  # the server's Digest challenge, once seen

    def _opener_for(self, url: str) -> urllib.request.OpenerDirector:
        """The opener; its TLS context (--cacert, --insecure) only once an https URL needs it:
        reading the CA certificates takes ~50 ms, a third of a small load over http."""
        if self._opener is None or (url.startswith("https:") and not self._tls):
            self._tls = url.startswith("https:")
            handlers = (
                [urllib.request.HTTPSHandler(context=self.http.context())] if self._tls else []
            )
            self._opener = urllib.request.build_opener(*handlers)
        return self._opener

    def prime(self, url: str) -> None:
        """Ask (HEAD) whether ``url`` wants Digest auth, before streaming a body to it."""
        if credentials(url) is None or self.challenge is not None:
            return
        try:
            self._once("HEAD", url, None, {}, None, None)
        except urllib.error.HTTPError as exc:
            offered = exc.headers.get("WWW-Authenticate", "") if exc.headers else ""
            if exc.code == 401 and offered.lower().startswith("digest"):
                self.challenge = offered
            exc.close()
        except (urllib.error.URLError, OSError, http.client.HTTPException):
            pass  # the real request will say what is wrong

    def request(
        self,
        method: str,
        url: str,
        body: Body,
        headers: dict[str, str],
        kind: str,
        size: int | None = None,
    ) -> bytes:
        attempt = 0
        answered = False
        while True:
            error: BaseException
            try:
                return self._once(method, url, body, headers, size, self.challenge)
            except urllib.error.HTTPError as exc:
                offered = exc.headers.get("WWW-Authenticate", "") if exc.headers else ""
                if exc.code == 401 and not answered and offered.lower().startswith("digest"):
                    self.challenge = offered  # answer a Digest challenge (Virtuoso's -auth)
                    answered = True
                    exc.close()
                    continue
                error = exc
            except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
                error = exc
            attempt += 1
            if not _transient(error) or attempt >= self.http.tries:
                raise failure(url, error, self.store, kind) from error
            if isinstance(error, urllib.error.HTTPError):
                error.close()
            _pause(self.http.backoff * 2 ** (attempt - 1))

    def _once(
        self,
        method: str,
        url: str,
        body: Body,
        headers: dict[str, str],
        size: int | None,
        challenge: str | None,
    ) -> bytes:
        data: bytes | Iterator[bytes] | None = body() if callable(body) else body
        all_headers = {**headers, **_auth_headers(url, method, challenge)}
        if size is not None:
            all_headers["Content-Length"] = str(size)
        request = urllib.request.Request(url, data=data, headers=all_headers, method=method)
        with self._opener_for(url).open(request, timeout=self.http.timeout) as answer:
            payload: bytes = answer.read()
            return payload


def _stream(path: Path, progress: Progress | None) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
                if progress is not None:
                    progress(len(chunk))

    return chunks


# --- loading ------------------------------------------------------------------------------


class LoadResult(NamedTuple):
    graph: str | None  # None: the default graph
    sent: int
    before: int | None  # the count before an --append
    counted: int
    method: str
    url: str
    replace: bool

    @property
    def graph_label(self) -> str:
        return f"<{self.graph}>" if self.graph else "the default graph"


def _gsp_url(base: str, graph: str | None) -> str:
    join = "&" if urllib.parse.urlsplit(base).query else "?"
    if graph is None:
        return f"{base}{join}default"
    return f"{base}{join}graph={urllib.parse.quote(graph, safe='')}"


def count_query(graph: str | None, store: str) -> str:
    if graph is not None:
        return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    if store == "graphdb":
        return f"SELECT (COUNT(*) AS ?n) FROM <{RDF4J_NIL}> WHERE {{ ?s ?p ?o }}"
    return "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count_triples(client: Client, target: Target, graph: str | None) -> int:
    """The number of triples in the graph, by a SPARQL query on the store."""
    body = urllib.parse.urlencode({"query": count_query(graph, target.store)}).encode("ascii")
    raw = client.request(
        "POST",
        target.query_url,
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json",
        },
        "SPARQL query",
    )
    try:
        doc = json.loads(raw)
        value = doc["results"]["bindings"][0]["n"]["value"]
        return int(value)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise UserError(
            f"{public_url(target.query_url)}: the answer to the count query is not SPARQL JSON "
            "results; is this the query endpoint? check --store or --query-url"
        ) from exc


def _update_batches(
    payload: Payload, graph: str | None, replace: bool, batch_size: int
) -> Iterator[tuple[str, int]]:
    """SPARQL Update requests, INSERT DATA of at most ``batch_size`` triples each, and the
    bytes of the file each one covers.

    With ``replace`` the first request also drops the graph, so a graph that fits in one
    batch is replaced atomically; a bigger one is not (use the Graph Store Protocol).
    """
    target = f"GRAPH <{graph}>" if graph else ""
    drop = (f"DROP SILENT GRAPH <{graph}>" if graph else "DROP SILENT DEFAULT") + " ;\n"
    first = True
    lines: list[str] = []

    def render(batch: list[str]) -> str:
        nonlocal first
        inner = "".join(batch)
        block = f"{target} {{\n{inner}}}" if target else inner
        text = f"{drop if first and replace else ''}INSERT DATA {{\n{block}\n}}\n"
        first = False
        return text

    consumed = 0
    with payload.path.open(encoding="utf-8") as handle:
        for line in handle:
            consumed += len(line.encode("utf-8"))
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            lines.append(stripped + "\n")
            if len(lines) >= batch_size:
                yield render(lines), consumed
                lines, consumed = [], 0
    if lines or first:
        yield render(lines), consumed


def check_plan(target: Target, graph: str | None, protocol: str, batch_size: int) -> bool:
    """Check the options before any work; True to use the Graph Store Protocol."""
    if graph is not None:
        check_graph_iri(graph)
    if graph is None and target.store == "virtuoso":
        raise UserError(
            "Virtuoso has no separate default graph (its queries see all graphs); load into a "
            "named graph with --graph IRI"
        )
    if protocol not in PROTOCOLS:
        raise UserError(f"--protocol {protocol!r}: choose one of {', '.join(PROTOCOLS)}")
    use_gsp = protocol == "gsp" or (protocol == "auto" and target.gsp_url is not None)
    if use_gsp and target.gsp_url is None:
        raise UserError("--protocol gsp needs a Graph Store URL: choose --store or give --gsp-url")
    if not use_gsp and target.update_url is None:
        raise UserError("--protocol update needs a SPARQL Update URL: give --update-url")
    if batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    return use_gsp


def load(
    payload: Payload,
    target: Target,
    graph: str | None,
    *,
    replace: bool = True,
    protocol: str = "auto",
    batch_size: int = 10_000,
    http: Http | None = None,
    progress: Progress | None = None,
    client: Client | None = None,
) -> LoadResult:
    """Send ``payload`` into ``graph`` (None: the default graph) and count what the store holds.

    Raises ``CountMismatch`` (exit 1) when the store's count is not what was sent: with
    ``replace`` the count must equal the triples sent; with append it must lie between
    max(before, sent) and before + sent.
    """
    use_gsp = check_plan(target, graph, protocol, batch_size)
    client = client or Client(http or Http(), target.store)

    before = None if replace else count_triples(client, target, graph)
    if use_gsp:
        assert target.gsp_url is not None
        url = _gsp_url(target.gsp_url, graph)
        method = "PUT" if replace else "POST"
        client.prime(url)
        client.request(
            method,
            url,
            _stream(payload.path, progress),
            {"Content-Type": NTRIPLES},
            "Graph Store",
            size=payload.size,
        )
    else:
        assert target.update_url is not None
        url = target.update_url
        method = "INSERT DATA"
        for text, covered in _update_batches(payload, graph, replace, batch_size):
            # no charset parameter: Fuseki answers 400 to one (rdflib #2420)
            client.request(
                "POST",
                url,
                text.encode("utf-8"),
                {"Content-Type": "application/sparql-update"},
                "SPARQL Update",
            )
            if progress is not None:
                progress(covered)
    counted = count_triples(client, target, graph)
    result = LoadResult(graph, payload.triples, before, counted, method, url, replace)
    _verify(result, target)
    return result


def _verify(result: LoadResult, target: Target) -> None:
    where = public_url(target.query_url)
    if result.before is None:
        if result.counted != result.sent:
            hint = (
                "; a union default graph counts every graph: load with --graph IRI"
                if result.graph is None
                else "; check the server log"
            )
            raise CountMismatch(
                f"{where}: sent {result.sent} triples but the store counts {result.counted} in "
                f"{result.graph_label}{hint}"
            )
        return
    low, high = max(result.before, result.sent), result.before + result.sent
    if not low <= result.counted <= high:
        raise CountMismatch(
            f"{where}: {result.graph_label} held {result.before} triples, {result.sent} were "
            f"appended, and the store now counts {result.counted} (expected {low}..{high})"
        )
