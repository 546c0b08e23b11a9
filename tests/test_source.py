"""Cutting the source into citation units: every line lands in the unit a reader would cite."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from report_source import split_units, squash, unit_text

EXPECTED_UNITS = [
    "cover", "1", "2", "3", "3a", "3b", "fn-agenda", "heading-I", "4", "5", "6", "7", "8",
    "fn1", "fn2", "9", "heading-A", "10", "10a", "10b", "10c", "10d", "heading-B",
    "11", "11a", "11b", "fn3", "11c", "11d", "heading-C", "12", "12a", "12b", "12c", "12d", "12e",
    "heading-D", "13", "13a", "13b", "13c", "13d", "13e", "fn4", "heading-II", "14", "15", "16",
    "table", "table-note-a",
]  # fmt: skip


def test_units_in_reading_order(source_text: str) -> None:
    assert list(split_units(source_text)) == EXPECTED_UNITS


def test_a_footnote_does_not_swallow_the_paragraph_it_interrupts(source_text: str) -> None:
    units = split_units(source_text)
    assert squash(units["fn3"]) == squash(
        "3 所有要素均可从 IPBES 网站 www.ipbes.net/guide-production-assessments 上下载。"
    )
    assert squash("在日本和瑞士提供的实物支助下，报告的定稿") in squash(units["11b"])
    assert units["11b"].endswith("年 12 月截止；")


def test_page_headers_and_link_artefacts_are_dropped(source_text: str) -> None:
    units = split_units(source_text)
    assert "IPBES/7/2\n" not in "\n".join(units.values())
    assert not any(line.startswith("http") for text in units.values() for line in text.splitlines())


def test_every_other_line_is_kept(source_text: str) -> None:
    kept = squash("".join(split_units(source_text).values()))
    for line in source_text.splitlines():
        text = line.strip()
        if text and not text.startswith("http") and text not in {"IPBES/7/2", "3"}:
            assert squash(text) in kept, text


def test_subparagraphs_take_their_parent_number() -> None:
    units = split_units("封面\n7. 甲\n(a) 乙\n(b) 丙\n8. 丁\n")
    assert units["7a"] == "(a) 乙" and units["7b"] == "(b) 丙" and units["8"] == "8. 丁"


def test_unit_text_joins_broken_lines_and_keeps_table_rows() -> None:
    assert unit_text("10b", "(b) 在 2018 年 4 月 21 日至 22\n日在纽约举行的\n知识体系") == (
        "(b) 在 2018 年 4 月 21 日至 22 日在纽约举行的知识体系"
    )
    assert unit_text("table", "职位 现状\n方案干事(P-3) 空缺") == "职位 现状\n方案干事(P-3) 空缺"
