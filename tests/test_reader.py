"""One strict reader: invalid RDF is refused by every command with the same file:line:column.

The bad files follow the families of the W3C Turtle negative-syntax tests (rdf-tests,
turtle/syntax/turtle-syntax-bad-*): bad escapes, keywords as subjects, bad local names, N3
extras, bad numeric escapes, bad strings, bad structure. rdflib accepts several of them (it
reads `<s> <p> "\\uWXYZ" .` and `true :p :o .`), which is why nothing here is read by rdflib.
The expected line and column are written beside each file: an independent oracle.
"""

import shutil
from pathlib import Path

import pytest
from conftest import assert_one_line_error, run_cli

from ipbes_kg.errors import UserError
from ipbes_kg.rdf.reader import load_store, read_triples

ROOT = Path(__file__).resolve().parents[1]
P = "@prefix : <http://example/> .\n"

# name -> (Turtle text, line, column of the first offending character: counted by hand, in
# characters, e.g. the 'W' of \uWXYZ, the '%' token's local name, the line break in a string)
BAD: dict[str, tuple[str, int, int]] = {
    # bad escapes (turtle-syntax-bad-esc-*, -uri-*)
    "bad-esc-01": ('<http://example/s> <http://example/p> "\\uWXYZ" .\n', 1, 42),
    "bad-esc-02": (P + ':s :p "a\\zb" .\n', 2, 9),
    "bad-uri-01": ("<http://example/ s> <http://example/p> <http://example/o> .\n", 1, 1),
    "bad-uri-02": ("<http://example/s> <http://example/p> <http://example/\\u00ZZ> .\n", 1, 59),
    # keywords as subjects (turtle-syntax-bad-kw-*)
    "bad-kw-01": (P + "true :p :o .\n", 2, 1),
    "bad-kw-02": (P + ":s true :o .\n", 2, 4),
    "bad-kw-03": (P + "a :p :o .\n", 2, 1),
    # bad local names and prefixes (turtle-syntax-bad-prefix-*, -ln-*)
    "bad-prefix-01": (":s <http://example/p> <http://example/o> .\n", 1, 1),
    "bad-prefix-02": ("@prefix x <http://example/> .\n", 1, 9),
    "bad-ln-dash-start": (P + ":s :p :-o .\n", 2, 8),
    "bad-ln-escape": (P + ":s :p :o%2 .\n", 2, 8),
    # N3 extras that are not Turtle (turtle-syntax-bad-n3-extras-*)
    "bad-n3-extras-01": (P + "{ :a :b :c } :d :e .\n", 2, 1),
    "bad-n3-extras-02": (P + ":a => :b .\n", 2, 4),
    "bad-n3-extras-03": (P + "@keywords a .\n", 2, 1),
    # bad numeric forms (turtle-syntax-bad-num-*)
    "bad-num-01": (P + ":s :p 123abc .\n", 2, 10),
    "bad-num-02": (P + ":s :p 1.2.3 .\n", 2, 10),
    # bad strings (turtle-syntax-bad-string-*)
    "bad-string-01": (P + ":s :p \"abc' .\n", 2, 7),
    "bad-string-02": (P + ':s :p "abc\ndef" .\n', 2, 11),
    "bad-string-03": (P + ":s :p '''abc .\n", 2, 7),
    # bad structure (turtle-syntax-bad-struct-*)
    "bad-struct-01": (P + ":s :p :o :o2 .\n", 2, 10),
    "bad-struct-02": (P + ":s :p :o , .\n", 2, 12),
    "bad-struct-03": (P + ":s :p .\n", 2, 7),
    "bad-struct-04": (P + '"lit" :p :o .\n', 2, 1),
    "bad-struct-05": (P + ":s :p :o\n", 3, 1),
}


def _write(folder: Path, name: str) -> Path:
    path = folder / f"{name}.ttl"
    path.write_text(BAD[name][0], encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(BAD))
def test_the_reader_refuses_the_file_at_its_position(name: str, tmp_path: Path) -> None:
    path = _write(tmp_path, name)
    _, line, column = BAD[name]
    with pytest.raises(UserError) as raised:
        read_triples(path)
    message = raised.value.message
    assert message.startswith(f"{path}:{line}:{column}: RDF syntax error: "), message
    with pytest.raises(UserError) as loaded:
        load_store([path])
    assert loaded.value.message == message


def _checkout(tmp_path: Path, bad: str) -> tuple[Path, Path]:
    """A copy of the checkout whose data folder holds one bad file."""
    home = tmp_path / "home"
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, home / part)
    return home, _write(home / "data", bad)


@pytest.mark.parametrize("name", ["bad-esc-01", "bad-kw-01", "bad-struct-01", "bad-uri-01"])
def test_every_command_reports_the_same_line_for_a_bad_file(name: str, tmp_path: Path) -> None:
    home, path = _checkout(tmp_path, name)
    expected = read_error(path)
    commands = [
        ("validate",),
        ("validate", str(path)),
        ("fmt", "--check", str(path)),
        ("build", "--out", str(tmp_path / "dist")),
        ("query", "tsu-count"),
        ("load", "--store", "oxigraph", "--endpoint", "http://127.0.0.1:9", str(path)),
    ]
    for command in commands:
        code, out, err = run_cli("--home", str(home), *command)
        assert_one_line_error(code, out, err, 2)
        assert err.strip() == f"error: {expected}", command
    assert not (tmp_path / "dist").exists() or not any((tmp_path / "dist").iterdir())


def read_error(path: Path) -> str:
    with pytest.raises(UserError) as raised:
        read_triples(path)
    return " ".join(raised.value.message.split())


def test_an_empty_file_and_a_byte_order_mark_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    bom = tmp_path / "bom.ttl"
    bom.write_bytes(b"\xef\xbb\xbf<http://a/s> <http://a/p> <http://a/o> .\n")
    for path, needle in ((empty, "empty"), (bom, ":1:1: the file starts with a byte-order mark")):
        with pytest.raises(UserError) as raised:
            read_triples(path)
        assert needle in raised.value.message


def test_columns_count_characters_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "zh.ttl"
    path.write_text(P + ':a :b "中文中文" :c .\n', encoding="utf-8")
    with pytest.raises(UserError) as raised:
        read_triples(path)
    assert raised.value.message.startswith(f"{path}:2:14:")


def test_blank_nodes_read_the_same_on_every_run_and_differ_between_files(tmp_path: Path) -> None:
    one, two = tmp_path / "a" / "shapes.ttl", tmp_path / "b" / "shapes.ttl"  # one name, twice
    for path in (one, two):
        path.parent.mkdir()
        path.write_text(P + ":s :p [ :q 1 ] .\n", encoding="utf-8")
    first, again, other = read_triples(one), read_triples(one), read_triples(two)
    assert first == again
    assert {t.subject for t in first} != {t.subject for t in other}
