"""The documents people copy from stay true: README's quickstart is what CI runs, and the prefix
block curators paste is the project's prefix table."""

import re
from pathlib import Path

from rdflib import Graph

from ipbes_kg.rdf.names import PREFIXES

ROOT = Path(__file__).resolve().parents[1]


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_quickstart_has_exactly_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)


def test_ci_runs_the_quickstart_commands_verbatim() -> None:
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    for command in quickstart_commands():
        assert command in ci


def test_curators_prefix_block_matches_the_prefix_table() -> None:
    graph = Graph(bind_namespaces="none").parse(ROOT / "docs/prefixes.ttl", format="turtle")
    declared = {prefix: str(ns) for prefix, ns in graph.namespaces()}
    assert declared == {p: ns for p, ns in PREFIXES.items() if p != "sh"}
