"""The Turtle files a user means by the paths given on the command line (no RDF library here:
``load`` needs this without paying for rdflib's import)."""

from collections.abc import Iterable
from pathlib import Path

from ipbes_kg.errors import UserError


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
