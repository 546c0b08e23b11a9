"""ipbes-kg query / queries: canned or ad-hoc SPARQL, in-process or on an endpoint."""

import json
import shutil
import sys

import click

from ipbes_kg.cli._home import graph_of
from ipbes_kg.errors import UserError
from ipbes_kg.query.formats import FORMATS
from ipbes_kg.query.params import LANGS, parse_params


def table_width(width: int | None) -> int | None:
    """The width tables wrap to: --width (0 = none), else the terminal's, else none (piped)."""
    if width is not None:
        return width or None
    if sys.stdout.isatty():
        return shutil.get_terminal_size((120, 24)).columns
    return None


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
    timeout: float,
    fmt: str,
    lang: str | None,
    width: int | None,
) -> None:
    """Run the canned query NAME (see 'ipbes-kg queries') or a .rq FILE.

    Read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, …) are refused with exit 2.
    Without --endpoint the query runs in-process over the packaged graph.
    """
    answer = graph_of(ctx).query(
        name, lang, params=parse_params(params), endpoint=endpoint, timeout=timeout
    )
    try:
        text = answer.serialize(fmt, table_width(width))
    except ValueError as exc:
        raise UserError(f"{answer.query.name}: {exc}") from exc
    click.echo(text, nl=False)
