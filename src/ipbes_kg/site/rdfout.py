"""Each page's description as data: Turtle and JSON-LD written by pyoxigraph's serializers.

Triples are sorted before they are written (pyoxigraph writes them in the order given), and
only the prefixes a document uses are declared, so each file is a pure function of the graph.
JSON-LD is pyoxigraph's expanded form, re-dumped with sorted keys and arrays: any JSON-LD
processor can compact it with the published ``context.jsonld`` of ``ipbes-kg build``.
"""

import json
from collections.abc import Sequence
from typing import Any

import pyoxigraph as ox

from ipbes_kg.site.project import PREFIXES


def _used_prefixes(triples: Sequence[ox.Triple]) -> dict[str, str]:
    iris: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    used = {}
    for prefix, namespace in sorted(PREFIXES.items()):
        if any(iri.startswith(namespace) and len(iri) > len(namespace) for iri in iris):
            used[prefix] = namespace
    return used


def _sorted(triples: Sequence[ox.Triple]) -> list[ox.Triple]:
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def turtle(triples: Sequence[ox.Triple]) -> bytes:
    """Turtle with the used prefixes, declared in alphabetical order (pyoxigraph's own order
    of prefix lines is not fixed)."""
    ordered = _sorted(triples)
    data = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=_used_prefixes(ordered))
    assert data is not None  # serialize returns bytes when given no output
    lines = data.decode("utf-8").split("\n")
    head = [line for line in lines if line.startswith("@prefix ")]
    body = lines[len(head) :]
    if lines[: len(head)] != head:  # prefix lines not all first: leave the text as written
        return data
    return "\n".join([*sorted(head), *body]).encode("utf-8")


def _sort_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sort_json(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        items = [_sort_json(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def jsonld(triples: Sequence[ox.Triple]) -> bytes:
    raw = ox.serialize(_sorted(triples), format=ox.RdfFormat.JSON_LD)
    assert raw is not None  # serialize returns bytes when given no output
    document = _sort_json(json.loads(raw))
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
