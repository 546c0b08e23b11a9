"""The report view: each paragraph's text with every quoted entity linked at its quote.

Paragraph pages are the entity pages of the ``ipbes:Paragraph`` IRIs (one page per IRI, no
second copy of the report), with the text, a table of the quotes found in it, and links to
the previous and next paragraph in the report's reading order (``schema:position``).
"""

from typing import Any

import pyoxigraph as ox

from ipbes_kg.site.model import NOTATION, PARAGRAPH, POSITION, TYPE, Graph, Subject, Term
from ipbes_kg.site.provenance import Statements
from ipbes_kg.site.render import Renderer
from ipbes_kg.site.text import Mark, annotate, locate


def reading_order(graph: Graph) -> list[ox.NamedNode]:
    """The paragraphs in the order of ``schema:position`` (then IRI)."""

    def key(paragraph: ox.NamedNode) -> tuple[int, str]:
        position = graph.value(paragraph, POSITION)
        try:
            return (int(position.value) if position is not None else 10**9, paragraph.value)
        except ValueError:
            return (10**9, paragraph.value)

    paragraphs = [p for p in graph.instances(PARAGRAPH) if isinstance(p, ox.NamedNode)]
    return sorted(paragraphs, key=key)


def quoted_entity(r: Renderer, st: Statements, resource: Subject) -> tuple[Term, Term]:
    """(the entity a quote is about, what its mark links to) for a resource with quotes:
    an entity links to its page, a provenance resource to its row on its entity's page."""
    if isinstance(resource, ox.NamedNode) and "#" not in resource.value:
        return resource, resource
    owner = st.owner(resource)
    if owner is not None:
        return owner, resource if r.target(resource) is not None else owner
    for predicate, obj in r.graph.outgoing(resource):
        if predicate != TYPE and not r.graph.is_a(obj, PARAGRAPH) and r.target(obj) is not None:
            return obj, obj
    return resource, resource


def citing(r: Renderer, st: Statements, paragraph: ox.NamedNode) -> list[Subject]:
    """The resources with quotes that cite ``paragraph`` (by any property)."""
    found = {s for s, _ in r.graph.incoming(paragraph) if s != paragraph and st.quotes(s)}
    return sorted(found, key=str)


def paragraph_context(
    r: Renderer,
    st: Statements,
    paragraph: ox.NamedNode,
    text: str,
    here: str,
    order: list[ox.NamedNode],
) -> dict[str, Any]:
    marks: list[Mark] = []
    quoted: list[dict[str, Any]] = []
    for own in st.quotes(paragraph):  # the paragraph's own quotes: anchors only
        if (where := locate(text, own)) is not None:
            marks.append(Mark(where[0], where[1], where[2], "", ""))
    for resource in citing(r, st, paragraph):
        entity, linked = quoted_entity(r, st, resource)
        href = r.href(linked, here)
        for quote in st.quotes(resource):
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


def index_context(r: Renderer, st: Statements, texts: dict[str, str], here: str) -> dict[str, Any]:
    rows = []
    for paragraph in reading_order(r.graph):
        notation = r.graph.value(paragraph, NOTATION)
        text = " ".join(texts.get(paragraph.value, "").split())
        rows.append(
            {
                "notation": notation.value if notation is not None else "",
                "link": r.link(paragraph, here),
                "excerpt": text[:60] + ("…" if len(text) > 60 else ""),
                "quotes": len(citing(r, st, paragraph)),
            }
        )
    return {"title": "The report IPBES/7/2", "rows": rows}
