"""The report's text on the site: each paragraph's Chinese text, with the quotes marked.

The text is the graph's own: ``schema:text "…"@zh`` on each ``ipbes:Paragraph`` (written by the
data's ``scripts/paragraph_texts.py`` from the extracted report; the cover and the staffing table
keep their lines). A paragraph without a text is an error, not an empty page: the report view
exists to show the text the quotes come from.

Quotes are located the way the data tests check them, with all whitespace removed, and mapped
back onto the displayed text. A quote's anchor is named by its offset and length in that
squashed text, so an entity page and a paragraph page compute the same ``#q-…`` fragment
independently.
"""

import itertools
import re
from collections.abc import Iterable
from html import escape
from typing import NamedTuple

import pyoxigraph as ox
from markupsafe import Markup

from ipbes_kg.site.model import PARAGRAPH, TEXT, Graph
from ipbes_kg.site.project import UserError


def squash(text: str) -> str:
    """Text with all whitespace removed: how quotes and texts are compared."""
    return re.sub(r"\s+", "", text)


def _graph_text(graph: Graph, paragraph: ox.NamedNode) -> str | None:
    texts = graph.literals(paragraph, TEXT)
    chosen = [t for t in texts if t.language == "zh"] or texts
    return chosen[0].value if chosen else None


def paragraph_texts(graph: Graph) -> dict[str, str]:
    """Paragraph IRI → its text (``schema:text``, Chinese preferred)."""
    texts: dict[str, str] = {}
    missing: list[str] = []
    for paragraph in graph.instances(PARAGRAPH):
        if not isinstance(paragraph, ox.NamedNode):
            continue
        text = _graph_text(graph, paragraph)
        if text is None:
            missing.append(paragraph.value.rsplit("/", 1)[-1])
        else:
            texts[paragraph.value] = text
    if missing:
        shown = ", ".join(missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        raise UserError(
            f"{len(missing)} paragraph(s) have no text in the graph (schema:text on the "
            f"ipbes:Paragraph): {shown}; use data whose paragraphs carry their text "
            "(python scripts/paragraph_texts.py writes it)"
        )
    return texts


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
