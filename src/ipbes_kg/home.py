"""Where the vocabulary, shapes, data and canned queries live.

A wheel carries them under ``ipbes_kg/_resources``; an editable install or a source checkout
reads them from the repository root. ``IPBES_KG_HOME`` (or ``--home``) points at any checkout.
"""

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ipbes_kg.errors import UserError

HOME_ENV = "IPBES_KG_HOME"
PARTS = ("ontology", "data", "queries")


class Home(NamedTuple):
    """A folder holding ``ontology/``, ``data/`` and ``queries/``."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    def vocabulary_files(self) -> list[Path]:
        """The vocabulary and code lists (everything in ontology/ that is not a shapes file)."""
        return sorted(p for p in self.ontology.glob("*.ttl") if not p.name.startswith("shapes"))

    def shapes_files(self) -> list[Path]:
        return sorted(self.ontology.glob("shapes*.ttl"))

    def data_files(self) -> list[Path]:
        return sorted(self.data.glob("*.ttl"))

    def graph_files(self) -> list[Path]:
        """Vocabulary and data: the knowledge graph users query."""
        return self.vocabulary_files() + self.data_files()


def _is_home(path: Path) -> bool:
    return all((path / part).is_dir() for part in PARTS)


def find_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """The explicit folder, else $IPBES_KG_HOME, else the packaged copy, else the checkout."""
    chosen = explicit if explicit is not None else os.environ.get(HOME_ENV) or None
    if chosen is not None:
        path = Path(chosen).expanduser()
        if not _is_home(path):
            raise UserError(
                f"{path}: not an ipbes-kg folder (it needs ontology/, data/ and queries/); "
                f"fix --home or ${HOME_ENV}"
            )
        return Home(path.resolve())
    # The wheel installs _resources beside this module (importlib.resources would give the same
    # folder for an installed package, but costs ~10 ms of import on every command).
    packaged = Path(__file__).resolve().parent / "_resources"
    if _is_home(packaged):
        return Home(packaged)
    checkout = Path(__file__).resolve().parents[2]
    if _is_home(checkout):
        return Home(checkout)
    raise UserError(
        f"cannot find the packaged graph; reinstall ipbes-kg or set ${HOME_ENV} to a checkout"
    )


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, directories as the Turtle files directly inside them, sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(path.glob("*.ttl"))
            if not files:
                raise UserError(
                    f"{path}: directory has no .ttl files; name Turtle files or a folder of them"
                )
            found.extend(files)
        elif path.is_file():
            found.append(path)
        else:
            raise UserError(f"{path}: no such file or directory")
    return found
