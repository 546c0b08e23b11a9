"""Canned queries: self-describing ``.rq`` files with grlc headers and BASIL parameters.

The file is the single source of truth: ``#+ summary:``, ``#+ description:``, ``#+ tags:`` and
``#+ defaults:`` in the leading comment block, parameters from the variables:
``?_name`` required, ``?__name`` optional, with a type suffix ``_iri``, ``_integer``,
``_xsd_<datatype>`` or a language tag (``_en``); no suffix means a plain string.

grlc writes the header in YAML. It is read here by a small parser for the part of YAML that
headers use (``key: text``, ``key: >`` or ``key: |`` with indented lines, and ``key:`` with
``- item`` or ``- name: value`` lines); anything else is an error naming the line. Importing
PyYAML would cost every ``ipbes-kg query`` about 40 ms, a fifth of its time (benchmarks/).
"""

import re
from pathlib import Path
from typing import NamedTuple

from ipbes_kg.errors import UserError
from ipbes_kg.query import sparql_text

XSD = "http://www.w3.org/2001/XMLSchema#"
_BASIL = re.compile(r"^(__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_NAMED_TYPES = {"integer": XSD + "integer", "decimal": XSD + "decimal", "boolean": XSD + "boolean"}


class Parameter(NamedTuple):
    """One BASIL parameter of a canned query."""

    name: str  # what users type: --param NAME=VALUE
    variable: str  # the SPARQL variable, without "?"
    kind: str  # "iri", "string", "lang:<tag>" or a datatype IRI
    required: bool
    default: str | None = None

    def describe(self) -> str:
        kind = self.kind.removeprefix(XSD).replace("lang:", "@")
        extra = f"={self.default}" if self.default is not None else ""
        need = "" if self.required else "?"
        return f"{self.name}{need} ({kind}){extra}"


class CannedQuery(NamedTuple):
    name: str
    path: Path
    text: str
    form: str
    summary: str
    description: str
    tags: list[str]
    parameters: list[Parameter]

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def signature(self) -> str:
        return ", ".join(p.describe() for p in self.parameters) or "no parameters"


_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*))?$")
_ITEM = re.compile(r"^ +- +(.*)$")


class HeaderError(ValueError):
    """A header line outside the supported YAML subset; ``line`` is its line in the file."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _scalar(text: str, line: int) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"' and "\\" not in text:
        return text[1:-1]
    if (
        text[:1] in ("'", '"', "[", "{", "&", "*", "!", "|", ">", "%", "@", "`")
        or " #" in text
        or ": " in text
    ):
        raise HeaderError(line, f"{text!r} needs YAML this header reader does not support")
    return text


def _block(lines: list[tuple[int, str]], style: str) -> str:
    """A folded (>) or literal (|) block scalar, with YAML's clip chomping."""
    written = [line for _, line in lines if line.strip()]
    indent = len(written[0]) - len(written[0].lstrip(" ")) if written else 0
    for number, line in lines:
        if line.strip() and (len(line) - len(line.lstrip(" ")) < indent or line[indent] == "\t"):
            raise HeaderError(number, "a block line is indented less than the first one")
        if style == ">" and line.strip() and line[indent] == " ":
            raise HeaderError(number, "more-indented lines in a '>' block are not supported")
    body = [line[indent:] if line.strip() else "" for _, line in lines]
    while body and not body[-1]:
        body.pop()
    if style == "|":
        return "\n".join(body) + "\n" if body else ""
    text, blank = "", False
    for line in body:
        if not line:
            text += "\n"
            blank = True
        else:
            text += line if not text or blank else " " + line
            blank = False
    return text + "\n" if body else ""


def _header(text: str) -> dict[str, object]:
    """The ``#+`` comment block before the query, as key -> text, list of texts or of dicts."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#+"):
            lines.append((number, line[2:].removeprefix(" ").rstrip()))
        elif line.strip() and not line.startswith("#"):
            break
    header: dict[str, object] = {}
    index = 0
    while index < len(lines):
        number, line = lines[index]
        index += 1
        if not line.strip():
            continue
        match = _KEY.match(line)
        if not match:
            raise HeaderError(number, f"expected 'key: value', not {line.strip()!r}")
        key, value = match.group(1), (match.group(2) or "").strip()
        if key in header:
            raise HeaderError(number, f"'{key}' is given twice")
        nested: list[tuple[int, str]] = []
        while index < len(lines) and (not lines[index][1].strip() or lines[index][1][0] == " "):
            nested.append(lines[index])
            index += 1
        if value in (">", "|"):
            header[key] = _block(nested, value)
        elif value:
            if any(n.strip() for _, n in nested):
                raise HeaderError(nested[0][0], f"'{key}' has a value and indented lines")
            header[key] = _scalar(value, number)
        else:
            items: list[object] = []
            for item_number, item_line in nested:
                if not item_line.strip():
                    continue
                item = _ITEM.match(item_line)
                if not item:
                    raise HeaderError(item_number, f"expected '- item' under '{key}'")
                pair = _KEY.match(item.group(1))
                if pair and pair.group(2):
                    items.append({pair.group(1): _scalar(pair.group(2), item_number)})
                else:
                    items.append(_scalar(item.group(1), item_number))
            header[key] = items if items else None
    return header


def _defaults(raw: object) -> dict[str, str]:
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    merged: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict):
            merged.update({str(k): str(v) for k, v in item.items()})
    return merged


def _parameter(variable: str, defaults: dict[str, str]) -> Parameter | None:
    match = _BASIL.match(variable)
    if not match:
        return None
    required = match.group(1) == "_"
    parts = match.group(2).split("_")
    kind = "string"
    if len(parts) > 1 and parts[-1] == "iri":
        kind, parts = "iri", parts[:-1]
    elif len(parts) > 2 and parts[-2] == "xsd":
        kind, parts = XSD + parts[-1], parts[:-2]
    elif len(parts) > 1 and parts[-1] in _NAMED_TYPES:
        kind, parts = _NAMED_TYPES[parts[-1]], parts[:-1]
    elif len(parts) > 1 and _LANG.match(parts[-1]):
        kind, parts = "lang:" + parts[-1], parts[:-1]
    name = "_".join(parts)
    default = defaults.get(name)
    return Parameter(name, variable, kind, required and default is None, default)


def read_query(path: Path, name: str | None = None) -> CannedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read the query ({exc}); check the path") from exc
    return parse_query(text, path, name or path.stem)


def parse_query(text: str, path: Path, name: str) -> CannedQuery:
    """A query from its text; ``path`` is where errors point (a file, or a name for text)."""
    try:
        header = _header(text)
    except HeaderError as exc:
        raise UserError(
            f"{path}:{exc.line}: the '#+' header: {exc}; write 'key: text', 'key: >' with "
            "indented lines, or 'key:' with '- item' lines"
        ) from exc
    defaults = _defaults(header.get("defaults"))
    params = [p for v in sparql_text.variables(text) if (p := _parameter(v, defaults))]
    tags = header.get("tags") or []
    return CannedQuery(
        name=name,
        path=path,
        text=text,
        form=sparql_text.operation(text),
        summary=str(header.get("summary", "")).strip(),
        description=str(header.get("description", "")).strip(),
        tags=[str(t) for t in tags] if isinstance(tags, list) else [str(tags)],
        parameters=params,
    )


def list_queries(folder: Path) -> list[CannedQuery]:
    return [read_query(path) for path in sorted(folder.glob("*.rq"), key=lambda p: p.stem)]


def resolve(name_or_path: str, folder: Path) -> CannedQuery:
    """A canned query by name, or any ``.rq`` file by path."""
    path = Path(name_or_path)
    if name_or_path.endswith(".rq") or path.is_file():
        if not path.is_file():
            raise UserError(f"{path}: no such query file")
        return read_query(path)
    candidate = folder / f"{name_or_path}.rq"
    if candidate.is_file():
        return read_query(candidate)
    import difflib  # only for the error message

    names = sorted(p.stem for p in folder.glob("*.rq"))
    close = difflib.get_close_matches(name_or_path, names, n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise UserError(f"unknown query '{name_or_path}'; {hint}run 'ipbes-kg queries' to list them")
