"""The page of one entity: labels, types, every property, incoming links and provenance.

Provenance is one row per provenance resource (see ``provenance.py``): the paragraphs it cites,
each quote linked to its place in the paragraph's page (the ``#q-…`` anchor the report view
writes), and what else the resource says (the properties it supports, a curator's basis…).
Hash-IRI resources get their fragment as the row's id, so their IRIs resolve to the row.
"""

from typing import Any

import pyoxigraph as ox
from markupsafe import Markup

from ipbes_kg.site.model import QUOTE, TYPE, Subject, Term
from ipbes_kg.site.paths import split_fragment
from ipbes_kg.site.project import curie
from ipbes_kg.site.provenance import Statements
from ipbes_kg.site.render import Renderer
from ipbes_kg.site.text import locate


def grouped(r: Renderer, pairs: list[tuple[ox.NamedNode, Term]], here: str) -> list[dict[str, Any]]:
    """``[{name, values}]``: one row per predicate, values linked, in sorted order."""
    rows: list[dict[str, Any]] = []
    for predicate, obj in pairs:
        if not rows or rows[-1]["predicate"] != predicate:
            rows.append(
                {"predicate": predicate, "name": r.predicate(predicate, here), "values": []}
            )
        rows[-1]["values"].append(r.link(obj, here))
    return rows


def quote_links(
    r: Renderer, st: Statements, resource: Term, texts: dict[str, str], here: str
) -> list[dict[str, Any]]:
    """Each quote of ``resource`` with a link to where it stands in a cited paragraph."""
    found = []
    for quote in st.quotes(resource):
        href = None
        for paragraph in st.paragraphs(resource):
            text = texts.get(paragraph.value)
            where = locate(text, quote) if text is not None else None
            target = r.href(paragraph, here)
            if where is not None and target is not None:
                href = f"{target}#{where[2]}"
                break
        found.append({"text": quote, "href": href})
    return found


def provenance_rows(
    r: Renderer, st: Statements, entity: ox.NamedNode, texts: dict[str, str], here: str
) -> list[dict[str, Any]]:
    rows = []
    resources: list[Subject] = [entity] if st.quotes(entity) else []
    for resource in [*resources, *st.of(entity)]:
        paragraphs = st.paragraphs(resource)
        fragment = split_fragment(resource.value)[1] if isinstance(resource, ox.NamedNode) else ""
        states = (
            []
            if resource == entity  # its own properties are in the table above
            else [
                (p, o)
                for p, o in r.graph.outgoing(resource)
                if p not in (TYPE, QUOTE) and o not in paragraphs and o != entity
            ]
        )
        rows.append(
            {
                "id": fragment,
                "kind": [r.link(t, here) for t in r.graph.objects(resource, TYPE)]
                if resource != entity
                else [],
                "paragraphs": [r.link(p, here) for p in paragraphs],
                "quotes": quote_links(r, st, resource, texts, here),
                "states": grouped(r, states, here),
            }
        )
    return rows


def entity_context(
    r: Renderer, st: Statements, subject: ox.NamedNode, here: str, texts: dict[str, str]
) -> dict[str, Any]:
    """What ``entity.html`` shows for ``subject`` (the paragraph and diagram parts excepted)."""
    graph = r.graph
    shown = set(st.of(subject))
    incoming = [(s, p) for s, p in graph.incoming(subject) if s != subject and s not in shown]
    zh, en = graph.label(subject, "zh"), graph.label(subject, "en")
    heading = (
        r.name(subject) if (zh or en) else Markup("<code>{}</code>").format(curie(subject.value))
    )
    return {
        "title": en or zh or curie(subject.value),
        "heading": heading,
        "iri": subject.value,
        "short": curie(subject.value) if not curie(subject.value).startswith("<") else "",
        "types": [r.link(t, here) for t in graph.objects(subject, TYPE)],
        "properties": grouped(r, graph.outgoing(subject), here),
        "incoming": [
            {"subject": r.link(s, here), "property": r.predicate(p, here)} for s, p in incoming
        ],
        "provenance": provenance_rows(r, st, subject, texts, here),
    }
