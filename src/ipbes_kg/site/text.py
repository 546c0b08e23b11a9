"""The report's text on the site: each paragraph's Chinese text, with the quotes marked.

The text is read from the graph when the paragraphs carry it (``schema:text "…"@zh`` on each
``ipbes:Paragraph``); until they do, from the extracted source text (``$IPBES_KG_SOURCE``, else
``../shared/source/IPBES-7-2.zh.txt`` beside the checkout) cut by ``ipbes_kg.source``. A
paragraph with no text from either is an error: a page without the text it annotates would
silently lose the point of the report view.

Quotes are located the way the tests check them, with all whitespace removed (the extraction
breaks lines inside sentences), and mapped back onto the displayed text. A quote's anchor is
named by its offset and length in that squashed text, so an entity page and a paragraph page
compute the same ``#q-…`` fragment independently.
"""

import itertools
import os
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from markupsafe import Markup

from ipbes_kg.errors import UserError
from ipbes_kg.resources import Home
from ipbes_kg.site.model import PARAGRAPH, TEXT, Graph
from ipbes_kg.source import split_units, squash

SOURCE_ENV = "IPBES_KG_SOURCE"
PARA = "https://w3id.org/ipbes-kg/id/document/IPBES-7-2/para/"
KEEP_LINES = ("table",)  # units whose line breaks are part of the content


def default_source(home: Home) -> Path:
    chosen = os.environ.get(SOURCE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return home.root.parent / "shared" / "source" / "IPBES-7-2.zh.txt"


def _graph_text(graph: Graph, paragraph: ox.NamedNode) -> str | None:
    texts = [t for t in graph.objects(paragraph, TEXT) if isinstance(t, ox.Literal)]
    chosen = [t for t in texts if t.language == "zh"] or texts
    return chosen[0].value if chosen else None


def paragraph_texts(graph: Graph, source: Path) -> dict[str, str]:
    """Paragraph IRI → its text for display, from the graph first, else from ``source``."""
    paragraphs = [p for p in graph.instances(PARAGRAPH) if isinstance(p, ox.NamedNode)]
    texts: dict[str, str] = {}
    missing: list[ox.NamedNode] = []
    for paragraph in paragraphs:
        text = _graph_text(graph, paragraph)
        if text is None:
            missing.append(paragraph)
        else:
            texts[paragraph.value] = text
    if not missing:
        return texts
    try:
        units = split_units(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(
            f"{len(missing)} paragraphs have no schema:text in the graph and the source text "
            f"cannot be read ({source}: {getattr(exc, 'strerror', None) or exc}); "
            f"set ${SOURCE_ENV} to IPBES-7-2.zh.txt or use data with paragraph texts"
        ) from exc
    unknown = []
    for paragraph in missing:
        key = paragraph.value.removeprefix(PARA)
        if key in units:
            texts[paragraph.value] = display_text(units[key], keep_lines=key in KEEP_LINES)
        else:
            unknown.append(key)
    if unknown:
        raise UserError(
            f"no text for paragraph(s) {', '.join(sorted(unknown))}: not in the graph "
            f"(schema:text) and not a unit of {source}"
        )
    return texts


def display_text(text: str, keep_lines: bool = False) -> str:
    """Lines joined back into running text (Chinese needs no space; Latin words keep one)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if keep_lines:
        return "\n".join(lines)
    joined = ""
    for line in lines:
        if joined and joined[-1].isascii() and joined[-1].isalnum() and line[0].isascii():
            joined += " "
        joined += line
    return joined


class Mark(NamedTuple):
    """A quote located in a paragraph's text: characters ``start:end`` link to ``href``
    (an empty ``href`` only anchors the quote)."""

    start: int
    end: int
    anchor: str
    href: str
    title: str


def locate(text: str, quote: str) -> tuple[int, int, str] | None:
    """``(start, end, anchor)`` of ``quote`` in ``text``, whitespace ignored; None if absent."""
    positions = [i for i, char in enumerate(text) if not char.isspace()]
    squashed = "".join(text[i] for i in positions)
    needle = squash(quote)
    found = squashed.find(needle) if needle else -1
    if found < 0:
        return None
    return positions[found], positions[found + len(needle) - 1] + 1, f"q-{found}-{len(needle)}"


def annotate(text: str, marks: Iterable[Mark]) -> Markup:
    """HTML of ``text`` where each quoted run links to the entity of its shortest quote."""
    marks = sorted(set(marks), key=lambda m: (m.start, m.end, m.href, m.anchor))
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    html: list[str] = []
    anchored: set[str] = set()
    for start, end in itertools.pairwise(cuts):
        for mark in marks:
            if mark.start == start and mark.anchor not in anchored:
                anchored.add(mark.anchor)
                html.append(f'<span id="{mark.anchor}"></span>')
        piece = escape(text[start:end]).replace("\n", "<br>\n")
        covering = [m for m in marks if m.href and m.start <= start and end <= m.end]
        if not covering:
            html.append(piece)
            continue
        best = min(covering, key=lambda m: (m.end - m.start, m.href))
        html.append(
            f'<a class="quote" href="{escape(best.href)}" title="{escape(best.title)}">{piece}</a>'
        )
    return Markup("".join(html))
