"""ipbes-kg show: one entity's record — types, zh and en labels, properties, incoming links
and provenance with each quote under its own paragraph."""

import click
from click.shell_completion import CompletionItem

from ipbes_kg.cli._home import graph_of
from ipbes_kg.cli.query import curies
from ipbes_kg.explore.render import SHOW_FORMATS, entity_text
from ipbes_kg.query.params import LANGS
from ipbes_kg.query.table import terminal_width


def complete_entity(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """CURIEs of the graph's entities that start with what has been typed."""
    return [CompletionItem(c) for c in curies(ctx, incomplete)]


@click.command("show")
@click.argument("entity", shell_complete=complete_entity)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(SHOW_FORMATS),
    default="table",
    show_default=True,
    help="table for people; json for scripts; ttl for the entity's triples (out and in).",
)
@click.option("--json", "as_json", is_flag=True, help="Short for --format json.")
@click.option("--lang", type=click.Choice(LANGS), help="Labels in this language only.")
@click.option("--width", type=click.IntRange(min=0), help="Table width (0: no limit).")
@click.pass_context
def show_command(
    ctx: click.Context, entity: str, fmt: str, as_json: bool, lang: str | None, width: int | None
) -> None:
    """Show everything the graph says about ENTITY: a CURIE (tsu:ilk), an IRI, or a name
    that 'ipbes-kg search' finds exactly one entity for (洪堡, IPBES/7/INF/5).

    Types; zh and en labels side by side; every property, IRI values with their labels;
    the links that point here; and provenance: each paragraph of IPBES/7/2 the entity comes
    from, with the verbatim quote(s) found in that paragraph's text.
    """
    record = graph_of(ctx).entity(entity)
    fmt = "json" if as_json else fmt
    click.echo(entity_text(record, fmt, lang, terminal_width(width)), nl=False)
