"""ipbes-kg validate: the SHACL gate for CI."""

from pathlib import Path

import click

from ipbes_kg.cli._home import graph_of
from ipbes_kg.validate.formats import FORMATS

ENGINES = (
    "turbo",
    "pyshacl",
)  # = ipbes_kg.validate.engine.ENGINES (tested); that module imports rdflib


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--shapes",
    "extra_shapes",
    multiple=True,
    type=click.Path(path_type=Path),
    help="More shapes files or folders, added to the packaged shapes (repeatable).",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for a terminal, json for scripts, turtle (the SHACL report), junit for CI "
    "dashboards, github for workflow annotations.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning", "info"]),
    default="violation",
    show_default=True,
    help="Lowest severity that makes the command exit 1.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=ENGINES[0],
    show_default=True,
    help="turbo: pyshacl-turbo, a Rust SHACL engine (fast); pyshacl: the reference engine. "
    "Both read the same strictly parsed triples and give the same results (tested).",
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    extra_shapes: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    engine: str,
) -> None:
    """Validate Turtle files against the SHACL shapes.

    PATHS are Turtle files or folders of them; default: the packaged vocabulary and data.
    Given PATHS are validated together with the packaged vocabulary (its class hierarchy and
    code lists are what the shapes refer to), unless they include those files themselves.
    Each result names the focus node, path, value, message, severity and the file:line where
    the focus node is written. Nothing is fetched from the network.

    Exit codes: 0 conforms, 1 results at or above --fail-on, 2 input error.
    """
    from ipbes_kg.validate.formats import render

    report = graph_of(ctx).validate(paths, shapes=extra_shapes, engine=engine)
    click.echo(render(report, fmt, fail_on), nl=False)
    if report.at_or_above(fail_on):
        ctx.exit(1)
