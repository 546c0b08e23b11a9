"""ipbes-kg fmt: the canonical Turtle layout."""

from pathlib import Path

import click

from ipbes_kg.cli._home import home_of


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Only report files that are not formatted; exit 1 if any."
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print a unified diff of each change instead of writing it (with --check: and exit 1).",
)
@click.pass_context
def fmt_command(ctx: click.Context, paths: tuple[Path, ...], check: bool, show_diff: bool) -> None:
    """Rewrite Turtle files in the canonical layout (rdflib longturtle, project prefixes).

    PATHS are files or folders; default: the data files of the checkout (--home). The
    vocabulary and shapes are hand-laid source files and are not reformatted by default.
    Nothing is lost: a header comment is kept; a file with a comment among its statements is
    refused (exit 2, naming the line) and no file is written; every output is re-read and must
    hold the same triples.
    """
    from ipbes_kg.home import expand_paths
    from ipbes_kg.release.fmt import format_files

    if paths:
        files = expand_paths(paths)
    else:
        home = home_of(ctx)
        files = home.data_files()
    results = format_files(files, check=check or show_diff)
    changed = [r for r in results if r.changed]
    for result in changed:
        if show_diff:
            click.echo(result.diff, nl=False)
        else:
            click.echo(f"{'would reformat' if check else 'reformatted'} {result.path}")
    if check and changed:
        ctx.exit(1)
