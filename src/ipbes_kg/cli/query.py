"""ipbes-kg query / queries: canned or ad-hoc SPARQL, in-process or on an endpoint."""

import json

import click

from ipbes_kg.cli._home import graph_of
from ipbes_kg.errors import UserError
from ipbes_kg.query.formats import FORMATS
from ipbes_kg.query.params import LANGS, parse_params


@click.command("queries")
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
def queries_command(ctx: click.Context, fmt: str) -> None:
    """List the canned queries: name, summary and parameters."""
    items = graph_of(ctx).queries()
    if fmt == "json":
        doc = [
            {
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
            }
            for q in items
        ]
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    width = max((len(q.name) for q in items), default=0)
    for q in items:
        click.echo(f"{q.name.ljust(width)}  {q.summary}")
        if q.parameters:
            click.echo(f"{'':{width}}    parameters: {q.signature()}")


@click.command("query")
@click.argument("name")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
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
    help="table/md for people; csv, tsv, json (SPARQL 1.1 results) for scripts; ttl for CONSTRUCT.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    help="Language of labels (sets the 'lang' parameter).",
)
@click.option("--width", type=click.IntRange(min=20), help="Table width (default: the terminal's).")
@click.pass_context
def query_command(
    ctx: click.Context,
    name: str,
    params: tuple[str, ...],
    endpoint: str | None,
    graph: str | None,
    timeout: float,
    fmt: str,
    lang: str | None,
    width: int | None,
) -> None:
    """Run the canned query NAME (see 'ipbes-kg queries') or a .rq FILE.

    Read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, …) are refused with exit 2.
    Without --endpoint the query runs in-process over the packaged graph.
    """
    if graph is not None and not endpoint:
        raise UserError("--graph needs --endpoint (the packaged graph has no named graphs)")
    answer = graph_of(ctx).query(
        name, lang, params=parse_params(params), endpoint=endpoint, graph=graph, timeout=timeout
    )
    try:
        text = answer.serialize(fmt, width)
    except ValueError as exc:
        raise UserError(f"{answer.query.name}: {exc}") from exc
    click.echo(text, nl=False)
