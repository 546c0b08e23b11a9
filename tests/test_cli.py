"""The command line: help, version, and the error contract (one line, documented exit code)."""

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import assert_one_line_error
from conftest import run_cli as run

from ipbes_kg.cli import cli
from ipbes_kg.query import catalog


def test_version_matches_package_metadata() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"ipbes-kg, version {version('ipbes-kg')}"


def test_help_lists_every_command() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for command in ("query", "queries", "fmt", "validate", "build", "load"):
        assert f"  {command} " in out


@pytest.mark.parametrize("command", ["query", "queries", "fmt", "validate", "build", "load"])
def test_every_command_has_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Usage: ipbes-kg" in out
    assert len(out.splitlines()) > 4


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ipbes_kg", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.strip().endswith(version("ipbes-kg"))


def test_unknown_option_is_one_line() -> None:
    assert_one_line_error(*run("query", "--bogus"), 2, "--bogus")


def test_bad_choice_is_one_line() -> None:
    assert_one_line_error(*run("query", "x", "--format", "yaml"), 2, "yaml")


def test_bad_home_is_one_line(tmp_path: Path) -> None:
    assert_one_line_error(*run("--home", str(tmp_path), "queries"), 2, str(tmp_path), "--home")


def test_malformed_turtle_names_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "open ;\n', encoding="utf-8")
    assert_one_line_error(*run("fmt", "--check", str(bad)), 2, f"{bad}:2:", "syntax")


def test_internal_error_has_no_traceback_without_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog, "resolve", broken)
    assert_one_line_error(*run("query", "anything"), 3, "internal error", "boom", "--debug")


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(catalog, "resolve", broken)
    result = CliRunner().invoke(cli, ["--debug", "query", "anything"])
    assert isinstance(result.exception, RuntimeError)


def test_fmt_rewrites_in_place_and_keeps_the_file_mode(tmp_path: Path) -> None:
    path = tmp_path / "messy.ttl"
    path.write_text(
        '@prefix ex: <http://example.org/> .\nex:b ex:p "2" .   ex:a ex:p "1" .\n', encoding="utf-8"
    )
    path.chmod(0o644)
    assert run("fmt", "--check", str(path))[0] == 1
    code, out, _ = run("fmt", str(path))
    assert code == 0 and out == f"reformatted {path}\n"
    assert path.stat().st_mode & 0o777 == 0o644
    assert run("fmt", "--check", str(path)) == (0, "", "")


# --- issue #15: reading the graph from the command line ---------------------------------------


@pytest.mark.parametrize("command", ["show", "search"])
def test_reading_commands_have_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0 and "Usage: ipbes-kg" in out and "--format" in out


def test_bare_command_prints_the_help() -> None:
    code, out, err = run()
    assert code == 0 and err == ""
    assert out.startswith("Usage: ipbes-kg") and "  query " in out and "  show " in out


def test_misspelled_command_has_did_you_mean() -> None:
    assert_one_line_error(*run("qeury", "tsu-hosts"), 2, "'qeury'", "did you mean 'query'")


def test_csv_and_json_shortcuts() -> None:
    assert run("query", "tsu-hosts", "--csv")[1] == run("query", "tsu-hosts", "-f", "csv")[1]
    assert run("query", "tsu-hosts", "--json")[1].startswith("{")


def _complete(*words: str, incomplete: str) -> list[str]:
    from click.shell_completion import ShellComplete

    return [c.value for c in ShellComplete(cli, {}, "ipbes-kg", "_IPBES_KG_COMPLETE")
            .get_completions(list(words), incomplete)]  # fmt: skip


def test_completion_of_commands_queries_parameters_and_curies() -> None:
    assert "show" in _complete(incomplete="sh")
    assert _complete("query", incomplete="tsu-h") == ["tsu-hosts"]
    assert _complete("query", "tsu-hosts", "-p", incomplete="") == ["lang="]
    assert "entity=tsu:ilk" in _complete("query", "provenance", "-p", incomplete="entity=tsu:i")
    assert "tsu:ilk" in _complete("show", incomplete="tsu:")
    assert "tsu-hosts" in _complete("queries", incomplete="tsu")
