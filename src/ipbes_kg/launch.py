"""The ``ipbes-kg`` console script.

The plain form ``ipbes-kg [--home DIR] query NAME [-f FORMAT] [-p NAME=VALUE]… [--lang en|zh]`` runs here
without importing click: importing click costs about 60 ms, more than loading the graph and
answering the query together (benchmarks/RESULTS.md), and shell loops run this form most.
It makes the same library call as the click command (``ipbes_kg.query.answer``). Everything
else (other commands and options, --help, and every error) goes to the click CLI, which prints
the one-line error and exit code: this path has no error handling of its own to drift.
"""

import os
import sys
from collections.abc import Sequence
from typing import NoReturn


def plain_query(
    argv: Sequence[str],
) -> tuple[str | None, str, str, list[str], str | None] | None:
    """(home, name, format, NAME=VALUE params, lang) if argv is the plain form, else None."""
    home = None
    if len(argv) >= 2 and argv[0] == "--home" and not argv[1].startswith("-"):
        home, argv = argv[1], argv[2:]
    if len(argv) < 2 or argv[0] != "query" or argv[1].startswith("-"):
        return None
    from ipbes_kg.query import LANGS  # the modules the query will need anyway
    from ipbes_kg.results import FORMATS

    name, fmt, params, lang = argv[1], "table", [], None
    rest = list(argv[2:])
    while rest:
        if len(rest) < 2 or rest[1].startswith("-"):
            return None
        flag, value, *rest = rest
        if flag in ("-f", "--format") and value in FORMATS:
            fmt = value
        elif flag in ("-p", "--param"):
            params.append(value)
        elif flag == "--lang" and value in LANGS:
            lang = value
        else:
            return None
    return home, name, fmt, params, lang


def _write(text: str) -> NoReturn:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader (head, grep -q) stopped early: quiet exit 1, as click
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    sys.exit(0)


def main() -> NoReturn:
    argv = sys.argv[1:]
    plan = plain_query(argv)
    if plan is not None:
        from ipbes_kg.query import answer
        from ipbes_kg.resources import find_home

        try:
            home, name, fmt, params, lang = plan
            text = answer(find_home(home), name, params, fmt, lang)
        except Exception:  # click runs it again and reports the error its way
            pass
        else:
            _write(text)
    from ipbes_kg.cli import cli

    cli.main(argv)
