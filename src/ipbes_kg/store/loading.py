"""Loading the graph into a SPARQL 1.1 store: send, swap in atomically where the store allows,
and count what the store holds.

How a replace is made atomic, store by store (measured with a concurrent reader, see
tests/test_stores.py and docs/LOADING.md):

- Oxigraph, Fuseki, GraphDB: one Graph Store ``PUT`` replaces the graph in one transaction.
- Virtuoso 7.2: its ``PUT`` is not atomic (a reader saw 0 triples 69 times in 173 reads
  during 6 replaces), so the triples go into a staging graph first, are counted there, and one
  SPARQL Update ``MOVE`` puts them in place. Virtuoso does not isolate readers from the
  ``MOVE`` either (a handful of partial counts in ~3,000 reads), so the result carries a
  warning.
- ``--protocol update``: one request when the graph fits in one batch (``DROP`` + ``INSERT
  DATA``); otherwise the batches fill a staging graph and one ``MOVE`` swaps it in.
- Without an update endpoint a multi-step replace cannot be atomic: the result carries a
  warning. ``--append`` adds in place and is never atomic.
"""

import contextlib
import tempfile
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from ipbes_kg.errors import EXIT_FAILED, UserError
from ipbes_kg.home import Home, expand_paths, find_home
from ipbes_kg.http import Client, Progress, Settings, public_url
from ipbes_kg.store import gsp
from ipbes_kg.store.payload import Payload, file_payload, packaged_payload
from ipbes_kg.store.target import Target, check_graph_iri, resolve_target

PROTOCOLS = ("auto", "gsp", "update")
DEFAULT_BATCH = 10_000
# Virtuoso 7.2 rejects an INSERT DATA of 3,000 or more triples (SP030/SP031); 1,000 works.
BATCH_FOR = {"virtuoso": 1_000}
STAGING_BASE = "urn:ipbes-kg:staging:"


class CountMismatch(UserError):
    """The load ran, but the store does not hold what was sent."""

    exit_code = EXIT_FAILED


class LoadResult(NamedTuple):
    graph: str | None  # None: the default graph
    sent: int
    before: int | None  # the count before an --append
    counted: int
    method: str
    url: str
    replace: bool
    warnings: tuple[str, ...] = ()

    @property
    def graph_label(self) -> str:
        return f"<{self.graph}>" if self.graph else "the default graph"

    def summary(self) -> str:
        mode = "replaced" if self.replace else "appended to"
        return (
            f"{mode} {self.graph_label} at {public_url(self.url)} ({self.method}): "
            f"sent {self.sent} triples; the store counts {self.counted}"
        )


class Plan(NamedTuple):
    use_gsp: bool
    batch_size: int


def check_plan(
    target: Target, graph: str | None, protocol: str, batch_size: int | None = None
) -> Plan:
    """Check the options before any work: which protocol, how many triples per batch."""
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
    size = batch_size if batch_size is not None else BATCH_FOR.get(target.store, DEFAULT_BATCH)
    if size < 1:
        raise UserError("--batch-size must be at least 1")
    return Plan(use_gsp, size)


def load(
    endpoint: str | None = None,
    files: Sequence[Path | str] = (),
    *,
    home: Home | None = None,
    store: str = "oxigraph",
    graph: str | None = None,
    replace: bool = True,
    protocol: str = "auto",
    batch_size: int | None = None,
    dataset: str | None = None,
    repository: str | None = None,
    gsp_url: str | None = None,
    query_url: str | None = None,
    update_url: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int], Callable[[int], None] | None] | None = None,
) -> LoadResult:
    """Load ``files`` (or, without files, the graph of ``home``, by default the packaged one)
    into ``graph`` of the store at ``endpoint`` and check the store's count. ``progress(total_bytes)`` may return a
    callback that is told the bytes sent."""
    target = resolve_target(store, endpoint, dataset, repository, gsp_url, query_url, update_url)
    check_plan(target, graph, protocol, batch_size)
    with tempfile.TemporaryDirectory(prefix="ipbes-kg-load-") as work:
        workdir = Path(work)
        if files:
            payload = file_payload(expand_paths(files), workdir)
        else:
            payload = packaged_payload(home or find_home(), workdir)
        told = progress(payload.size) if progress is not None else None
        return load_payload(
            payload,
            target,
            graph,
            replace=replace,
            protocol=protocol,
            batch_size=batch_size,
            settings=settings,
            progress=told,
        )


def load_payload(
    payload: Payload,
    target: Target,
    graph: str | None,
    *,
    replace: bool = True,
    protocol: str = "auto",
    batch_size: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    client: Client | None = None,
) -> LoadResult:
    """Send ``payload`` into ``graph`` (None: the default graph) and count what the store holds.

    Raises ``CountMismatch`` (exit 1) when the store's count is not what was sent: with
    ``replace`` the count must equal the triples sent; with append it must lie between
    max(before, sent) and before + sent.
    """
    plan = check_plan(target, graph, protocol, batch_size)
    own = client is None
    client = client or Client(settings or Settings(), target.store)
    try:
        return _load(client, payload, target, graph, replace, plan, progress)
    finally:
        if own:
            client.close()


def _staged(target: Target, plan: Plan, payload: Payload) -> bool:
    """Whether a replace goes through a staging graph and a MOVE."""
    if target.update_url is None:
        return False
    if plan.use_gsp:
        return target.store == "virtuoso"
    return _lines(payload) > plan.batch_size


def _lines(payload: Payload) -> int:
    return payload.triples  # one triple a line in the payload file


def _load(
    client: Client,
    payload: Payload,
    target: Target,
    graph: str | None,
    replace: bool,
    plan: Plan,
    progress: Progress | None,
) -> LoadResult:
    warnings: list[str] = []
    before = None if replace else gsp.count_triples(client, target, graph)
    staged = replace and _staged(target, plan, payload)
    into = f"{STAGING_BASE}{uuid.uuid4()}" if staged else graph
    if (
        replace
        and not staged
        and (target.store == "virtuoso" or (not plan.use_gsp and _lines(payload) > plan.batch_size))
    ):
        warnings.append(
            f"the replace of {_label(graph)} is not atomic here (no SPARQL Update URL for a "
            "staging graph): readers may see a partial graph while it loads"
        )
    if replace and target.store == "virtuoso":
        warnings.append(
            "Virtuoso 7.2 does not isolate readers from a replace: the new graph was staged and "
            "put in place with one MOVE, but a query running during the MOVE may see part of "
            "the graph (docs/LOADING.md)"
        )
    try:
        if plan.use_gsp:
            assert target.gsp_url is not None
            url = gsp.gsp_url(target.gsp_url, into)
            method = "PUT" if replace else "POST"
            gsp.send_graph(client, url, payload.path, replace, progress)
        else:
            assert target.update_url is not None
            url, method = target.update_url, "INSERT DATA"
            gsp.send_batches(
                client,
                target,
                payload.path,
                into,
                plan.batch_size,
                replace and not staged,
                progress,
            )
        if staged:
            assert into is not None
            staged_count = gsp.count_triples(client, target, into)
            if staged_count != payload.triples:
                raise CountMismatch(
                    f"{public_url(target.query_url)}: sent {payload.triples} triples but the "
                    f"store counts {staged_count} in the staging graph; {_label(graph)} was "
                    "left as it was"
                )
            gsp.swap(client, target, into, graph)
            method += " into a staging graph, then MOVE"
            if plan.use_gsp:
                assert target.gsp_url is not None
                url = gsp.gsp_url(target.gsp_url, graph)
            into = None
    finally:
        if staged and into is not None:
            with contextlib.suppress(UserError):  # the error that got us here is the one to report
                gsp.drop(client, target, into)
    counted = gsp.count_triples(client, target, graph)
    result = LoadResult(
        graph, payload.triples, before, counted, method, url, replace, tuple(warnings)
    )
    _verify(result, target)
    return result


def _label(graph: str | None) -> str:
    return f"<{graph}>" if graph else "the default graph"


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
