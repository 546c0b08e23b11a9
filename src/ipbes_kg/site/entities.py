"""The page of one entity: labels, types, every property, incoming links and provenance.

Provenance is shown per cited paragraph with the quotes found in it, each quote linking to its
place in the paragraph's page (the same ``#q-…`` anchor the report view writes). Resources
that carry their own provenance and point at the entity (a reified statement, an annotation:
anything with ``ipbes:quote`` and no label of its own) are rendered inline as statements,
whatever their shape, so per-statement provenance appears as soon as the data has it.
"""

from typing import Any

import pyoxigraph as ox
from markupsafe import Markup

from ipbes_kg.namespaces import curie
from ipbes_kg.site.model import (
    DERIVED_FROM,
    LABEL,
    QUOTE,
    TYPE,
    Graph,
    Subject,
    Term,
)
from ipbes_kg.site.render import Renderer
from ipbes_kg.site.text import locate

PROVENANCE = (DERIVED_FROM, QUOTE)


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


def is_statement(graph: Graph, resource: Subject) -> bool:
    """A resource with its own provenance but no label: a statement, not an entity."""
    return bool(graph.objects(resource, QUOTE)) and not graph.objects(resource, LABEL)


def quotes_by_paragraph(
    graph: Graph, subject: Subject, texts: dict[str, str]
) -> tuple[list[tuple[ox.NamedNode, list[tuple[str, str | None]]]], list[str]]:
    """Each cited paragraph with the quotes located in it (text, anchor), and the rest."""
    quotes = sorted(q.value for q in graph.objects(subject, QUOTE) if isinstance(q, ox.Literal))
    paragraphs = [p for p in graph.objects(subject, DERIVED_FROM) if isinstance(p, ox.NamedNode)]
    placed: set[str] = set()
    cited = []
    for paragraph in paragraphs:
        found: list[tuple[str, str | None]] = []
        text = texts.get(paragraph.value)
        for quote in quotes:
            where = locate(text, quote) if text is not None else None
            if where is not None:
                found.append((quote, where[2]))
                placed.add(quote)
        cited.append((paragraph, found))
    return cited, [q for q in quotes if q not in placed]


def provenance(
    r: Renderer, subject: Subject, texts: dict[str, str], here: str
) -> tuple[list[dict[str, Any]], list[str]]:
    cited, unlocated = quotes_by_paragraph(r.graph, subject, texts)
    items = []
    for paragraph, quotes in cited:
        target = r.href(paragraph, here)
        rows = [
            {"text": text, "href": f"{target}#{anchor}" if target and anchor else None}
            for text, anchor in quotes
        ]
        items.append({"paragraph": r.link(paragraph, here), "quotes": rows})
    return items, unlocated


def _content_key(graph: Graph, resource: Subject) -> list[tuple[str, str]]:
    """What a statement says, for a stable order (a blank node's label changes every load)."""
    return [
        (str(p), "" if isinstance(o, ox.BlankNode) else str(o)) for p, o in graph.outgoing(resource)
    ]


def statements(
    r: Renderer, subject: Subject, texts: dict[str, str], here: str
) -> list[dict[str, Any]]:
    found = sorted(
        {s for s, _ in r.graph.incoming(subject) if s != subject and is_statement(r.graph, s)},
        key=lambda s: (_content_key(r.graph, s), str(s)),
    )
    result = []
    for resource in found:
        rows = grouped(r, r.graph.outgoing(resource), here)
        title = (
            r.link(resource, here) if isinstance(resource, ox.NamedNode) else Markup("Statement")
        )
        prov, _ = provenance(r, resource, texts, here)
        for item in prov:
            quotes = [
                Markup('<q lang="zh"><a href="{}">{}</a></q>').format(q["href"], q["text"])
                if q["href"]
                else Markup('<q lang="zh">{}</q>').format(q["text"])
                for q in item["quotes"]
            ]
            rows.append({"name": Markup("source"), "values": [item["paragraph"], *quotes]})
        result.append({"title": title, "rows": rows})
    return result


def entity_context(
    r: Renderer, subject: ox.NamedNode, here: str, texts: dict[str, str]
) -> dict[str, Any]:
    """What ``entity.html`` shows for ``subject`` (the paragraph and diagram parts excepted)."""
    graph = r.graph
    outgoing = graph.outgoing(subject)
    incoming = [
        (s, p) for s, p in graph.incoming(subject) if s != subject and not is_statement(graph, s)
    ]
    prov, unlocated = provenance(r, subject, texts, here)
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
        "properties": grouped(r, outgoing, here),
        "incoming": [
            {"subject": r.link(s, here), "property": r.predicate(p, here)} for s, p in incoming
        ],
        "provenance": prov,
        "unlocated": unlocated,
        "statements": statements(r, subject, texts, here),
    }
