"""ipbes-kg search: find entities by a Chinese or English name, a notation or an identifier."""

import click

from ipbes_kg.cli._home import graph_of
from ipbes_kg.explore.render import SEARCH_FORMATS, hits_text
from ipbes_kg.query.table import terminal_width


@click.command("search")
@click.argument("text")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(SEARCH_FORMATS),
    default="table",
    show_default=True,
    help="table for people, json for scripts.",
)
@click.option("--json", "as_json", is_flag=True, help="Short for --format json.")
@click.option(
    "--limit", "-n", type=click.IntRange(min=0), default=20, show_default=True, help="0: all."
)
@click.option("--width", type=click.IntRange(min=0), help="Table width (0: no limit).")
@click.pass_context
def search_command(
    ctx: click.Context, text: str, fmt: str, as_json: bool, limit: int, width: int | None
) -> None:
    """Find entities whose labels (zh or en), alternative labels, notations, identifiers or
    IRI names contain TEXT: exact matches first, then prefix, word start and substring.

    \b
    Examples:
      ipbes-kg search 洪堡
      ipbes-kg search humboldt
      ipbes-kg search '2(b)'
      ipbes-kg search IPBES/7/INF/5

    Exit 1 when nothing matches.
    """
    hits = graph_of(ctx).search(text, limit or None)
    click.echo(hits_text(hits, "json" if as_json else fmt, terminal_width(width)), nl=False)
    if not hits:
        ctx.exit(1)
