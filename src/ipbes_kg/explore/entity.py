"""One entity, everything the graph says about it: a record view in both languages.

``entity()`` gathers the types, the zh and en labels, every other property (IRI values with
their labels), the links that point at the entity, and its provenance. Provenance pairs each
verbatim quote with the paragraph it comes from — found by looking for the quote in the text
of each paragraph the entity is derived from (``schema:text`` on ``ipbes:Paragraph``) — never
the cross product of paragraphs and quotes. A quote found in no paragraph text (or when the
graph holds no paragraph texts) is listed as unplaced rather than guessed.
"""

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.explore.search import LABEL, RDF_TYPE, kind_of, labels_of, search, types_of
from ipbes_kg.rdf.names import PREFIXES, curie, expand
from ipbes_kg.rdf.terms import Term, human

PROV_DERIVED = PREFIXES["prov"] + "wasDerivedFrom"
QUOTE = PREFIXES["ipbes"] + "quote"
TEXT = PREFIXES["schema"] + "text"
NOTATION = PREFIXES["skos"] + "notation"
# Shown in their own sections, not among the properties.
_OWN_SECTION = {RDF_TYPE, LABEL, PROV_DERIVED, QUOTE}
_IRI_LIKE = re.compile(r"^(?:<\S+>|[A-Za-z][\w.-]*:\S*)$")


@dataclass
class Value:
    """A property value: an IRI with its labels, or a literal with its language/datatype."""

    term: Term

    @property
    def text(self) -> str:
        return human(self.term)

    @property
    def language(self) -> str:
        return self.term.language or "" if isinstance(self.term, ox.Literal) else ""


@dataclass
class Link:
    predicate: str  # IRI
    value: Value
    labels: dict[str, str] = field(default_factory=dict)  # of an IRI value


@dataclass
class Source:
    """A paragraph the entity is derived from, with the quotes found in its text."""

    paragraph: str  # IRI
    notation: str
    labels: dict[str, str]
    quotes: list[str]
    text: str = ""


@dataclass
class Entity:
    iri: str
    types: list[str]
    labels: dict[str, list[str]]  # language -> labels
    properties: list[Link]
    incoming: list[Link]  # value = the subject that links here
    sources: list[Source]
    unplaced: list[str]  # quotes found in none of the paragraph texts
    triples: list[ox.Triple]

    @property
    def curie(self) -> str:
        return curie(self.iri)

    @property
    def kind(self) -> str:
        return kind_of(self.types)

    def label(self, lang: str) -> str:
        return (self.labels.get(lang) or [""])[0]


def _squash(text: str) -> str:
    return "".join(text.split())


def resolve(store: ox.Store, name: str) -> str:
    """The IRI ``name`` stands for: a CURIE or IRI of an entity in the graph, or a name that
    ``search`` finds exactly one entity for (or exactly one exact match)."""
    name = name.strip()
    if _IRI_LIKE.match(name):
        iri = expand(name, "entity")
        node = ox.NamedNode(iri)
        if next(store.quads_for_pattern(node, None, None), None) is None and (
            next(store.quads_for_pattern(None, None, node), None) is None
        ):
            hint = _candidates(store, curie(iri))
            raise UserError(f"{name} names nothing in the graph{hint}")
        return iri
    hits = search(store, name, None)
    if len(hits) == 1 or (len(hits) > 1 and hits[0].rank != hits[1].rank):
        return hits[0].iri  # the only match, or the only one at the best rank
    if not hits:
        raise UserError(f"nothing in the graph is called {name!r}; try 'ipbes-kg search'")
    shown = ", ".join(f"{h.curie} ({h.label()})" for h in hits[:5])
    more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
    raise UserError(f"{name!r} matches {len(hits)} entities: {shown}{more}; give a CURIE")


def _candidates(store: ox.Store, written: str) -> str:
    import difflib

    known = {
        curie(q.subject.value)
        for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None)
        if isinstance(q.subject, ox.NamedNode)
    }
    close = difflib.get_close_matches(written, sorted(known), n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""


def _sources(store: ox.Store, node: ox.NamedNode) -> tuple[list[Source], list[str]]:
    quotes = sorted(
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(QUOTE), None)
        if isinstance(q.object, ox.Literal)
    )
    sources = []
    for quad in store.quads_for_pattern(node, ox.NamedNode(PROV_DERIVED), None):
        para = quad.object
        if not isinstance(para, ox.NamedNode):
            continue
        notation = next(iter(_literals(store, para, NOTATION)), "")
        text = " ".join(_literals(store, para, TEXT))
        found = [q for q in quotes if text and _squash(q) in _squash(text)]
        sources.append(Source(para.value, notation, labels_of(store, para), found, text))
    sources.sort(key=lambda s: (_position(store, s.paragraph), s.notation, s.paragraph))
    placed = {q for s in sources for q in s.quotes}
    return sources, [q for q in quotes if q not in placed]


def _literals(store: ox.Store, node: ox.NamedNode, predicate: str) -> list[str]:
    return sorted(
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
        if isinstance(q.object, ox.Literal)
    )


def _position(store: ox.Store, para: str) -> int:
    """Where the paragraph stands in the report (schema:position), for ordering."""
    for value in _literals(store, ox.NamedNode(para), PREFIXES["schema"] + "position"):
        try:
            return int(value)
        except ValueError:
            break
    return 1 << 30


def entity(store: ox.Store, name: str) -> Entity:
    """Everything the graph says about the entity ``name`` (see ``resolve``)."""
    iri = resolve(store, name)
    node = ox.NamedNode(iri)
    labels: dict[str, list[str]] = {}
    properties, triples = [], []
    for quad in store.quads_for_pattern(node, None, None):
        triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        p, o = quad.predicate.value, quad.object
        if p == LABEL and isinstance(o, ox.Literal):
            labels.setdefault(o.language or "", []).append(o.value)
        elif p not in _OWN_SECTION and not isinstance(o, ox.Triple):
            linked = labels_of(store, o) if isinstance(o, ox.NamedNode) else {}
            properties.append(Link(p, Value(o), linked))
    incoming = []
    for quad in store.quads_for_pattern(None, None, node):
        triples.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        s = quad.subject
        if isinstance(s, ox.NamedNode | ox.BlankNode) and quad.predicate.value != PROV_DERIVED:
            linked = labels_of(store, s) if isinstance(s, ox.NamedNode) else {}
            incoming.append(Link(quad.predicate.value, Value(s), linked))
    properties.sort(key=lambda link: (curie(link.predicate), link.value.language, link.value.text))
    incoming.sort(key=lambda link: (curie(link.predicate), link.value.text))
    for values in labels.values():
        values.sort()
    sources, unplaced = _sources(store, node)
    return Entity(
        iri, types_of(store, node), labels, properties, incoming, sources, unplaced, triples
    )
