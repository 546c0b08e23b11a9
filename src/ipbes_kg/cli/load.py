"""ipbes-kg load: the graph into any SPARQL 1.1 triple store, verified and atomic."""

import sys
from collections.abc import Callable
from pathlib import Path

import click

from ipbes_kg.cli._home import home_of
from ipbes_kg.errors import UserError
from ipbes_kg.store.loading import PROTOCOLS
from ipbes_kg.store.target import STORES


@click.command("load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--endpoint",
    "-e",
    metavar="URL",
    help="The store's base URL, e.g. http://localhost:7878 (Oxigraph), http://localhost:3030 "
    "(Fuseki), http://localhost:7200 (GraphDB), http://localhost:8890 (Virtuoso).",
)
@click.option(
    "--store",
    type=click.Choice(STORES),
    default="oxigraph",
    show_default=True,
    help="Which server: sets the Graph Store, query and update paths under --endpoint.",
)
@click.option("--dataset", metavar="NAME", help="Fuseki dataset name (/NAME/data).")
@click.option("--repository", metavar="ID", help="GraphDB repository id.")
@click.option("--gsp-url", metavar="URL", help="Graph Store Protocol URL (overrides --store).")
@click.option("--query-url", metavar="URL", help="SPARQL query URL (overrides --store).")
@click.option("--update-url", metavar="URL", help="SPARQL Update URL (overrides --store).")
@click.option("--graph", "-g", metavar="IRI", help="Load into this named graph.")
@click.option(
    "--default",
    "default_graph",
    is_flag=True,
    help="Load into the store's default graph (the default when --graph is not given).",
)
@click.option(
    "--replace/--append",
    default=True,
    show_default=True,
    help="Replace the graph in one request (HTTP PUT), or add to it (HTTP POST).",
)
@click.option(
    "--protocol",
    type=click.Choice(PROTOCOLS),
    default="auto",
    show_default=True,
    help="gsp: Graph Store Protocol; update: SPARQL Update INSERT DATA in batches "
    "(for stores without the Graph Store Protocol); auto: gsp when the store has it.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Triples per INSERT DATA request with --protocol update "
    "[default: 10000; 1000 for --store virtuoso].",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=120.0,
    show_default=True,
    help="Seconds to wait for the server on each request.",
)
@click.option(
    "--cacert",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Trust this CA bundle (PEM) for https endpoints.",
)
@click.option("--insecure", is_flag=True, help="Do not verify TLS certificates (testing only).")
@click.pass_context
def load_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    endpoint: str | None,
    store: str,
    dataset: str | None,
    repository: str | None,
    gsp_url: str | None,
    query_url: str | None,
    update_url: str | None,
    graph: str | None,
    default_graph: bool,
    replace: bool,
    protocol: str,
    batch_size: int | None,
    timeout: float,
    cacert: Path | None,
    insecure: bool,
) -> None:
    """Load the graph into a SPARQL 1.1 store and check the store's triple count.

    FILES are N-Triples, Turtle, TriG or N-Quads files or folders of Turtle files (the triples
    of every graph of a TriG go into the one target graph); without FILES the packaged graph
    (vocabulary + data) is loaded. --replace (the default) replaces the graph: one HTTP PUT on
    Oxigraph, Fuseki and GraphDB (atomic there); on Virtuoso a PUT into a staging graph, then
    one SPARQL MOVE (Virtuoso does not isolate readers from it: a warning says so). --append
    sends a POST. Afterwards a SPARQL query counts the triples in the graph; query it with
    'ipbes-kg query NAME --endpoint QUERY-URL --graph IRI'.

    Credentials: IPBES_KG_USER/IPBES_KG_PASSWORD or ~/.netrc, never on the command line.
    Exit codes: 0 loaded and counted, 1 the store's count differs from what was sent,
    2 bad input or the server refused (one line says why).
    """
    from ipbes_kg.http import Settings
    from ipbes_kg.store import load

    if graph is not None and default_graph:
        raise UserError("give either --graph IRI or --default, not both")
    if insecure and cacert is not None:
        raise UserError("give either --cacert or --insecure, not both")
    if insecure:
        click.echo("warning: TLS certificates are not verified (--insecure)", err=True)
    with _Progress() as progress:
        result = load(
            endpoint,
            files,
            home=None if files else home_of(ctx),
            store=store,
            graph=graph,
            replace=replace,
            protocol=protocol,
            batch_size=batch_size,
            dataset=dataset,
            repository=repository,
            gsp_url=gsp_url,
            query_url=query_url,
            update_url=update_url,
            settings=Settings(timeout=timeout, cacert=cacert, insecure=insecure),
            progress=progress.start,
        )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())


class _Progress:
    """A progress bar over the bytes sent, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: object | None = None

    def __enter__(self) -> "_Progress":
        return self

    def start(self, total: int) -> Callable[[int], None] | None:
        if not sys.stderr.isatty():
            return None
        bar = click.progressbar(length=total, label="loading", file=sys.stderr)
        self.bar = bar.__enter__()
        return bar.update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)  # type: ignore[attr-defined]
