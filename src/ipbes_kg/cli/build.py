"""ipbes-kg build: the release artefacts."""

from pathlib import Path

import click

from ipbes_kg.cli._home import graph_of


@click.command("build")
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Folder for the artefacts (created if needed).",
)
@click.pass_context
def build_command(ctx: click.Context, out: Path) -> None:
    """Write the release artefacts of the graph (vocabulary + data) into --out.

    Turtle (longturtle), sorted N-Triples, JSON-LD with context.jsonld, TriG with one named
    graph per part (vocabulary, data, shapes), the SHACL shapes on their own, a VoID + DCAT
    description (void.ttl) and SHA256SUMS. Two builds of the same input are byte-identical;
    files whose content is unchanged are not rewritten.
    """
    result = graph_of(ctx).build(out)
    for artefact in result.artefacts:
        state = "wrote    " if artefact.changed else "unchanged"
        click.echo(f"{state} {artefact.path}  ({artefact.size} bytes)")
    for path in result.removed:
        click.echo(f"removed   {path}")
    click.echo(f"{result.triples} triples in the graph (vocabulary + data)")
