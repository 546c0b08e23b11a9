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


# Own queries (a file or text outside queries/): the project's prefixes are added where the
# query uses them without declaring them (an explicit PREFIX wins), on the query's first line,
# so every line number the user sees stays right; ``shift`` is how far line 1 moved.
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_USED = re.compile(r"(?<![\w?$.:<-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?=[\w%\\-]|\s|$)")


def _code_only(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked (same length, same lines)."""
    out = list(text)
    for kind, value, offset in sparql_text.tokens(text):
        if kind in ("comment", "string", "iri"):
            for i in range(offset, offset + len(value)):
                if out[i] != "\n":
                    out[i] = " "
    return "".join(out)


def prefixes_used(text: str) -> list[tuple[str, int]]:
    """(prefix, offset) of every prefixed name in the query's code, in order."""
    code = _code_only(text)
    return [(m.group(1) or "", m.start()) for m in _USED.finditer(code)]


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def with_project_prefixes(query: CannedQuery) -> tuple[CannedQuery, int]:
    """The query with PREFIX declarations for the project prefixes it uses but does not declare,
    written before its first line; an undeclared prefix the project does not know is an error at
    its line:column with a did-you-mean. Returns the query and the length added to line 1."""
    import difflib

    from ipbes_kg.rdf.names import PREFIXES

    code = _code_only(query.text)
    declared = {m.group(1) or "" for m in _DECLARED.finditer(code)}
    missing: dict[str, str] = {}
    for prefix, offset in prefixes_used(query.text):
        if prefix in declared or prefix in missing:
            continue
        if prefix in PREFIXES:
            missing[prefix] = PREFIXES[prefix]
            continue
        line, column = position(query.text, offset)
        close = difflib.get_close_matches(prefix, list(PREFIXES), n=3)
        hint = f"did you mean {', '.join(c + ':' for c in close)}? " if close else ""
        raise UserError(
            f"{query.path}:{line}:{column}: unknown prefix '{prefix}:'; {hint}"
            "declare it with PREFIX, or use one of the project's prefixes (README, 'Querying')"
        )
    if not missing:
        return query, 0
    prologue = "".join(f"PREFIX {p}: <{ns}> " for p, ns in missing.items())
    return query._replace(text=prologue + query.text), len(prologue)


def syntax_error(query: CannedQuery, message: str, shift: int = 0) -> UserError:
    """One line: the user's file, line:column (line 1 moved back by ``shift``), what was expected."""
    found = re.match(r"error at (\d+):(\d+): (.*)", " ".join(message.split()))
    if not found:
        return UserError(f"{query.path}: SPARQL syntax error: {message}; fix the query")
    line, column, reason = int(found.group(1)), int(found.group(2)), found.group(3)
    if line == 1:
        column = max(column - shift, 1)
    if len(reason) > 120:  # pyoxigraph lists every character class it would accept
        reason = reason[:100].rsplit(",", 1)[0] + ", …"
    return UserError(f"{query.path}:{line}:{column}: SPARQL syntax error: {reason}; fix the query")
