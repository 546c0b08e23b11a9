"""The graph as the website reads it: triples indexed by subject and object, labels, kinds.

The site reads every triple once from the pyoxigraph store into plain dictionaries: pages are
made by walking neighbours thousands of times, and a dictionary lookup is far cheaper than a
store query. Every list is sorted by the N-Triples form of its terms, so the pages do not depend
on the store's internal order (two builds are byte-identical).
"""

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from ipbes_kg.site.paths import BASE, local_name, split_fragment
from ipbes_kg.site.project import PREFIXES, curie

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Subject = ox.NamedNode | ox.BlankNode

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]
IPBES = PREFIXES["ipbes"]
DCTERMS = PREFIXES["dcterms"]
OWL = PREFIXES["owl"]

TYPE = ox.NamedNode(RDF + "type")
LABEL = ox.NamedNode(RDFS + "label")
PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
NOTATION = ox.NamedNode(SKOS + "notation")
DERIVED_FROM = ox.NamedNode(PROV + "wasDerivedFrom")
QUOTE = ox.NamedNode(IPBES + "quote")
POSITION = ox.NamedNode(SCHEMA + "position")
TEXT = ox.NamedNode(SCHEMA + "text")
PARAGRAPH = ox.NamedNode(IPBES + "Paragraph")
ONTOLOGY = ox.NamedNode(BASE + "ontology")
LANGS = ("zh", "en")


def sort_key(term: Term) -> str:
    """A stable order for terms: their N-Triples form."""
    return str(term)


class Graph:
    """Read-only indexes over the triples of a pyoxigraph store (all graphs merged)."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        out: dict[Subject, set[tuple[ox.NamedNode, Term]]] = defaultdict(set)
        into: dict[Term, set[tuple[Subject, ox.NamedNode]]] = defaultdict(set)
        count = 0
        for triple in triples:
            subject, obj = triple.subject, triple.object
            if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
                continue  # RDF-star quoted triples: not used by the project, not shown
            out[subject].add((triple.predicate, obj))
            into[obj].add((subject, triple.predicate))
            count += 1
        self.triple_count = count
        self._out = {s: sorted(v, key=lambda po: (str(po[0]), str(po[1]))) for s, v in out.items()}
        self._in = {o: sorted(v, key=lambda sp: (str(sp[1]), str(sp[0]))) for o, v in into.items()}

    @classmethod
    def from_store(cls, store: ox.Store) -> "Graph":
        return cls(quad.triple for quad in store)

    # --- neighbours ------------------------------------------------------------------------

    def outgoing(self, subject: Term) -> list[tuple[ox.NamedNode, Term]]:
        if isinstance(subject, ox.Literal):
            return []
        return self._out.get(subject, [])

    def incoming(self, term: Term) -> list[tuple[Subject, ox.NamedNode]]:
        return self._in.get(term, [])

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        return [o for p, o in self.outgoing(subject) if p == predicate]

    def subjects(self, predicate: ox.NamedNode, obj: Term) -> list[Subject]:
        return [s for s, p in self.incoming(obj) if p == predicate]

    def value(self, subject: Term, predicate: ox.NamedNode) -> Term | None:
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def literals(self, subject: Term, predicate: ox.NamedNode) -> list[ox.Literal]:
        return [o for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)]

    def subjects_all(self) -> list[Subject]:
        return sorted(self._out, key=sort_key)

    def is_a(self, subject: Term, cls: ox.NamedNode) -> bool:
        return cls in self.objects(subject, TYPE)

    def instances(self, cls: ox.NamedNode) -> list[Subject]:
        return sorted(self.subjects(TYPE, cls), key=sort_key)

    def bounded_description(self, subject: Subject) -> list[ox.Triple]:
        """The triples about ``subject``, following blank nodes (its concise bounded description)."""
        triples: list[ox.Triple] = []
        todo: list[Subject] = [subject]
        seen: set[Subject] = set()
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for predicate, obj in self.outgoing(current):
                triples.append(ox.Triple(current, predicate, obj))
                if isinstance(obj, ox.BlankNode):
                    todo.append(obj)
        return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    # --- labels ------------------------------------------------------------------------------

    def label(self, term: Term, lang: str) -> str | None:
        """The ``rdfs:label`` (else ``skos:prefLabel``) of ``term`` in ``lang``, if any."""
        if isinstance(term, ox.Literal):
            return None
        for predicate in (LABEL, PREF_LABEL):
            for value in self.objects(term, predicate):
                if isinstance(value, ox.Literal) and value.language == lang:
                    return value.value
        return None

    def any_label(self, term: Term) -> str:
        """English label, else Chinese, else notation, else the CURIE: always something to show."""
        for lang in ("en", "zh"):
            if found := self.label(term, lang):
                return found
        if (
            not isinstance(term, ox.Literal)
            and (notation := self.value(term, NOTATION)) is not None
        ):
            return notation.value
        return display_iri(term)


def display_iri(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return curie(term.value).strip("<>")
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def page_local(term: Term) -> str | None:
    """The site-local name of the page that shows ``term`` (hash IRIs: their document)."""
    if not isinstance(term, ox.NamedNode):
        return None
    document, _ = split_fragment(term.value)
    return local_name(document)
