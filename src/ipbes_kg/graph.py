"""Reading Turtle into rdflib graphs, with errors a person can act on."""

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

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


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(
            f"{path}: cannot read ({exc.strerror}); check the path and permissions"
        ) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(
            f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from exc


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file into ``graph`` (a new one by default); one-line errors with location."""
    text = read_text(path)
    target = graph if graph is not None else Graph()
    before = len(target)
    try:
        target.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as exc:
        raise UserError(f"{path}:{_syntax_location(exc)}: {_syntax_reason(exc)}") from exc
    except Exception as exc:  # rdflib raises plain exceptions for bad IRIs, literals, etc.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"{path}: invalid Turtle: {reason}") from exc
    if len(target) == before and not text.strip():
        raise UserError(f"{path}: file is empty; remove it or add triples")
    return target


def load_graph(paths: Iterable[str | Path]) -> Graph:
    """One graph from many files (directories expanded)."""
    graph = Graph()
    for path in expand_paths(paths):
        parse_turtle(path, graph)
    return graph


def _syntax_location(exc: BadSyntax) -> str:
    text: bytes = exc._str if isinstance(exc._str, bytes) else str(exc._str).encode()
    index: int = exc._i
    line_start = text.rfind(b"\n", 0, index) + 1
    column = len(text[line_start:index].decode("utf-8", errors="replace")) + 1
    return f"{exc.lines + 1}:{column}"


def _syntax_reason(exc: BadSyntax) -> str:
    return f"Turtle syntax error: {exc._why}; fix the file at this position"
