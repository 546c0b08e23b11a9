"""One entity, everything the graph says about it: a record view in both languages.

``entity()`` gathers the types, the zh and en labels, every other property (IRI values with
their labels), the links that point at the entity, and its provenance. Provenance pairs each
verbatim quote with the paragraph it comes from, never the cross product of paragraphs and
quotes: from the ``ipbes:Citation`` resources (one per quote, naming its paragraph with
``prov:wasQuotedFrom`` and what it states), or, for quotes kept on the entity itself (the model
before citations), by finding the quote in each paragraph's ``schema:text``. A quote found in
no paragraph is listed as unplaced rather than guessed. Statements the curators make rather
than the report (``ipbes:CuratorStatement``) are listed with their basis.
"""

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.explore.search import LABEL, RDF_TYPE, kind_of, labels_of, search, types_of
from ipbes_kg.rdf.names import PREFIXES, curie, expand
from ipbes_kg.rdf.terms import Term, human

PROV_DERIVED = PREFIXES["prov"] + "wasDerivedFrom"
QUOTED_FROM = PREFIXES["prov"] + "wasQuotedFrom"
CITATION = PREFIXES["ipbes"] + "Citation"
CURATOR_STATEMENT = PREFIXES["ipbes"] + "CuratorStatement"
STATEMENT_SUBJECT = PREFIXES["ipbes"] + "statementSubject"
STATEMENT_PREDICATE = PREFIXES["ipbes"] + "statementPredicate"
STATEMENT_OBJECT = PREFIXES["ipbes"] + "statementObject"
BASIS = PREFIXES["ipbes"] + "basis"
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
    states: dict[str, list[str]] = field(default_factory=dict)  # quote -> what it states


@dataclass
class Curated:
    """Statements the report does not make, made by the curators, and why."""

    states: list[str]
    basis: list[str]


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
    curated: list[Curated] = field(default_factory=list)

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


def _iris(store: ox.Store, node: ox.NamedNode | ox.BlankNode, predicate: str) -> list[str]:
    return sorted(
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(predicate), None)
        if isinstance(q.object, ox.NamedNode)
    )


def _about(store: ox.Store, node: ox.NamedNode, kind: str) -> list[ox.NamedNode | ox.BlankNode]:
    """The citations or curators' statements (``kind``) whose statement subject is ``node``."""
    return sorted(
        (
            q.subject
            for q in store.quads_for_pattern(None, ox.NamedNode(STATEMENT_SUBJECT), node)
            if isinstance(q.subject, ox.NamedNode | ox.BlankNode)
            and ox.Quad(q.subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(kind)) in store
        ),
        key=str,
    )


def _stated(store: ox.Store, record: ox.NamedNode | ox.BlankNode) -> list[str]:
    """What a citation or curators' statement covers: predicates, and values where narrowed."""
    found = [curie(p) for p in _iris(store, record, STATEMENT_PREDICATE)]
    found += [curie(o) for o in _iris(store, record, STATEMENT_OBJECT)]
    found += _literals(store, record, STATEMENT_OBJECT)
    return found


def _source(store: ox.Store, para: ox.NamedNode) -> Source:
    notation = next(iter(_literals(store, para, NOTATION)), "")
    text = " ".join(_literals(store, para, TEXT))
    return Source(para.value, notation, labels_of(store, para), [], text)


def _sources(store: ox.Store, node: ox.NamedNode) -> tuple[list[Source], list[str]]:
    """Each paragraph the entity comes from with its quotes: from the citations (one per
    quote, naming its paragraph) where the graph has them, else by finding each of the
    entity's quotes in the paragraphs' texts."""
    by_para: dict[str, Source] = {}
    for para in _iris(store, node, PROV_DERIVED):
        by_para[para] = _source(store, ox.NamedNode(para))
    for citation in _about(store, node, CITATION):
        for para in _iris(store, citation, QUOTED_FROM):
            source = by_para.setdefault(para, _source(store, ox.NamedNode(para)))
            for quote in _literals(store, citation, QUOTE):
                source.quotes.append(quote)
                source.states[quote] = _stated(store, citation)
    own = _literals(store, node, QUOTE)  # the model before citations: quotes on the entity
    for source in by_para.values():
        source.quotes += [q for q in own if source.text and _squash(q) in _squash(source.text)]
    sources = sorted(
        by_para.values(), key=lambda s: (_position(store, s.paragraph), s.notation, s.paragraph)
    )
    placed = {q for s in sources for q in s.quotes}
    return sources, [q for q in own if q not in placed]


def _curated(store: ox.Store, node: ox.NamedNode) -> list[Curated]:
    return [
        Curated(_stated(store, record), _literals(store, record, BASIS))
        for record in _about(store, node, CURATOR_STATEMENT)
    ]


def _literals(store: ox.Store, node: ox.NamedNode | ox.BlankNode, predicate: str) -> list[str]:
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
        if isinstance(s, ox.NamedNode | ox.BlankNode) and quad.predicate.value not in (
            PROV_DERIVED,
            STATEMENT_SUBJECT,  # citations and curators' statements: shown as provenance
        ):
            linked = labels_of(store, s) if isinstance(s, ox.NamedNode) else {}
            incoming.append(Link(quad.predicate.value, Value(s), linked))
    properties.sort(key=lambda link: (curie(link.predicate), link.value.language, link.value.text))
    incoming.sort(key=lambda link: (curie(link.predicate), link.value.text))
    for values in labels.values():
        values.sort()
    sources, unplaced = _sources(store, node)
    return Entity(
        iri,
        types_of(store, node),
        labels,
        properties,
        incoming,
        sources,
        unplaced,
        triples,
        _curated(store, node),
    )
