"""The '#+' header reader of canned queries: the YAML subset grlc headers use, read exactly as
PyYAML reads it, and one error line naming file:line for anything outside that subset."""

from pathlib import Path

import pytest
import yaml

from ipbes_kg.errors import UserError
from ipbes_kg.query import catalog

ROOT = Path(__file__).resolve().parents[1]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))


def _as_yaml(text: str) -> dict[str, object]:
    lines = [line[2:].removeprefix(" ") for line in text.splitlines() if line.startswith("#+")]
    loaded = yaml.safe_load("".join(f"{line}\n" for line in lines)) or {}
    assert isinstance(loaded, dict)
    return loaded


def _strings(value: object) -> object:
    """YAML types scalars (2018 is an int); the catalog keeps them as the text written."""
    if isinstance(value, list):
        return [_strings(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _strings(v) for k, v in value.items()}
    return value if value is None else str(value)


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_canned_headers_read_as_yaml_reads_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert catalog._header(text) == _strings(_as_yaml(text))


HEADERS = {
    "plain": "#+ summary: Who hosts what, 2014–2018 (IPBES/7/2:10)\n",
    "quoted": "#+ summary: 'it''s quoted'\n#+ description: \"double\"\n",
    "folded": "#+ description: >\n#+   one\n#+   two\n#+\n#+   new paragraph\n#+\n",
    "literal": "#+ description: |\n#+   line one\n#+     indented\n#+   line three\n",
    "lists": "#+ tags:\n#+   - a\n#+   - b-c\n#+ defaults:\n#+   - lang: en\n#+   - year: 2018\n",
    "empty list": "#+ tags:\n#+ summary: s\n",
    "no header": "SELECT * WHERE { ?s ?p ?o }\n",
    "stops at the query": "#+ summary: s\nSELECT * WHERE { ?s ?p ?o }\n#+ tags: x\n",
}


@pytest.mark.parametrize("text", HEADERS.values(), ids=list(HEADERS))
def test_header_forms_read_as_yaml_reads_them(text: str) -> None:
    expected = _as_yaml(text.split("SELECT")[0])
    assert catalog._header(text) == _strings(expected)


UNSUPPORTED = {
    "flow list": ("#+ tags: [a, b]\n", 1),
    "anchor": ("#+ summary: s\n#+ tags: &x a\n", 2),
    "colon and space in a plain value": ("#+ summary: a: b\n", 1),
    "comment after a value": ("#+ summary: s # note\n", 1),
    "escaped double quotes": ('#+ summary: "a\\tb"\n', 1),
    "no colon": ("#+ summary s\n", 1),
    "repeated key": ("#+ summary: a\n#+ summary: b\n", 2),
    "value and block": ("#+ summary: a\n#+   more\n", 2),
    "not an item": ("#+ tags:\n#+   a\n", 2),
    "more-indented folded line": ("#+ description: >\n#+   a\n#+     b\n", 3),
}


@pytest.mark.parametrize(("text", "line"), UNSUPPORTED.values(), ids=list(UNSUPPORTED))
def test_unsupported_header_is_one_error_naming_file_and_line(
    tmp_path: Path, text: str, line: int
) -> None:
    path = tmp_path / "q.rq"
    path.write_text(text + "SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        catalog.read_query(path)
    message = caught.value.message
    assert message.startswith(f"{path}:{line}: the '#+' header: ")
    assert "\n" not in message
