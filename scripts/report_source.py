"""The report's text cut into its citation units (paragraphs, sub-paragraphs, footnotes…).

Used by ``scripts/paragraph_texts.py`` (which writes each unit's text into ``data/documents.ttl``
as the ``schema:text`` of its ``para:`` entity) and by the tests; not part of the package.

The extraction from PDF keeps page headers and footnotes inline and breaks lines inside
sentences. Each unit's text here has page headers, URL artefacts and interrupting footnotes
removed, so a quote is checked against the unit it cites. Unit keys are the local names of
the ``para:`` IRIs: ``cover``, ``1`` … ``16``, ``10a``, ``heading-A``, ``fn3``, ``table``, ….
"""

import re

_PARAGRAPH = re.compile(r"^(\d{1,2})\. ")
_SUBPARAGRAPH = re.compile(r"^\(([a-e])\) ")
_HEADING_LETTER = re.compile(r"^\s*([A-D])\. ")
_HEADING_ROMAN = re.compile(r"^\s*([一二])、")
_FOOTNOTE = re.compile(r"^([1-9]) \S")
_SEPARATOR = re.compile(r"^ {20,}$")
_PAGE_HEADER = re.compile(r"^\s*(IPBES/7/2|\d{1,2})\s*$")
_ROMAN = {"一": "I", "二": "II"}


def squash(text: str) -> str:
    """Text with all whitespace removed: how quotes and sources are compared."""
    return re.sub(r"\s+", "", text)


def split_units(text: str) -> dict[str, str]:
    """Unit key → the unit's text, in reading order."""
    units: dict[str, list[str]] = {"cover": []}
    current = "cover"
    resume = current  # the unit a footnote interrupted
    in_notes = False
    note_open = False  # inside a footnote whose sentence has not ended yet
    for line in text.splitlines():
        if _SEPARATOR.match(line):
            in_notes, resume = True, current if not in_notes else resume
            continue
        if not line.strip() or _PAGE_HEADER.match(line):
            continue
        key = _unit_key(line, current)
        if in_notes:
            if _FOOTNOTE.match(line) or line.startswith("* "):
                key = "fn-agenda" if line[0] == "*" else f"fn{line[0]}"
            elif line.startswith("http"):
                continue  # the PDF's link annotation, not text
            elif not note_open:
                in_notes = False
                key = key if key != current else resume
            if in_notes:
                note_open = not line.rstrip().endswith("。")
        current = key
        units.setdefault(current, []).append(line.strip())
    return {key: "\n".join(lines) for key, lines in units.items()}


def _unit_key(line: str, current: str) -> str:
    if match := _PARAGRAPH.match(line):
        return match.group(1)
    if match := _SUBPARAGRAPH.match(line):
        parent = re.match(r"\d+", current)
        return f"{parent.group() if parent else ''}{match.group(1)}"
    if match := _HEADING_LETTER.match(line):
        return f"heading-{match.group(1)}"
    if match := _HEADING_ROMAN.match(line):
        return f"heading-{_ROMAN[match.group(1)]}"
    if line.strip() == "2018 年人员配置情况":
        return "table"
    if line.startswith("a 表示"):
        return "table-note-a"
    return current


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
LINE_UNITS = {"cover", "table"}  # lines are layout items here (title block, table rows): kept


def unit_text(key: str, text: str) -> str:
    """A unit's text as one reads it: the PDF's line breaks inside sentences joined (with a
    space where a Latin letter or a digit meets the break, as the text spaces "2018 年"), the lines of the cover and the table kept."""
    lines = text.split("\n")
    if key in LINE_UNITS:
        return "\n".join(lines)
    joined = lines[0]
    for line in lines[1:]:
        gap = " " if _ASCII_WORD.match(joined[-1]) or _ASCII_WORD.match(line[0]) else ""
        joined += gap + line
    return joined
