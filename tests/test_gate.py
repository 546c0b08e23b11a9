"""The CI gate as a maintainer meets it (issue #14): a checkout with edited files, staged files
validated in context, exact positions in every format, the baseline of accepted results,
``fmt`` losing nothing, Ctrl-C and narrow output encodings.

Each ``tests/fixtures/gate/<name>.ttl`` is a file a maintainer might stage: it is added to a
copy of the checkout as ``data/zz-gate.ttl`` and validated alone, from the checkout, the way
the pre-commit hook does; ``<name>.expected.json`` lists every result it must give (accepted
ones aside) with its exact line and column.
"""

import json
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from ipbes_kg.home import Home
from ipbes_kg.rdf.reader import read_files
from ipbes_kg.validate import baseline
from ipbes_kg.validate.gate import validate_home

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "gate"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.ttl"))
STAGED = "data/zz-gate.ttl"
KEYS = ("severity", "focus", "path", "value", "component", "file", "line", "column", "message")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the repository's graph folders: a checkout a maintainer edits."""
    root = tmp_path / "checkout"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part)
    return root


def cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``ipbes-kg ARGS`` in a new process standing in ``cwd``, as a person or a hook runs it."""
    environ = {k: v for k, v in os.environ.items() if k != "IPBES_KG_HOME"}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "ipbes_kg", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def results(out: str) -> list[dict[str, Any]]:
    return [{k: r[k] for k in KEYS} for r in json.loads(out)["results"] if not r["accepted"]]


# ------------------------------------------------------------------------------------------------
# Staged files, validated in the context of the graph, at their exact positions
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_staged_fixture_gives_exactly_the_expected_results(checkout: Path, name: str) -> None:
    shutil.copy(FIXTURES / f"{name}.ttl", checkout / STAGED)
    done = cli(checkout, "validate", STAGED, "--format", "json")
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))
    worst = {r["severity"] for r in expected}
    code = 2 if name.startswith("syntax") else 1 if "violation" in worst else 0
    assert done.returncode == code, done.stderr
    assert results(done.stdout) == expected


def test_clean_data_staged_file_by_file_gives_no_result(checkout: Path) -> None:
    """What `pre-commit run --all-files` does with filenames: nothing on clean data."""
    files = [f"data/{p.name}" for p in sorted((checkout / "data").glob("*.ttl"))]
    done = cli(checkout, "validate", *files, "--format", "json", "--fail-on", "warning")
    assert (done.returncode, done.stderr, results(done.stdout)) == (0, "", [])
    done = cli(checkout, "validate", "data/tsus.ttl", "--format", "json")
    assert (done.returncode, results(done.stdout)) == (0, [])
    accepted = [r["focus"] for r in json.loads(done.stdout)["results"]]
    assert accepted and all(f.startswith("tsu:") for f in accepted)  # only this file's entities


def test_a_mistake_in_a_staged_file_is_found_at_its_line(checkout: Path) -> None:
    path = checkout / "data" / "tsus.ttl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if "ipbes:hostedBy agent:csir" in line)
    lines[number] = lines[number].replace("agent:csir", "agent:cisr")
    path.write_text("".join(lines), encoding="utf-8")
    done = cli(checkout, "validate", "data/tsus.ttl", "--format", "github")
    assert done.returncode == 1
    column = lines[number].index("agent:cisr") + 1
    assert done.stdout.startswith(
        f"::error file=data/tsus.ttl,line={number + 1},col={column}::tsu:africa "
    )
    assert "did you mean agent:csir?" in done.stdout


# ------------------------------------------------------------------------------------------------
# A syntax error in every format
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def syntax_error(checkout: Path) -> Path:
    shutil.copy(FIXTURES / "syntax-001.ttl", checkout / STAGED)
    return checkout


def test_syntax_error_text_is_one_line_at_the_parsers_position(syntax_error: Path) -> None:
    done = cli(syntax_error, "validate", STAGED)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: {STAGED}:29:5: RDF syntax error: A dot is expected at the end of statements; "
        "fix the file at this position\n"
    )


def test_syntax_error_is_a_github_annotation(syntax_error: Path) -> None:
    done = cli(syntax_error, "validate", STAGED, "--format", "github")
    assert done.returncode == 2
    assert done.stdout.splitlines()[0].startswith(
        f"::error file={STAGED},line=29,col=5::RDF syntax"
    )


def test_syntax_error_is_a_failing_junit_testcase(syntax_error: Path) -> None:
    done = cli(syntax_error, "validate", STAGED, "--format", "junit")
    assert done.returncode == 2
    suite = ET.fromstring(done.stdout.split("?>", 1)[1]).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    failure = suite.find("testcase/failure")
    assert failure is not None and (failure.text or "").startswith(f"{STAGED}:29:5: RDF syntax")


# ------------------------------------------------------------------------------------------------
# The checkout you stand in
# ------------------------------------------------------------------------------------------------


def _misspell_class(checkout: Path) -> int:
    path = checkout / "data" / "tsus.ttl"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index("a ipbes:TechnicalSupportUnit")].count("\n") + 1
    path.write_text(text.replace("TechnicalSupportUnit", "TechnicalSuportUnit", 1), "utf-8")
    return line


def test_the_checkout_you_stand_in_is_validated_not_the_installed_copy(checkout: Path) -> None:
    line = _misspell_class(checkout)
    done = cli(checkout, "validate", "--format", "json")
    assert (done.returncode, done.stderr) == (1, "")
    found = [r for r in results(done.stdout) if r["component"] == "check:undeclared-term"]
    assert [(r["file"], r["line"], r["value"]) for r in found] == [
        ("data/tsus.ttl", line, "ipbes:TechnicalSuportUnit")
    ]
    assert "did you mean ipbes:TechnicalSupportUnit?" in found[0]["message"]


def test_from_a_subfolder_the_checkout_is_named_once_on_stderr(checkout: Path) -> None:
    line = _misspell_class(checkout)
    done = cli(checkout / "data", "validate", "--format", "json")
    assert done.returncode == 1
    assert done.stderr == f"ipbes-kg: using the checkout at {checkout.resolve()}\n"
    found = [r for r in results(done.stdout) if r["component"] == "check:undeclared-term"]
    assert [(r["file"], r["line"]) for r in found] == [("tsus.ttl", line)]


def test_home_and_environment_override_the_checkout(checkout: Path) -> None:
    _misspell_class(checkout)
    assert cli(checkout, "--home", str(ROOT), "validate").returncode == 0
    assert cli(checkout, "validate", IPBES_KG_HOME=str(ROOT)).returncode == 0


def test_outside_a_checkout_the_packaged_graph_is_used(tmp_path: Path) -> None:
    done = cli(tmp_path, "validate", "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["counts"]["warning"] > 0


# ------------------------------------------------------------------------------------------------
# The baseline of accepted results
# ------------------------------------------------------------------------------------------------


def test_fail_on_warning_fails_only_on_results_not_in_the_baseline(checkout: Path) -> None:
    assert cli(checkout, "validate", "--fail-on", "warning").returncode == 0
    places = checkout / "data" / "places.ttl"
    text = places.read_text(encoding="utf-8")
    places.write_text(text.replace("    schema:sameAs <https://sws.geonames.org/2946447/> ;\n", ""))
    done = cli(checkout, "validate", "--fail-on", "warning", "--format", "json")
    assert done.returncode == 1
    assert [(r["focus"], r["path"]) for r in results(done.stdout)] != []
    assert cli(checkout, "validate").returncode == 0  # warnings alone do not fail by default


def test_a_baseline_entry_that_no_longer_occurs_is_reported(checkout: Path) -> None:
    path = checkout / "ontology" / baseline.FILE_NAME
    text = path.read_text(encoding="utf-8")
    stale = (
        '    {"severity": "warning", "focus": "tsu:africa", "path": "schema:location", '
        '"component": "sh:SPARQLConstraintComponent", "value": "", "reason": "gone"},\n'
    )
    head, tail = text.split('  "accepted": [\n')
    path.write_text(f'{head}  "accepted": [\n{stale}{tail}', encoding="utf-8")
    done = cli(checkout, "validate", "--fail-on", "warning", "--format", "json")
    assert done.returncode == 1
    (result,) = results(done.stdout)
    assert (result["component"], result["focus"], result["file"], result["line"]) == (
        "check:stale-baseline",
        "tsu:africa",
        "ontology/accepted-results.json",
        4,
    )
    assert cli(checkout, "validate").returncode == 0  # a stale entry is a warning
    update = cli(checkout, "validate", "--update-baseline")
    assert update.returncode == 0, update.stderr
    assert "1 removed" in update.stderr
    assert path.read_text(encoding="utf-8") == text  # the reasons are kept


def test_the_checked_in_baseline_is_current_and_every_entry_has_a_reason() -> None:
    report = validate_home(Home(ROOT))
    assert [r for r in report.results if not r.accepted and r.severity != "violation"] == []
    entries = baseline.load(ROOT / "ontology" / baseline.FILE_NAME)
    assert entries and all(e.reason and not e.reason.startswith("TODO") for e in entries)
    assert {e.severity for e in entries} <= {"warning", "info"}


def test_the_readme_table_is_generated_from_the_baseline() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = baseline.markdown_table(ROOT / "ontology" / baseline.FILE_NAME)
    assert f"<!-- accepted-warnings:start -->\n{table}\n<!-- accepted-warnings:end -->" in readme, (
        "run: ipbes-kg validate --update-baseline"
    )


# ------------------------------------------------------------------------------------------------
# fmt loses nothing
# ------------------------------------------------------------------------------------------------

COMMENTED = """# A header comment, kept by fmt.
# Second line.
@prefix ex: <http://example.org/> .
ex:b ex:p "two" .
ex:a ex:p "one" .
"""


def test_fmt_keeps_the_header_comment(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(COMMENTED, encoding="utf-8")
    assert cli(tmp_path, "fmt", "a.ttl").returncode == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A header comment, kept by fmt.\n# Second line.\n\n")
    assert text.index("ex:a") < text.index("ex:b")


def test_fmt_refuses_a_comment_it_cannot_keep_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    inner = COMMENTED.replace('ex:a ex:p "one" .', 'ex:a ex:p "one" . # why one')
    path.write_text(inner, encoding="utf-8")
    done = cli(tmp_path, "fmt", "a.ttl")
    assert done.returncode == 2
    assert done.stderr.startswith("error: a.ttl:5:19: a # comment among the statements")
    assert path.read_text(encoding="utf-8") == inner


def test_fmt_check_diff_prints_a_unified_diff(tmp_path: Path) -> None:
    path = tmp_path / "a.ttl"
    path.write_text(COMMENTED, encoding="utf-8")
    done = cli(tmp_path, "fmt", "--check", "--diff", "a.ttl")
    assert done.returncode == 1
    assert done.stdout.startswith("--- a.ttl (as written)\n+++ a.ttl (formatted)\n@@ ")
    assert '-ex:b ex:p "two" .' in done.stdout.splitlines()
    assert path.read_text(encoding="utf-8") == COMMENTED


# ------------------------------------------------------------------------------------------------
# Nothing stuck: Ctrl-C, output encodings
# ------------------------------------------------------------------------------------------------


def _on_a_terminal(
    cwd: Path, *args: str, interrupt_at: bytes | None = None, **env: str
) -> tuple[int, str, str, float | None]:
    """(exit code, stdout, stderr, seconds from Ctrl-C to the exit) of ``ipbes-kg ARGS`` with
    stderr on a pseudo-terminal. ``interrupt_at``: send Ctrl-C once stderr shows this text
    (a phase of the progress display), not after a fixed sleep: on a fast machine a sleep can
    outlast the whole validation and interrupt the report instead."""
    environ = {k: v for k, v in os.environ.items() if k != "IPBES_KG_HOME"}
    environ.update(env)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "ipbes_kg", *args],
        cwd=cwd,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    err, sent = b"", None
    try:
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # Linux: EIO once the child has closed the terminal
                break
            if not chunk:
                break
            err += chunk
            if interrupt_at is not None and sent is None and interrupt_at in err:
                process.send_signal(signal.SIGINT)
                sent = time.monotonic()
        assert process.stdout is not None
        out = process.stdout.read()
        process.stdout.close()
        code = process.wait(timeout=300)
        took = time.monotonic() - sent if sent is not None else None
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
    return code, out.decode("utf-8"), err.decode("utf-8"), took


def _interrupted(cwd: Path, *args: str) -> tuple[int, str, str, float]:
    """Ctrl-C to ``ipbes-kg ARGS`` once its progress display says the checks are running:
    (exit code, stdout, the last line left on the terminal, seconds from Ctrl-C to the exit)."""
    code, out, err, took = _on_a_terminal(
        cwd, *args, interrupt_at=b"checking", IPBES_KG_PROGRESS_AFTER="0"
    )
    assert took is not None, f"the checks were never shown running: {err!r}"
    # the display's line is wiped (CR, erase line); what is left is the one-line error
    last = err.replace("\r\n", "\n").split("\r\x1b[K")[-1]
    return code, out, last.lstrip("\n"), took


def test_ctrl_c_ends_a_validation_with_exit_130(checkout: Path) -> None:
    code, out, last, _ = _interrupted(checkout, "validate", "--engine", "pyshacl")
    assert (code, out, last) == (130, "", "error: interrupted\n")


def test_ctrl_c_ends_a_turbo_validation_of_a_large_graph_at_once(checkout: Path) -> None:
    """The engines run in threads (turbo's Rust code, the SPARQL constraints): none may keep
    the process alive after Ctrl-C. Fifteen copies of the data (other entity IRIs) make a
    graph that takes turbo a few seconds."""
    for k in range(1, 16):
        for path in sorted((checkout / "data").glob("*.ttl")):
            if not path.name.startswith("copy"):
                text = path.read_text(encoding="utf-8")
                moved = text.replace(
                    "<https://w3id.org/ipbes-kg/id/", f"<https://w3id.org/ipbes-kg/id/copy{k}/"
                )
                (checkout / "data" / f"copy{k}-{path.name}").write_text(moved, encoding="utf-8")
    code, out, last, took = _interrupted(checkout, "validate", "--no-baseline")
    assert (code, out, last) == (130, "", "error: interrupted\n")
    assert took < 1.5, f"exit {took:.1f} s after Ctrl-C"


def test_progress_is_drawn_on_a_terminal_and_wiped_before_the_report(checkout: Path) -> None:
    plain = cli(checkout, "validate", IPBES_KG_PROGRESS_AFTER="0")
    code, out, err, _ = _on_a_terminal(checkout, "validate", IPBES_KG_PROGRESS_AFTER="0")
    assert (code, out) == (plain.returncode, plain.stdout)
    drawn = [part for part in err.split("\r\x1b[K") if part]
    assert drawn, "no progress line was drawn"
    assert all(re.fullmatch(r"validate: [^\n]+… \d+ s", line) for line in drawn), drawn
    files = Home(checkout).graph_files()
    triples = len(read_files(files))
    phases = {line.split(": ", 1)[1].split("…")[0].split(" (")[0] for line in drawn}
    assert phases <= {
        f"reading {len(files)} files",
        f"checking {triples:,} triples",
        "locating the results",
    }
    assert err.endswith("\r\x1b[K")  # the last line is wiped: nothing is left on the terminal
    assert "validate:" not in plain.stderr  # not a terminal: no progress at all


def test_an_output_encoding_that_cannot_write_chinese_is_one_line(checkout: Path) -> None:
    query = 'SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = "zh") } LIMIT 1'
    done = cli(checkout, "query", query, PYTHONIOENCODING="cp1252")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: cannot write '\\u")
    assert "PYTHONIOENCODING=utf-8" in done.stderr


# ------------------------------------------------------------------------------------------------
# The pre-commit hook of docs/VALIDATION.md, in a scratch repository
# ------------------------------------------------------------------------------------------------

HOOK = """repos:
  - repo: local
    hooks:
      - id: ipbes-kg-validate
        name: ipbes-kg validate (SHACL)
        entry: ipbes-kg validate
        language: system
        files: \\.ttl$
        require_serial: true
"""


def test_pre_commit_hook_passes_on_clean_data_and_fails_on_a_staged_mistake(
    checkout: Path,
) -> None:
    pytest.importorskip("pre_commit")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("IPBES_KG_HOME", None)
    env["PRE_COMMIT_HOME"] = str(checkout.parent / "pre-commit-cache")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=checkout, env=env, capture_output=True, text=True, timeout=300
        )

    (checkout / ".pre-commit-config.yaml").write_text(HOOK, encoding="utf-8")
    run("git", "init", "-q")
    run("git", "add", "-A")
    done = run(sys.executable, "-m", "pre_commit", "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    run("git", "-c", "user.name=gate", "-c", "user.email=gate@example.org", "commit", "-qm", "data")
    path = checkout / "data" / "tsus.ttl"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ipbes:hostedBy agent:csir", "ipbes:hostedBy agent:cisr"), "utf-8")
    run("git", "add", "data/tsus.ttl")
    done = run(sys.executable, "-m", "pre_commit", "run")
    assert done.returncode == 1
    line = text[: text.index("ipbes:hostedBy agent:csir")].count("\n") + 1
    assert f"data/tsus.ttl\n  {f'{line}:20':>8}  violation" in done.stdout
    assert "did you mean agent:csir?" in done.stdout
