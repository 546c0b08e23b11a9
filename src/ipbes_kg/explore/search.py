"""Finding entities by what people call them: labels (zh and en), alternative labels,
notations (``2(b)``), identifiers (``IPBES/7/INF/5``) and the local part of the IRI (``ilk``).

Analysts know a name, not a CURIE; without this the only way in is a CONTAINS query. Matching
is on normalised text (Unicode NFKC, so full-width and half-width forms agree, case folded,
whitespace collapsed) and ranked exact, then prefix, then word start, then substring, so the
entity called exactly what was typed comes first.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ipbes_kg.rdf.names import PREFIXES, curie

RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL = RDFS + "label"
# Where names are: predicate -> the order it ranks in among equally good matches.
NAMED_BY = {
    LABEL: 0,
    SKOS + "prefLabel": 0,
    SKOS + "altLabel": 1,
    PREFIXES["schema"] + "name": 1,
    PREFIXES["dcterms"] + "title": 1,
    SKOS + "notation": 2,
    PREFIXES["dcterms"] + "identifier": 2,
}
RANKS = ("exact", "prefix", "word", "substring")
# Provenance records, not things people look for: shown by ``show`` under their entity.
RECORDS = {PREFIXES["ipbes"] + "Citation", PREFIXES["ipbes"] + "CuratorStatement"}


@dataclass
class Hit:
    """One entity that matches, with the best of its matches."""

    iri: str
    curie: str
    labels: dict[str, str]  # language -> label
    kind: str  # the CURIE of its most specific type ('' when it has none)
    matched: str  # the text that matched
    rank: str  # exact, prefix, word or substring
    types: list[str] = field(default_factory=list)

    def label(self, lang: str | None = None) -> str:
        if lang:
            return self.labels.get(lang, "")
        return self.labels.get("en") or self.labels.get("zh") or ""


def normalise(text: str) -> str:
    """Text as compared: NFKC, case folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _rank(needle: str, hay: str) -> int | None:
    if hay == needle:
        return 0
    if hay.startswith(needle):
        return 1
    at = hay.find(needle)
    if at < 0:
        return None
    before = hay[at - 1]
    return 2 if not before.isalnum() or ord(before) > 0x2E7F else 3


def labels_of(store: ox.Store, node: ox.NamedNode) -> dict[str, str]:
    """rdfs:label by language (the first in sort order when there are several)."""
    found: dict[str, str] = {}
    for quad in sorted(store.quads_for_pattern(node, ox.NamedNode(LABEL), None), key=str):
        literal = quad.object
        if isinstance(literal, ox.Literal):
            found.setdefault(literal.language or "", literal.value)
    return found


def kind_of(types: Iterable[str]) -> str:
    """The type to show: the project's own class first, then any other, as a CURIE."""
    names = sorted(curie(t) for t in types)
    own = [n for n in names if n.startswith("ipbes:")]
    return (own or names or [""])[0]


def types_of(store: ox.Store, node: ox.NamedNode) -> list[str]:
    return sorted(
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(RDF_TYPE), None)
        if isinstance(q.object, ox.NamedNode)
    )


def search(store: ox.Store, text: str, limit: int | None = 20) -> list[Hit]:
    """Entities whose names, notations or identifiers contain ``text``, best first."""
    needle = normalise(text)
    if not needle:
        return []
    best: dict[str, tuple[tuple[int, int, int, str], str]] = {}

    def consider(iri: str, value: str, order: int) -> None:
        rank = _rank(needle, normalise(value))
        if rank is None:
            return
        key = (rank, order, len(value), iri)
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, value)

    for predicate, order in NAMED_BY.items():
        for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None):
            if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                consider(quad.subject.value, quad.object.value, order)
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None):
        if isinstance(quad.subject, ox.NamedNode):
            written = curie(quad.subject.value)
            if not written.startswith("<"):
                consider(quad.subject.value, written.partition(":")[2], 3)
                consider(quad.subject.value, written, 3)
    hits = []
    for iri, (key, value) in sorted(best.items(), key=lambda item: item[1][0]):
        node = ox.NamedNode(iri)
        types = types_of(store, node)
        if RECORDS.intersection(types):
            continue
        hits.append(
            Hit(
                iri, curie(iri), labels_of(store, node), kind_of(types), value, RANKS[key[0]], types
            )
        )
    return hits[:limit] if limit else hits
