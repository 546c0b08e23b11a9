"""The ``ipbes-kg`` command: thin click wrappers over the library modules.

Exit codes: 0 success, 1 the command ran and found problems (validation results at or above
--fail-on, a load whose count does not match), 2 bad input (file, option, parameter, query,
endpoint), 3 internal error (a bug; rerun with --debug for the traceback).
"""

import importlib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ipbes_kg.errors import EXIT_INTERNAL, EXIT_USAGE, UserError
from ipbes_kg.home import HOME_ENV

# Command name -> (module, attribute). Modules are imported only when their command runs, so
# `ipbes-kg query` does not pay for importing the loader, pySHACL or rdflib.
COMMANDS: dict[str, tuple[str, str]] = {
    "query": ("ipbes_kg.cli.query", "query_command"),
    "queries": ("ipbes_kg.cli.query", "queries_command"),
    "search": ("ipbes_kg.cli.search", "search_command"),
    "show": ("ipbes_kg.cli.show", "show_command"),
    "validate": ("ipbes_kg.cli.validate", "validate_command"),
    "fmt": ("ipbes_kg.cli.fmt", "fmt_command"),
    "build": ("ipbes_kg.cli.build", "build_command"),
    "load": ("ipbes_kg.cli.load", "load_command"),
    "site": ("ipbes_kg.site.command", "site_command"),
}


class Cli(click.Group):
    """A click group that turns every failure into one line on stderr and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Bare ``ipbes-kg`` prints the help (exit 0), not an error."""
        if not args and not ctx.resilient_parsing:  # (completion parses resiliently)
            click.echo(ctx.get_help())
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """An unknown command is an error with a did-you-mean."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            import difflib

            close = difflib.get_close_matches(name, list(COMMANDS), n=2)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            raise click.UsageError(
                f"no command {name!r}; {hint}'ipbes-kg --help' lists the commands", ctx
            )
        return super().resolve_command(ctx, args)

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        extra["standalone_mode"] = False
        try:
            code = super().main(argv, prog_name or "ipbes-kg", **extra)
        except (click.exceptions.Abort, KeyboardInterrupt):
            # Ctrl-C: one line, exit 130 like a shell; writes are atomic, so nothing is half-written
            _fail("interrupted", 130)
        except click.ClickException as exc:
            _fail(exc.format_message(), EXIT_USAGE)
        except UserError as exc:
            _fail(exc.message, exc.exit_code)
        except UnicodeEncodeError as exc:
            encoding = getattr(sys.stdout, "encoding", None) or exc.encoding
            _fail(
                f"cannot write {exc.object[exc.start : exc.start + 1]!a} (and maybe more) in the output encoding "
                f"{encoding}; set PYTHONIOENCODING=utf-8 (or use a UTF-8 terminal)",
                EXIT_USAGE,
            )
        except Exception as exc:
            if "--debug" in argv:
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)",
                EXIT_INTERNAL,
            )
        sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str, code: int) -> NoReturn:
    line = f"error: {' '.join(message.split())}"
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    # the message names files and values: never let a narrow stderr encoding turn it into a traceback
    click.echo(line.encode(encoding, "backslashreplace").decode(encoding), err=True)
    sys.exit(code)


@click.group("ipbes-kg", cls=Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "--version", package_name="ipbes-kg", prog_name="ipbes-kg")
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


def main() -> NoReturn:
    """The console script ``ipbes-kg``."""
    cli.main()
