"""The console script's click-free path for plain 'ipbes-kg query NAME …' (ipbes_kg.launch).

It must be invisible: for every argv it takes, stdout, stderr and exit code are those of the
click CLI; for everything else it steps aside.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import imported_modules

from ipbes_kg import launch

ROOT = Path(__file__).resolve().parents[1]

PLAIN = {
    "name only": (["query", "tsu-hosts"], (None, "tsu-hosts", "table", [], None)),
    "format": (["query", "tsu-hosts", "-f", "tsv"], (None, "tsu-hosts", "tsv", [], None)),
    "long options": (
        ["query", "decision", "--format", "json", "--param", "decision=decision:IPBES-6/1"],
        (None, "decision", "json", ["decision=decision:IPBES-6/1"], None),
    ),
    "last format wins": (["query", "q", "-f", "csv", "-f", "md"], (None, "q", "md", [], None)),
    "lang and params": (
        ["query", "q", "--lang", "zh", "-p", "a=1", "-p", "b=x=y"],
        (None, "q", "table", ["a=1", "b=x=y"], "zh"),
    ),
    "home": (["--home", "h", "query", "q", "-f", "tsv"], ("h", "q", "tsv", [], None)),
    "a .rq path": (["query", "my/query.rq"], (None, "my/query.rq", "table", [], None)),
}

NOT_PLAIN = {
    "no command": [],
    "other command": ["validate"],
    "other group option first": ["--debug", "query", "tsu-hosts"],
    "home after the command": ["query", "tsu-hosts", "--home", "."],
    "home without a folder": ["--home", "--debug", "query", "tsu-hosts"],
    "no name": ["query"],
    "option before the name": ["query", "-f", "tsv", "tsu-hosts"],
    "help": ["query", "tsu-hosts", "--help"],
    "endpoint": ["query", "tsu-hosts", "--endpoint", "http://127.0.0.1:1/sparql"],
    "width": ["query", "tsu-hosts", "--width", "80"],
    "joined value": ["query", "tsu-hosts", "-ftsv"],
    "equals form": ["query", "tsu-hosts", "--format=tsv"],
    "unknown format": ["query", "tsu-hosts", "-f", "xml"],
    "unknown language": ["query", "tsu-hosts", "--lang", "fr"],
    "missing value": ["query", "tsu-hosts", "-f"],
    "value like an option": ["query", "tsu-hosts", "-p", "-x"],
    "extra argument": ["query", "tsu-hosts", "extra"],
    "double dash": ["query", "tsu-hosts", "--", "-f"],
}


@pytest.mark.parametrize(("argv", "plan"), PLAIN.values(), ids=list(PLAIN))
def test_plain_forms_are_recognized(argv: list[str], plan: tuple[object, ...]) -> None:
    assert launch.plain_query(argv) == plan


@pytest.mark.parametrize("argv", NOT_PLAIN.values(), ids=list(NOT_PLAIN))
def test_other_forms_go_to_click(argv: list[str]) -> None:
    assert launch.plain_query(argv) is None


def _console(*args: str) -> subprocess.CompletedProcess[str]:
    """``ipbes-kg ARGS`` as installed: the launcher."""
    return subprocess.run(
        [sys.executable, "-m", "ipbes_kg", *args], capture_output=True, text=True, timeout=120
    )


def _click(*args: str) -> subprocess.CompletedProcess[str]:
    """The same argv through the click CLI only."""
    code = "import sys; from ipbes_kg.cli import cli; cli.main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


SAME = {
    "select table": ["query", "tsu-hosts"],
    "select tsv, zh": ["query", "tsu-hosts", "-f", "tsv", "--lang", "zh"],
    "select json with a parameter": [
        "query",
        "tsus-for-deliverable",
        "-f",
        "json",
        "-p",
        "deliverable=deliverable:2b",
    ],
    "ask": ["query", "tsu-in-country", "-f", "csv"],
    "construct": ["query", "entity-graph", "-f", "ttl", "-p", "entity=tsu:ilk"],
    "unknown query": ["query", "tsu-hostz", "-f", "tsv"],
    "home that is not one": ["--home", "/", "query", "tsu-hosts"],
    "a checkout as home": ["--home", str(ROOT), "query", "tsu-hosts", "-f", "md"],
    "unknown parameter": ["query", "tsu-hosts", "-p", "nope=1"],
    "bad parameter": ["query", "tsu-hosts", "-p", "novalue"],
    "bad IRI": ["query", "entity-graph", "-p", "entity=not an iri"],
    "wrong format for the form": ["query", "entity-graph", "-f", "csv", "-p", "entity=tsu:ilk"],
}


@pytest.mark.parametrize("argv", SAME.values(), ids=list(SAME))
def test_launcher_answers_exactly_as_click_does(argv: list[str]) -> None:
    assert launch.plain_query(argv) is not None
    fast, slow = _console(*argv), _click(*argv)
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        slow.returncode,
        slow.stdout,
        slow.stderr,
    )


def test_plain_query_does_not_import_click_or_rdflib() -> None:
    modules = imported_modules("query", "tsu-hosts", "-f", "tsv")
    assert "ipbes_kg.query" in modules
    assert not {"click", "rdflib", "yaml"} & modules


def test_other_forms_run_through_click() -> None:
    assert "click" in imported_modules("queries")


@pytest.mark.parametrize("via", [_console, _click], ids=["launcher", "click"])
def test_a_reader_that_stops_early_ends_quietly_with_exit_1(via: object) -> None:
    command = (
        [sys.executable, "-m", "ipbes_kg"]
        if via is _console
        else [
            sys.executable,
            "-c",
            "import sys; from ipbes_kg.cli import cli; cli.main(sys.argv[1:])",
        ]
    )
    process = subprocess.Popen(
        [*command, "query", "unverified-labels", "-f", "tsv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head -0`: nothing will be read
    err = process.stderr.read()
    assert process.wait(timeout=120) == 1  # click's convention for a broken pipe
    assert err == b""
