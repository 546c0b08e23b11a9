"""ipbes-kg fmt: the canonical Turtle layout."""

from pathlib import Path

import click

from ipbes_kg.cli._home import home_of


@click.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Only report files that are not formatted; exit 1 if any."
)
@click.pass_context
def fmt_command(ctx: click.Context, paths: tuple[Path, ...], check: bool) -> None:
    """Rewrite Turtle files in the canonical layout (rdflib longturtle, project prefixes).

    PATHS are files or folders; default: the data files of the checkout (--home). The
    vocabulary and shapes are hand-laid source files and are not reformatted by default.
    """
    from ipbes_kg.home import expand_paths
    from ipbes_kg.release.fmt import format_files

    if paths:
        files = expand_paths(paths)
    else:
        home = home_of(ctx)
        files = home.data_files()
    results = format_files(files, check=check)
    changed = [r.path for r in results if r.changed]
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {path}")
    if check and changed:
        ctx.exit(1)
