"""Tables for people: aligned by display width in Chinese and English, wrapped, never cut."""

import pytest
from click.testing import CliRunner
from wcwidth import wcwidth

from ipbes_kg import KnowledgeGraph
from ipbes_kg.cli import cli
from ipbes_kg.query.table import cell_width, table
from ipbes_kg.rdf.terms import human

KG = KnowledgeGraph()
SELECTS = [q.name for q in KG.queries() if q.form == "SELECT"]
PARAMS = {"contributions-by-donor": {"donor": "place:JP"}}


def _columns(line: str) -> list[str]:
    """The line as one character per display column ('' for the right half of a wide one)."""
    out: list[str] = []
    for ch in line:
        out.append(ch)
        if wcwidth(ch) == 2:
            out.append("")
    return out


def _starts(header: str) -> list[int]:
    """Display columns where the dashed rule under the header starts each column."""
    starts, previous = [], " "
    for i, ch in enumerate(_columns(header)):
        if ch == "-" and previous == " ":
            starts.append(i)
        previous = ch
    return starts


def assert_aligned(text: str, limit: int | None) -> None:
    lines = text.splitlines()
    rule = next(line for line in lines if line.startswith("-"))
    starts = _starts(rule)
    for line in lines[:-1]:  # the last line is the row count
        cols = _columns(line)
        for start in starts[1:]:
            if start >= len(cols):
                continue
            # the two columns before each column are the gap, and no wide character straddles it
            assert cols[start - 2 : start] == [" ", " "], (line, start)
            assert cols[start] != "", (line, start)
        if limit is not None:
            assert len(cols) <= max(limit, cell_width(rule)), line


@pytest.mark.parametrize("width", [80, 160])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", SELECTS)
def test_every_canned_query_lines_up(name: str, lang: str, width: int) -> None:
    canned = KG.prepare(name)
    answer = KG.query(name, lang if canned.parameter("lang") else None, params=PARAMS.get(name))
    text = answer.serialize("table", width)
    assert_aligned(text, width)
    # nothing is cut: each column, read down, holds every cell of that column whole
    lines = text.splitlines()[:-1]
    starts = _starts(next(line for line in lines if line.startswith("-")))
    bounds = [*starts[1:], 10**6]
    down = [
        "".join("".join("".join(_columns(line)[a:b]).split()) for line in lines)
        for a, b in zip(starts, bounds, strict=True)
    ]
    for row in answer.terms():
        for i, variable in enumerate(answer.variables):
            if variable in row:
                shown = "".join(human(row[variable]).split())
                assert shown in down[i], (variable, shown)


def test_chinese_cells_pad_by_display_width() -> None:
    text = table(["a", "b"], [["洪堡", "x"], ["ab", "y"]], None)
    _, _, row1, row2, _ = text.splitlines()
    assert row1 == "洪堡  x" and row2 == "ab    y"


def test_long_cells_wrap_inside_their_column_and_curies_stay_whole() -> None:
    long = "technical support unit on indigenous and local knowledge"
    text = table(["tsu", "label"], [["tsu:invasive-alien-species", long]], 50)
    assert_aligned(text, 50)
    assert "tsu:invasive-alien-species" in text
    assert " ".join(text.split()).count("knowledge") == 1
    assert "…" not in text


def test_no_width_means_no_wrapping() -> None:
    long = "word " * 60
    text = table(["a", "b"], [["x", long.strip()]], None)
    assert len(text.splitlines()) == 4


def test_piped_cli_output_is_never_cut() -> None:
    result = CliRunner().invoke(cli, ["query", "tsu-hosts"])
    assert result.exit_code == 0
    assert "technical support unit on indigenous and local knowledge" in result.output
    assert "…" not in result.output


def test_cli_width_is_honoured_down_to_20() -> None:
    result = CliRunner().invoke(cli, ["query", "tsu-hosts", "--lang", "zh", "--width", "20"])
    assert result.exit_code == 0
    assert_aligned(result.output, None)
    narrow = CliRunner().invoke(cli, ["query", "tsu-hosts", "--lang", "zh", "--width", "100"])
    assert_aligned(narrow.output, 100)
    assert max(cell_width(line) for line in narrow.output.splitlines()) <= 100
