"""Provenance on the pages: which resources say where an entity's statements come from.

The graph records provenance in resources of their own: ``ipbes:Citation`` (a verbatim quote of
one paragraph and the statements it supports) and ``ipbes:CuratorStatement`` (statements the
curators made, with their basis), named by hash IRIs of the entity they are about
(``…/id/tsu/ilk#10b``). The site does not depend on those classes: a hash IRI belongs to the page
of its document and is shown there at its fragment, and a blank node without a label that
points at an entity is shown on that entity's page. Quotes are linked to their place in the
paragraph's text; the paragraphs are recognised by their class, whatever property cites them.
"""

from collections import defaultdict
from collections.abc import Callable

import pyoxigraph as ox

from ipbes_kg.site.model import LABEL, PARAGRAPH, QUOTE, Graph, Subject, Term, sort_key
from ipbes_kg.site.paths import split_fragment

TARGET_LINKS = (  # links from a reified statement to what it is about, most specific first
    ox.NamedNode("https://w3id.org/ipbes-kg/ontology#statementSubject"),
    ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"),
    ox.NamedNode("http://www.w3.org/ns/oa#hasTarget"),
)


class Statements:
    """The provenance resources of the graph, by the entity page that shows them."""

    def __init__(self, graph: Graph, has_page: Callable[[str], bool], exclude: set[str]) -> None:
        self.graph = graph
        owned: dict[str, list[ox.NamedNode]] = defaultdict(list)
        for subject in graph.subjects_all():
            if isinstance(subject, ox.NamedNode) and "#" in subject.value:
                document, _ = split_fragment(subject.value)
                if document not in exclude and has_page(document):
                    owned[document].append(subject)
        self.owned = {d: sorted(m, key=lambda s: s.value) for d, m in sorted(owned.items())}

    def anchors(self) -> list[str]:
        """The hash IRIs shown on the page of their document."""
        return [s.value for members in self.owned.values() for s in members]

    def of(self, entity: ox.NamedNode) -> list[Subject]:
        """The resources shown in ``entity``'s provenance: its hash IRIs, then blank nodes."""
        blank = sorted(
            {
                s
                for s, _ in self.graph.incoming(entity)
                if isinstance(s, ox.BlankNode) and not self.graph.objects(s, LABEL)
            },
            key=lambda s: (self._content(s), str(s)),
        )
        return [*self.owned.get(entity.value, []), *blank]

    def _content(self, resource: Subject) -> list[tuple[str, str]]:
        """What a blank node says, for a stable order (its label changes at every load)."""
        return [
            (str(p), "" if isinstance(o, ox.BlankNode) else str(o))
            for p, o in self.graph.outgoing(resource)
        ]

    def owner(self, resource: Term) -> ox.NamedNode | None:
        """The entity whose page shows ``resource`` (hash IRIs: their document)."""
        if isinstance(resource, ox.NamedNode) and "#" in resource.value:
            document, _ = split_fragment(resource.value)
            if document in self.owned:
                return ox.NamedNode(document)
        if isinstance(resource, ox.BlankNode):
            for link in TARGET_LINKS:
                for target in self.graph.objects(resource, link):
                    if isinstance(target, ox.NamedNode):
                        return target
        return None

    def paragraphs(self, resource: Term) -> list[ox.NamedNode]:
        """The paragraphs a resource cites, whatever the property."""
        return sorted(
            {
                o
                for _, o in self.graph.outgoing(resource)
                if isinstance(o, ox.NamedNode) and self.graph.is_a(o, PARAGRAPH)
            },
            key=sort_key,
        )

    def quotes(self, resource: Term) -> list[str]:
        return sorted(q.value for q in self.graph.literals(resource, QUOTE))
