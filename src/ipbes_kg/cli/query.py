"""ipbes-kg query / queries: canned or ad-hoc SPARQL, in-process or on an endpoint."""

import json
import warnings
from typing import TYPE_CHECKING

import click
import pyoxigraph as ox
from click.shell_completion import CompletionItem

from ipbes_kg.cli._home import graph_of
from ipbes_kg.errors import UserError
from ipbes_kg.query.formats import FORMATS
from ipbes_kg.query.params import LANGS, UnknownEntityWarning, parse_params
from ipbes_kg.query.table import terminal_width

if TYPE_CHECKING:
    from ipbes_kg.api import KnowledgeGraph
    from ipbes_kg.query.catalog import CannedQuery


# Shell completion (click's): query names, parameter names, CURIEs. Each reads the graph the
# command would read (--home / $IPBES_KG_HOME / the checkout you stand in).
def _graph_for_completion(ctx: click.Context) -> "KnowledgeGraph":
    from ipbes_kg.api import KnowledgeGraph

    return KnowledgeGraph(ctx.find_root().params.get("home_path"))


def curies(ctx: click.Context, incomplete: str) -> list[str]:
    """CURIEs of the graph's typed entities that start with ``incomplete``."""
    from ipbes_kg.explore.search import RDF_TYPE, RECORDS
    from ipbes_kg.rdf.names import curie

    store = _graph_for_completion(ctx).store
    found = {
        curie(q.subject.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None)
        if isinstance(q.subject, ox.NamedNode) and getattr(q.object, "value", "") not in RECORDS
    }
    return sorted(c for c in found if c.startswith(incomplete) and not c.startswith("<"))


def complete_query_name(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return [
        CompletionItem(q.name, help=q.summary)
        for q in _graph_for_completion(ctx).queries()
        if q.name.startswith(incomplete)
    ]


def complete_param(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """NAME= from the query named on the line; after NAME=, CURIEs for IRI parameters."""
    # with "-p" still open click leaves the query name unparsed, in ctx.args
    name = ctx.params.get("name") or next(iter(ctx.args), None)
    if not name:
        return []
    try:
        canned = _graph_for_completion(ctx).prepare(name)
    except UserError:
        return []
    key, sep, value = incomplete.partition("=")
    if not sep:
        return [
            CompletionItem(f"{p.name}=", help=p.describe())
            for p in canned.parameters
            if p.name.startswith(key)
        ]
    found = canned.parameter(key)
    if found is None:
        return []
    if found.kind == "iri":
        return [CompletionItem(f"{key}={c}") for c in curies(ctx, value)]
    if found.name == "lang":
        return [CompletionItem(f"{key}={lang}") for lang in LANGS if lang.startswith(value)]
    return []


def _query_json(q: "CannedQuery") -> dict[str, object]:
    return {
        "name": q.name,
        "summary": q.summary,
        "description": q.description,
        "tags": q.tags,
        "form": q.form,
        "parameters": [
            {
                "name": p.name,
                "variable": p.variable,
                "type": p.kind,
                "required": p.required,
                "default": p.default,
            }
            for p in q.parameters
        ],
        "sparql": q.text,
    }


@click.command("queries")
@click.argument("name", required=False, shell_complete=complete_query_name)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table for people, json for scripts.",
)
@click.pass_context
def queries_command(ctx: click.Context, name: str | None, fmt: str) -> None:
    """List the canned queries: name, summary and parameters; with NAME, explain that query:
    its description, parameters (type, default), an example command line and its SPARQL."""
    kg = graph_of(ctx)
    if name:
        from ipbes_kg.explore.describe import describe

        canned = kg.prepare(name)
        if fmt == "json":
            click.echo(json.dumps(_query_json(canned), indent=2, ensure_ascii=False))
        else:
            click.echo(describe(canned, kg.store), nl=False)
        return
    items = kg.queries()
    if fmt == "json":
        doc = [_query_json(q) for q in items]
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    width = max((len(q.name) for q in items), default=0)
    for q in items:
        click.echo(f"{q.name.ljust(width)}  {q.summary}")
        if q.parameters:
            click.echo(f"{'':{width}}    parameters: {q.signature()}")


@click.command("query")
@click.argument("name", shell_complete=complete_query_name)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    shell_complete=complete_param,
    metavar="NAME=VALUE",
    help="Bind a query parameter (repeatable). IRIs may be CURIEs such as tsu:ilk.",
)
@click.option(
    "--endpoint",
    "-e",
    metavar="URL",
    help="Run on this SPARQL 1.1 query endpoint instead of in-process. "
    "Credentials: IPBES_KG_USER/IPBES_KG_PASSWORD or ~/.netrc.",
)
@click.option(
    "--graph",
    "-g",
    metavar="IRI",
    help="With --endpoint: query this named graph as the default graph (default-graph-uri), "
    "e.g. the graph given to 'ipbes-kg load --graph'.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for the endpoint.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table/md for people; csv, tsv, json, xml (SPARQL 1.1 results) for scripts; ttl for CONSTRUCT.",
)
@click.option("--csv", "as_csv", is_flag=True, help="Short for --format csv.")
@click.option("--json", "as_json", is_flag=True, help="Short for --format json.")
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    help="Language of labels (sets the 'lang' parameter; own queries' ?__lang too, default en).",
)
@click.option(
    "--width",
    type=click.IntRange(min=0),
    help="Table width: long cells wrap within their column. Default: the terminal's width, "
    "or no limit when output is piped; 0 for no limit.",
)
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    endpoint: str | None,
    graph: str | None,
    timeout: float,
    fmt: str,
    as_csv: bool,
    as_json: bool,
    lang: str | None,
    width: int | None,
) -> None:
    """Run the canned query NAME (see 'ipbes-kg queries') or a .rq FILE.

    Read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, …) are refused with exit 2.
    Without --endpoint the query runs in-process over the packaged graph.

    An own .rq FILE may use the project's prefixes (tsu:, ipbes:, rdfs:, …) without declaring
    them (a PREFIX it declares wins), and ?__lang, set by --lang (default en). An IRI
    parameter that names nothing in the graph gives a warning on stderr.
    """
    if graph is not None and not endpoint:
        raise UserError("--graph needs --endpoint (the packaged graph has no named graphs)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UnknownEntityWarning)
        answer = graph_of(ctx).query(
            name,
            lang,
            params=parse_params(params),
            endpoint=endpoint,
            graph=graph,
            timeout=timeout,
        )
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    fmt = "csv" if as_csv else "json" if as_json else fmt
    try:
        text = answer.serialize(fmt, terminal_width(width))
    except ValueError as exc:
        raise UserError(f"{answer.query.name}: {exc}") from exc
    click.echo(text, nl=False)
