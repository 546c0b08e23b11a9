"""validate/lexer.py: the one-match pieces record what the token-by-token scan records.

The scanner reads the commonest piece of a statement (a predicate, its objects, the ";" or "."
after them, on one line) in one regular-expression match, and everything else token by token.
The oracle is the scanner itself with the one-match path switched off, on every Turtle file of
the project and on layouts written to exercise each way into and out of that path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ipbes_kg.validate import lexer, locate
from ipbes_kg.validate.locate import Locator

ROOT = Path(__file__).resolve().parents[1]
TURTLE = sorted(
    p for folder in ("ontology", "data", "tests/fixtures") for p in (ROOT / folder).rglob("*.ttl")
)

LAYOUTS = """\
@prefix ex: <http://example.org/> .
PREFIX x: <http://example.org/x/>
ex:a a ex:Thing ; ex:p ex:b , ex:c ,ex:d;ex:q "one" , 'two'@en-GB , "3"^^ex:int ;
    ex:r 12 ; ex:s 1.5e3 , -.5 , +7 ; ex:t true , false ;
    ex:u <http://example.org/e> ; # a comment after a piece
    ex:v \"\"\"long
text\"\"\" ; ex:w [ ex:p ex:in ; ex:q ex:in2 ] ; ex:x ( ex:l1 ex:l2 ) ;
    x:y ex:o.p ; ex:z "esc \\" quote" ;
.
ex:b ex:p 12.
ex:c ex:p ex:o . ex:d ex:p ex:o2 ; .
[ ex:p ex:o ] ex:q ex:o3 .
<http://example.org/f> <http://example.org/p> <http://example.org/g> ; ex:p ex:loc\\-al .
"""


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[lexer.Positions, lexer.Positions]:
    fast = lexer.scan(text)
    with monkeypatch.context() as patch:
        patch.setattr(lexer, "_UNIT", re.compile(r"(?!)"))  # never matches: token by token
        slow = lexer.scan(text)
    return fast, slow


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_project_files_scan_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(path.read_text(encoding="utf-8"), monkeypatch)
    assert fast == slow


def test_layouts_scan_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(LAYOUTS, monkeypatch)
    assert fast == slow


def _at(line: int, written: str) -> tuple[int, int]:
    """(line, column) of the first ``written`` on that line of LAYOUTS, found by text search."""
    return line, LAYOUTS.splitlines()[line - 1].index(written) + 1


def test_positions_of_the_layouts() -> None:
    found = lexer.scan(LAYOUTS)
    ex = "http://example.org/"
    assert found.predicates[(ex + "a", ex + "q")] == _at(3, "ex:q")
    assert found.objects[(ex + "a", ex + "p", ex + "d")] == _at(3, "ex:d")
    assert found.predicates[(ex + "a", ex + "s")] == _at(4, "ex:s")
    assert found.objects[(ex + "a", "http://example.org/x/y", ex + "o.p")] == _at(8, "ex:o.p")
    assert found.predicates[(ex + "a", ex + "z")] == _at(8, "ex:z")
    assert found.predicates[(ex + "a", ex + "w")] == _at(7, "ex:w")
    # "12." ends the statement: the integer is 12, and the next subjects start statements
    assert [(iri, line) for iri, line, _ in found.starts][1:4] == [
        (ex + "b", 10), (ex + "c", 11), (ex + "d", 11),
    ]  # fmt: skip
    assert found.objects[(ex + "f", ex + "p", ex + "loc-al")] == _at(13, "ex:loc")
    assert (5, 35, "# a comment after a piece") in found.comments


@pytest.mark.parametrize("path", TURTLE, ids=lambda p: str(p.relative_to(ROOT)))
def test_statements_start_where_the_scan_says(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    split = lexer.statements(text)
    assert split is not None
    assert [(s.subject, s.line, s.column) for s in split if s.subject] == lexer.scan(text).starts


@pytest.mark.parametrize(
    "path",
    [ROOT / "data" / "tsus.ttl", ROOT / "ontology" / "ipbes.ttl", None],
    ids=["tsus", "ipbes", "layouts"],
)
def test_statements_scanned_alone_locate_as_the_whole_file(
    path: Path | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if path is None:
        path = tmp_path / "layouts.ttl"
        path.write_text(LAYOUTS, encoding="utf-8")
    whole = lexer.scan(path.read_text(encoding="utf-8"))
    questions = [(s, p, None) for s, p in whole.predicates] + list(whole.objects)
    split = Locator([path])
    assert split.starts and all(
        place[3] is not None for ps in split.starts.values() for place in ps
    )
    with monkeypatch.context() as patch:
        patch.setattr(locate, "statements", lambda text: None)  # as if it could not split
        scanned = Locator([path])
        assert [(s, p, o, scanned.find(s, p, o)) for s, p, o in questions] == [
            (s, p, o, split.find(s, p, o)) for s, p, o in questions
        ]
        assert scanned.duplicates() == split.duplicates()


def test_statement_split_refuses_what_it_cannot_read() -> None:
    assert lexer.statements('@prefix ex: <http://example.org/> .\nex:a ex:p "open') is None
    assert lexer.statements("") == []


@pytest.mark.parametrize(
    "path",
    [ROOT / "data" / "tsus.ttl", ROOT / "ontology" / "ipbes.ttl", None],
    ids=["tsus", "ipbes", "layouts"],
)
def test_a_scan_up_to_a_property_finds_it_where_the_whole_scan_does(
    path: Path | None, tmp_path: Path
) -> None:
    if path is None:
        path = tmp_path / "layouts.ttl"
        path.write_text(LAYOUTS, encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    split = lexer.statements(text)
    assert split
    asked = 0
    for s in split:
        at = {"line": s.line, "line_start": s.line_start, "prefixes": s.prefixes, "single": True}
        whole = lexer.scan(text, s.start, **at)  # type: ignore[arg-type]
        for pair, position in whole.predicates.items():
            partial = lexer.scan(text, s.start, until=pair, **at)  # type: ignore[arg-type]
            assert partial.predicates[pair] == position, (path.name, s.line, pair)
            asked += 1
    assert asked > len(split)
