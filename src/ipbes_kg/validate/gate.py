"""The gate as CI and pre-commit run it: which files, in which context, against which baseline.

pre-commit passes the staged file names; validated alone, a data file refers to entities
written in the other files and gives dozens of false violations. So given files that belong to
the graph (under ``data/`` or ``ontology/`` of the home) are validated *in context*: the whole
graph, with these files in place of their stored versions, is the data graph, and only the
results about entities written in the given files are reported. Files from elsewhere (a
fixture, another repository's data) are validated with the vocabulary only, as before. Given
shapes files are not data: they are the shapes, and the whole graph is validated against them.

A syntax error stops the run (exit 2) but is also turned into a one-result report, so CI
formats (json, github annotation, JUnit) carry it with its file:line:column.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from ipbes_kg.errors import UserError
from ipbes_kg.home import Home, expand_paths
from ipbes_kg.validate import baseline as baselines
from ipbes_kg.validate.engine import ENGINES, validate_files
from ipbes_kg.validate.results import Report, Result

_POSITIONED = re.compile(r"^(?P<file>.+?):(?:(?P<line>\d+):(?P<column>\d+):)? (?P<reason>.+)$")


def _inside(path: Path, folders: Iterable[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(folder.resolve()) for folder in folders)


def plan(
    home: Home, paths: Iterable[str | os.PathLike[str]]
) -> tuple[list[Path], list[Path] | None]:
    """(data files to read, files whose entities are reported or None for all) for ``paths``."""
    given = expand_paths(paths)
    shapes = {p.resolve() for p in home.shapes_files()}
    given = [p for p in given if p.resolve() not in shapes]
    if not given:  # nothing or only shapes given: the whole graph
        return home.graph_files(), None
    in_graph = any(_inside(p, (home.data, home.ontology)) for p in given)
    background = home.graph_files() if in_graph else home.vocabulary_files()
    replaced = {p.resolve() for p in given}
    return [*(p for p in background if p.resolve() not in replaced), *given], given


def validate_home(
    home: Home,
    paths: Iterable[str | os.PathLike[str]] = (),
    shapes: Iterable[str | os.PathLike[str]] = (),
    engine: str = ENGINES[0],
    *,
    baseline: Path | bool | None = True,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Validate the home's graph, or ``paths`` in its context, against its shapes (+ ``shapes``).

    ``baseline``: True for the home's ``ontology/accepted-results.json`` when it exists, a
    path for another file, None or False for none.
    """
    data, focus_paths = plan(home, paths)
    shapes_files = [*home.shapes_files(), *expand_paths(shapes)]
    report = validate_files(data, shapes_files, engine, focus_paths=focus_paths, progress=progress)
    chosen = baseline_of(home) if baseline is True else baseline or None
    if chosen is None:
        return report
    return baselines.apply(report, Path(chosen), report.focus)


def baseline_of(home: Home) -> Path | None:
    path = home.ontology / baselines.FILE_NAME
    return path if path.is_file() else None


def error_report(error: UserError) -> Report | None:
    """A report of one violation for an input error that names a file (a syntax error)."""
    match = _POSITIONED.match(error.message)
    if match is None or not Path(match["file"]).exists():
        return None
    line = int(match["line"]) if match["line"] else None
    result = Result(
        severity="violation",
        focus="",
        focus_label="",
        path="",
        value="",
        message=match["reason"],
        component="check:syntax",
        shape="",
        file=match["file"],
        line=line,
        column=int(match["column"]) if match["column"] else None,
    )
    return Report([result], [], [Path(match["file"])])
