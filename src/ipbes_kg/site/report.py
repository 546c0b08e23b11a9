"""The report view: each paragraph's text with every quoted entity linked at its quote.

Paragraph pages are the entity pages of the ``ipbes:Paragraph`` IRIs (one page per IRI, no
second copy of the report), with the text, a table of the quotes found in it, and links to
the previous and next paragraph in the report's reading order (``schema:position``).
"""

from typing import Any

import pyoxigraph as ox

from ipbes_kg.site.entities import is_statement
from ipbes_kg.site.model import (
    DERIVED_FROM,
    NOTATION,
    PARAGRAPH,
    POSITION,
    QUOTE,
    TYPE,
    Graph,
    Subject,
    Term,
)
from ipbes_kg.site.render import Renderer
from ipbes_kg.site.text import Mark, annotate, locate

TARGET_LINKS = (
    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"),
    ox.NamedNode("http://www.w3.org/ns/oa#hasTarget"),
)


def reading_order(graph: Graph) -> list[ox.NamedNode]:
    """The paragraphs in the order of ``schema:position`` (then IRI)."""

    def key(paragraph: ox.NamedNode) -> tuple[int, str]:
        position = graph.value(paragraph, POSITION)
        try:
            return (int(position.value) if position is not None else 10**9, paragraph.value)
        except ValueError:
            return (10**9, paragraph.value)

    return sorted((p for p in graph.instances(PARAGRAPH) if isinstance(p, ox.NamedNode)), key=key)


def subject_of(r: Renderer, resource: Subject) -> Term:
    """What a quote of ``resource`` is about: itself, or for a statement, the entity it targets."""
    if not is_statement(r.graph, resource):
        return resource
    candidates = [o for p in TARGET_LINKS for o in r.graph.objects(resource, p)]
    candidates += [
        o
        for p, o in r.graph.outgoing(resource)
        if p not in (TYPE, DERIVED_FROM) and not r.graph.is_a(o, PARAGRAPH)
    ]
    for candidate in candidates:
        if r.target(candidate) is not None:
            return candidate
    return resource


def paragraph_context(
    r: Renderer, paragraph: ox.NamedNode, text: str, here: str, order: list[ox.NamedNode]
) -> dict[str, Any]:
    marks: list[Mark] = []
    quoted: list[dict[str, Any]] = []
    for own in r.graph.literals(paragraph, QUOTE):  # the paragraph's own quotes: anchors only
        if (where := locate(text, own.value)) is not None:
            marks.append(Mark(where[0], where[1], where[2], "", ""))
    for resource in r.graph.subjects(DERIVED_FROM, paragraph):
        if resource == paragraph:
            continue
        entity = subject_of(r, resource)
        href = r.href(entity, here)
        for quote in sorted(q.value for q in r.graph.objects(resource, QUOTE)):
            where = locate(text, quote)
            if where is None:
                continue
            start, end, anchor = where
            if href is not None:
                marks.append(Mark(start, end, anchor, href, r.graph.any_label(entity)))
            quoted.append(
                {"entity": r.link(entity, here), "quote": quote, "href": f"#{anchor}", "at": start}
            )
    quoted.sort(key=lambda row: (row["at"], row["quote"], str(row["entity"])))
    index = order.index(paragraph) if paragraph in order else -1
    previous = order[index - 1] if index > 0 else None
    following = order[index + 1] if 0 <= index < len(order) - 1 else None
    return {
        "html": annotate(text, marks),
        "quoted": quoted,
        "previous": r.link(previous, here) if previous is not None else None,
        "next": r.link(following, here) if following is not None else None,
    }


def index_context(r: Renderer, texts: dict[str, str], here: str) -> dict[str, Any]:
    rows = []
    for paragraph in reading_order(r.graph):
        notation = r.graph.value(paragraph, NOTATION)
        text = texts.get(paragraph.value, "")
        rows.append(
            {
                "notation": notation.value if notation is not None else "",
                "link": r.link(paragraph, here),
                "excerpt": text[:60] + ("…" if len(text) > 60 else ""),
                "quotes": sum(1 for _ in r.graph.subjects(DERIVED_FROM, paragraph)),
            }
        )
    return {"title": "The report IPBES/7/2", "rows": rows}
