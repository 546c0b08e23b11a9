"""The ``ipbes-kg`` command: thin click wrappers over the library modules.

Exit codes: 0 success, 1 the command ran and found problems (validation results at or above
--fail-on, a load whose count does not match), 2 bad input (file, option, parameter, query,
endpoint), 3 internal error (a bug; rerun with --debug for the traceback).
"""

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ipbes_kg import __version__
from ipbes_kg.errors import EXIT_INTERNAL, EXIT_USAGE, UserError
from ipbes_kg.resources import HOME_ENV, Home, find_home


class Cli(click.Group):
    """A click group that turns every failure into one line on stderr and an exit code."""

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        extra["standalone_mode"] = False
        try:
            code = super().main(argv, prog_name or "ipbes-kg", **extra)
        except click.exceptions.Abort:
            _fail("aborted", 130)
        except click.ClickException as exc:
            _fail(exc.format_message(), EXIT_USAGE)
        except UserError as exc:
            _fail(exc.message, exc.exit_code)
        except Exception as exc:
            if "--debug" in argv:
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)",
                EXIT_INTERNAL,
            )
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(code)


def _home(ctx: click.Context) -> Home:
    home: Home = ctx.ensure_object(dict).setdefault("home", find_home(ctx.obj.get("home_path")))
    return home


@click.group("ipbes-kg", cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ipbes-kg")
@click.option(
    "--home",
    "home_path",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=HOME_ENV,
    help=f"Folder with ontology/, data/ and queries/ (a checkout) instead of the packaged copy. Env: {HOME_ENV}.",
)
@click.option("--debug", is_flag=True, help="Show Python tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, home_path: Path | None, debug: bool) -> None:
    """Query, validate, format and load the IPBES/7/2 knowledge graph.

    The vocabulary, data, shapes and canned queries ship with the package; nothing needs a
    server. Exit codes: 0 ok, 1 problems found, 2 bad input, 3 internal error.
    """
    ctx.ensure_object(dict)["home_path"] = home_path


@cli.command("queries")
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
    from ipbes_kg.catalog import list_queries

    items = list_queries(_home(ctx).queries)
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


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UserError(f"--param {item!r}: write NAME=VALUE")
        pairs[name.strip()] = value
    return pairs


@cli.command("query")
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
    type=click.Choice(["table", "csv", "tsv", "json", "md", "ttl"]),
    default="table",
    show_default=True,
    help="table/md for people; csv, tsv, json (SPARQL 1.1 results) for scripts; ttl for CONSTRUCT.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    help="Language of labels (sets the 'lang' parameter).",
)
@click.option("--width", type=click.IntRange(min=20), help="Table width (default: the terminal's).")
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
    from ipbes_kg import catalog, query
    from ipbes_kg.results import render

    home = _home(ctx)
    canned = catalog.resolve(name, home.queries)
    given = _pairs(params)
    if lang and canned.parameter("lang") is not None:
        given.setdefault("lang", lang)
    bindings = query.bind(canned, given)
    if endpoint:
        from ipbes_kg.endpoint import run_remote

        result = run_remote(canned, bindings, endpoint, timeout)
    else:
        result = query.run_embedded(canned, bindings, query.load_store(home.graph_files()))
    try:
        text = render(result, fmt, width)
    except ValueError as exc:
        raise UserError(f"{canned.name}: {exc}") from exc
    click.echo(text, nl=False)


@cli.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--check", is_flag=True, help="Only report files that are not formatted; exit 1 if any."
)
@click.pass_context
def fmt_command(ctx: click.Context, paths: tuple[Path, ...], check: bool) -> None:
    """Rewrite Turtle files in the canonical layout (rdflib longturtle, project prefixes).

    PATHS are files or folders; default: the vocabulary and data of the checkout (--home).
    """
    from ipbes_kg.fmt import format_files
    from ipbes_kg.graph import expand_paths

    if paths:
        files = expand_paths(paths)
    else:
        home = _home(ctx)
        files = [*home.vocabulary_files(), *home.shapes_files(), *home.data_files()]
    results = format_files(files, check=check)
    changed = [r.path for r in results if r.changed]
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {path}")
    if check and changed:
        ctx.exit(1)


def main() -> NoReturn:
    cli.main()
