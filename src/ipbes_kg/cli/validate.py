"""ipbes-kg validate: the SHACL gate for CI."""

from pathlib import Path

import click

from ipbes_kg.cli._home import home_of
from ipbes_kg.cli.progress import Progress
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
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File of accepted results with their reasons (default: ontology/accepted-results.json "
    "of the graph, when present). Accepted results are shown but never fail the gate.",
)
@click.option("--no-baseline", is_flag=True, help="Accept nothing: every result counts.")
@click.option(
    "--update-baseline",
    is_flag=True,
    help="Rewrite the baseline from the current warnings and infos (reasons kept; new entries "
    "get a TODO reason) and the README table; whole graph only.",
)
@click.pass_context
def validate_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    extra_shapes: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    engine: str,
    baseline: Path | None,
    no_baseline: bool,
    update_baseline: bool,
) -> None:
    """Validate Turtle files against the SHACL shapes.

    PATHS are Turtle files or folders of them; default: the whole graph (vocabulary and data)
    of the checkout you stand in, else the packaged one. Files of the graph (under data/ or
    ontology/) are validated in context: the whole graph with these files in place, reporting
    only the entities written in them (what pre-commit needs). Other files are validated with
    the vocabulary. Each result names the focus node, path, value, message, severity and the
    file:line:column of the offending statement. Nothing is fetched from the network.

    Exit codes: 0 conforms, 1 results at or above --fail-on not accepted by the baseline,
    2 input error (a syntax error is also written in the chosen --format), 130 interrupted.
    """
    from ipbes_kg.errors import UserError
    from ipbes_kg.validate import baseline as baselines
    from ipbes_kg.validate.formats import render
    from ipbes_kg.validate.gate import baseline_of, error_report, validate_home

    home = home_of(ctx)
    if update_baseline and (paths or no_baseline):
        raise click.UsageError(
            "--update-baseline validates the whole graph: drop PATHS and --no-baseline"
        )
    chosen: Path | bool | None = False if no_baseline else (baseline or True)
    try:
        with Progress("validate") as progress:
            report = validate_home(
                home, paths, extra_shapes, engine, baseline=chosen, progress=progress
            )
    except UserError as exc:
        failed = error_report(exc) if fmt in ("json", "github", "junit") else None
        if failed is not None:
            click.echo(render(failed, fmt, fail_on), nl=False)
        raise
    if update_baseline:
        target = baseline or baseline_of(home) or home.ontology / baselines.FILE_NAME
        entries, new, removed = baselines.write(target, report)
        readme = baselines.update_readme(home.root / "README.md", target)
        click.echo(
            f"ipbes-kg: {target}: {entries} accepted results ({new} new, need a reason; "
            f"{removed} removed){'; README.md table updated' if readme else ''}",
            err=True,
        )
        report = validate_home(home, (), extra_shapes, engine, baseline=target)
    click.echo(render(report, fmt, fail_on), nl=False)
    if report.at_or_above(fail_on):
        ctx.exit(1)
