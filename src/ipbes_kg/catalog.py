"""Canned queries: self-describing ``.rq`` files with grlc headers and BASIL parameters.

The file is the single source of truth: ``#+ summary:``, ``#+ description:``, ``#+ tags:`` and
``#+ defaults:`` in the leading comment block (YAML), parameters from the variables:
``?_name`` required, ``?__name`` optional, with a type suffix ``_iri``, ``_integer``,
``_xsd_<datatype>`` or a language tag (``_en``); no suffix means a plain string.
"""

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ipbes_kg import sparql_text
from ipbes_kg.errors import UserError

XSD = "http://www.w3.org/2001/XMLSchema#"
_BASIL = re.compile(r"^(__?)([A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*)$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_NAMED_TYPES = {"integer": XSD + "integer", "decimal": XSD + "decimal", "boolean": XSD + "boolean"}


@dataclass(frozen=True)
class Parameter:
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


@dataclass(frozen=True)
class CannedQuery:
    name: str
    path: Path
    text: str
    form: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def signature(self) -> str:
        return ", ".join(p.describe() for p in self.parameters) or "no parameters"


def _header(text: str) -> dict[str, object]:
    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[2:].removeprefix(" "))
        elif line.strip() and not line.startswith("#"):
            break
    if not lines:
        return {}
    loaded = yaml.safe_load("\n".join(lines))
    return loaded if isinstance(loaded, dict) else {}


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
    try:
        header = _header(text)
    except yaml.YAMLError as exc:
        raise UserError(
            f"{path}: the '#+' header is not valid YAML ({exc}); fix the header"
        ) from exc
    defaults = _defaults(header.get("defaults"))
    params = [p for v in sparql_text.variables(text) if (p := _parameter(v, defaults))]
    tags = header.get("tags") or []
    return CannedQuery(
        name=name or path.stem,
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
    names = sorted(p.stem for p in folder.glob("*.rq"))
    close = difflib.get_close_matches(name_or_path, names, n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise UserError(f"unknown query '{name_or_path}'; {hint}run 'ipbes-kg queries' to list them")
