"""``search`` hits and ``show`` records as text (table), JSON or Turtle.

Kept apart from the gathering (``search``, ``entity``) so the Python API returns objects and
the CLI only chooses a format. Tables use the display-width-aware ``query.table``.
"""

import json

from wcwidth import wrap

from ipbes_kg.explore.entity import Entity, Link
from ipbes_kg.explore.search import Hit
from ipbes_kg.query.formats import turtle
from ipbes_kg.query.table import table
from ipbes_kg.rdf.names import curie

SHOW_FORMATS = ("table", "json", "ttl")
SEARCH_FORMATS = ("table", "json")
BOTH = ("en", "zh")


def _langs(lang: str | None) -> tuple[str, ...]:
    return (lang,) if lang else BOTH


def hits_text(hits: list[Hit], fmt: str = "table", width: int | None = None) -> str:
    if fmt == "json":
        doc = [
            {
                "iri": h.iri,
                "curie": h.curie,
                "labels": h.labels,
                "kind": h.kind,
                "types": [curie(t) for t in h.types],
                "matched": h.matched,
                "rank": h.rank,
            }
            for h in hits
        ]
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if not hits:
        return "(no matches)\n"
    rows = [[h.curie, h.labels.get("en", ""), h.labels.get("zh", ""), h.kind] for h in hits]
    return table(["entity", "en", "zh", "kind"], rows, width, count=False)


def _link_row(link: Link, langs: tuple[str, ...]) -> list[str]:
    value = link.value
    text = value.text + (f" @{value.language}" if value.language else "")
    return [curie(link.predicate), text, *(link.labels.get(lang, "") for lang in langs)]


def _link_json(link: Link, langs: tuple[str, ...], key: str) -> dict[str, object]:
    doc: dict[str, object] = {"property": curie(link.predicate), key: link.value.text}
    if link.value.language:
        doc["language"] = link.value.language
    labels = {lang: link.labels[lang] for lang in langs if lang in link.labels}
    if labels:
        doc["labels"] = labels
    return doc


def entity_json(e: Entity, lang: str | None = None) -> dict[str, object]:
    langs = _langs(lang)
    return {
        "iri": e.iri,
        "curie": e.curie,
        "types": [curie(t) for t in e.types],
        "labels": {k: v for k, v in e.labels.items() if k in langs},
        "properties": [_link_json(link, langs, "value") for link in e.properties],
        "incoming": [_link_json(link, langs, "from") for link in e.incoming],
        "provenance": [
            {
                "paragraph": curie(s.paragraph),
                "notation": s.notation,
                "labels": {k: v for k, v in s.labels.items() if k in langs},
                "quotes": [{"quote": q, "states": s.states.get(q, [])} for q in s.quotes],
            }
            for s in e.sources
        ],
        "unplaced_quotes": e.unplaced,
        "curators_statements": [{"states": c.states, "basis": c.basis} for c in e.curated],
    }


def entity_text(
    e: Entity, fmt: str = "table", lang: str | None = None, width: int | None = None
) -> str:
    """The record in ``fmt`` (table, json or ttl)."""
    if fmt == "json":
        return json.dumps(entity_json(e, lang), indent=2, ensure_ascii=False) + "\n"
    if fmt == "ttl":
        return turtle(e.triples)
    if fmt != "table":
        raise ValueError(f"show prints as {', '.join(SHOW_FORMATS)}, not {fmt}")
    langs = _langs(lang)
    out = [f"{e.curie}  {' '.join(curie(t) for t in e.types)}", ""]
    labels = [["; ".join(e.labels.get(x, [])) for x in langs]]
    out.append(table(list(langs), labels, width, count=False))
    if e.properties:
        out.append("properties")
        rows = [_link_row(link, langs) for link in e.properties]
        out.append(table(["property", "value", *langs], rows, width, count=False))
    if e.incoming:
        out.append("linked from")
        rows = [_link_row(link, langs) for link in e.incoming]
        out.append(table(["property", "from", *langs], rows, width, count=False))
    if e.sources or e.unplaced or e.curated:
        out.append("provenance (each quote under the paragraph it comes from)")
        out.append(_provenance(e, langs, width))
    return "\n".join(out)


def _provenance(e: Entity, langs: tuple[str, ...], width: int | None) -> str:
    lines = []
    for s in e.sources:
        label = " / ".join(s.labels[x] for x in langs if x in s.labels)
        lines.append(f"{curie(s.paragraph)}  {label}".rstrip())
        for quote in s.quotes:
            states = s.states.get(quote)
            lines += _quote(quote + (f"”  states {', '.join(states)}" if states else "”"), width)
    if e.unplaced:
        if any(s.text for s in e.sources):
            lines.append("quotes not found in these paragraphs' texts:")
        else:
            lines.append("quotes (the graph has no texts of these paragraphs to place them in):")
        for quote in e.unplaced:
            lines += _quote(quote + "”", width)
    for curated in e.curated:
        lines.append(f"curators' statement: {', '.join(curated.states)}")
        for basis in curated.basis:
            lines += ["    " + p for p in (wrap(basis, max(width - 4, 10)) if width else [basis])]
    return "\n".join(lines) + "\n"


def _quote(text: str, width: int | None) -> list[str]:
    quoted = f"“{text}"
    if width is None:
        return ["    " + quoted]
    return ["    " + part for part in wrap(quoted, max(width - 4, 10))]
