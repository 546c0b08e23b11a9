"""Where the vocabulary, shapes, data and canned queries live.

In order: ``--home``/``home=`` or ``$IPBES_KG_HOME``; else the checkout you stand in (the
nearest folder upwards from the working folder with ``ontology/`` and ``data/``), so a
maintainer's edits are what every command sees; else the copy the wheel carries under
``ipbes_kg/_resources``.
"""

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ipbes_kg.errors import UserError

HOME_ENV = "IPBES_KG_HOME"
PARTS = ("ontology", "data", "queries")


class Home(NamedTuple):
    """A folder holding ``ontology/``, ``data/`` and ``queries/``; ``origin`` says how it was
    chosen: "explicit", "environment", "checkout" or "packaged"."""

    root: Path
    origin: str = "explicit"

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


def enclosing_checkout(start: Path | None = None) -> Path | None:
    """The nearest folder from ``start`` (the working folder) upwards with ontology/ and data/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "ontology").is_dir() and (folder / "data").is_dir():
            return folder
    return None


def find_home(explicit: str | os.PathLike[str] | None = None) -> Home:
    """The explicit folder, else $IPBES_KG_HOME, else the enclosing checkout, else the package."""
    from_env = os.environ.get(HOME_ENV) or None
    chosen = explicit if explicit is not None else from_env
    if chosen is not None:
        path = Path(chosen).expanduser()
        if not _is_home(path):
            source = "--home" if explicit is not None else f"${HOME_ENV}"
            raise UserError(
                f"{path}: not an ipbes-kg folder (it needs ontology/, data/ and queries/); "
                f"fix {source}"
            )
        return Home(path.resolve(), "explicit" if explicit is not None else "environment")
    checkout = enclosing_checkout()
    if checkout is not None:
        if not _is_home(checkout):
            raise UserError(
                f"{checkout}: looks like an ipbes-kg checkout but has no queries/; "
                f"restore it, or run from elsewhere or with --home"
            )
        return Home(checkout, "checkout")
    # The wheel installs _resources beside this module; an editable install reads the repository.
    packaged = Path(__file__).resolve().parent / "_resources"
    if _is_home(packaged):
        return Home(packaged, "packaged")
    repository = Path(__file__).resolve().parents[2]
    if _is_home(repository):
        return Home(repository, "packaged")
    raise UserError(
        f"cannot find the packaged graph; reinstall ipbes-kg or set ${HOME_ENV} to a checkout"
    )


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
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
