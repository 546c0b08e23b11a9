"""The vocabulary documentation: the ontology header, every class and property, the code lists
and the SHACL shapes in words, on the page of the ontology IRI (terms are its fragments).

pyLODE was the first choice, but the package index used here offers it up to 3.4.1 (no 3.6),
which fails at start-up (it reads a pyproject.toml that its wheel does not ship), and it would
not show the SHACL constraints or both languages; this page is generated from the graph instead,
with the sections pyLODE has, and works offline.
"""

from typing import Any

import pyoxigraph as ox
from markupsafe import Markup

from ipbes_kg.site.entities import grouped
from ipbes_kg.site.model import LABEL, ONTOLOGY, TYPE, Graph, Subject
from ipbes_kg.site.project import CODE, IPBES, PREFIXES
from ipbes_kg.site.render import Renderer
from ipbes_kg.site.shapes import ShapeDoc

OWL, RDF, RDFS, SKOS = PREFIXES["owl"], PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["skos"]
DEFINITION = ox.NamedNode(SKOS + "definition")
SHOWN = {TYPE, LABEL, DEFINITION, ox.NamedNode(RDFS + "isDefinedBy")}
CLASS_TYPES = (ox.NamedNode(OWL + "Class"), ox.NamedNode(RDFS + "Class"))
PROPERTY_TYPES = tuple(
    ox.NamedNode(iri)
    for iri in (
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        OWL + "AnnotationProperty",
        RDF + "Property",
    )
)
HEADER = [  # (label, property) shown first in the ontology header
    ("Title", PREFIXES["dcterms"] + "title"),
    ("Version", OWL + "versionInfo"),
    ("Version IRI", OWL + "versionIRI"),
    ("License", PREFIXES["dcterms"] + "license"),
    ("Creators", PREFIXES["dcterms"] + "creator"),
    ("Issued", PREFIXES["dcterms"] + "issued"),
    ("Modified", PREFIXES["dcterms"] + "modified"),
    ("Citation", PREFIXES["dcterms"] + "bibliographicCitation"),
    ("Description", PREFIXES["dcterms"] + "description"),
    ("Source", PREFIXES["dcterms"] + "source"),
    ("Preferred prefix", PREFIXES["vann"] + "preferredNamespacePrefix"),
    ("Namespace", PREFIXES["vann"] + "preferredNamespaceUri"),
]


def vocabulary_triples(graph: Graph) -> list[ox.Triple]:
    """The ontology's own description: its header and every ``ipbes:`` term, as data."""
    triples: list[ox.Triple] = list(graph.bounded_description(ONTOLOGY))
    for subject in graph.subjects_all():
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(IPBES):
            triples.extend(graph.bounded_description(subject))
    return triples


def terms(graph: Graph, kinds: tuple[ox.NamedNode, ...]) -> list[ox.NamedNode]:
    return [
        s
        for s in graph.subjects_all()
        if isinstance(s, ox.NamedNode)
        and s.value.startswith(IPBES)
        and any(graph.is_a(s, kind) for kind in kinds)
    ]


def anchors(graph: Graph) -> list[str]:
    """The hash IRIs documented on the ontology page."""
    return [t.value for t in terms(graph, CLASS_TYPES + PROPERTY_TYPES)]


def _texts(graph: Graph, subject: Subject, predicate: ox.NamedNode) -> list[ox.Literal]:
    """Texts in English first, then the other languages."""
    return sorted(graph.literals(subject, predicate), key=lambda v: (v.language != "en", str(v)))


def _rules_for(
    docs: list[ShapeDoc], target: ox.NamedNode, path: str | None
) -> list[dict[str, Any]]:
    found = []
    for doc in docs:
        applies = any(t == target for _, t in doc.targets)
        for rule in doc.rules:
            if (path is None and applies) or (path is not None and rule.path == path):
                found.append({"shape": doc.shape, "rule": rule})
    return found


def term_context(
    r: Renderer, term: ox.NamedNode, here: str, docs: list[ShapeDoc]
) -> dict[str, Any]:
    graph = r.graph
    local = term.value.removeprefix(IPBES)
    is_property = any(graph.is_a(term, kind) for kind in PROPERTY_TYPES)
    shapes_path = f"ipbes:{local}" if is_property else None
    rules = _rules_for(docs, term, shapes_path)
    return {
        "id": local,
        "curie": f"ipbes:{local}",
        "name": r.name(term),
        "definitions": [r.literal(d) for d in _texts(graph, term, DEFINITION)],
        "types": [r.link(t, here) for t in graph.objects(term, TYPE)],
        "rows": grouped(r, [(p, o) for p, o in graph.outgoing(term) if p not in SHOWN], here),
        "rules": [
            {
                "shape": Markup("<a href='#{}'>{}</a>").format(
                    shape_anchor(x["shape"]), shape_name(x["shape"])
                ),
                "severity": x["rule"].severity,
                "path": x["rule"].path,
                "phrases": x["rule"].phrases,
                "message": x["rule"].message,
            }
            for x in rules
        ],
        "instances": len(graph.instances(term)) if not is_property else None,
    }


def shape_name(shape: Subject) -> str:
    if isinstance(shape, ox.NamedNode):
        return shape.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return "(anonymous shape)"


def shape_anchor(shape: Subject) -> str:
    return "shape-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in shape_name(shape))


def code_lists(r: Renderer, here: str) -> list[dict[str, Any]]:
    graph = r.graph
    scheme_type = ox.NamedNode(SKOS + "ConceptScheme")
    in_scheme = ox.NamedNode(SKOS + "inScheme")
    lists = []
    for scheme in graph.instances(scheme_type):
        if not isinstance(scheme, ox.NamedNode) or not scheme.value.startswith(CODE):
            continue
        concepts = graph.subjects(in_scheme, scheme)
        lists.append(
            {
                "link": r.link(scheme, here),
                "definitions": [r.literal(d) for d in _texts(graph, scheme, DEFINITION)],
                "concepts": [
                    {
                        "link": r.link(c, here),
                        "definitions": [r.literal(d) for d in _texts(graph, c, DEFINITION)],
                    }
                    for c in sorted(concepts, key=str)
                ],
            }
        )
    return lists


def ontology_context(r: Renderer, here: str, docs: list[ShapeDoc]) -> dict[str, Any]:
    graph = r.graph
    header = []
    for title, iri in HEADER:
        values = graph.objects(ONTOLOGY, ox.NamedNode(iri))
        if values:
            header.append({"title": title, "values": [r.link(v, here) for v in values]})
    shown = {ox.NamedNode(iri) for _, iri in HEADER} | {TYPE}
    titles = {
        t.language: t.value
        for t in graph.objects(ONTOLOGY, ox.NamedNode(PREFIXES["dcterms"] + "title"))
        if isinstance(t, ox.Literal)
    }
    return {
        "title": titles.get("en", "Vocabulary"),
        "title_zh": titles.get("zh", ""),
        "iri": ONTOLOGY.value,
        "header": header,
        "more": grouped(r, [(p, o) for p, o in graph.outgoing(ONTOLOGY) if p not in shown], here),
        "classes": [term_context(r, t, here, docs) for t in terms(graph, CLASS_TYPES)],
        "properties": [term_context(r, t, here, docs) for t in terms(graph, PROPERTY_TYPES)],
        "code_lists": code_lists(r, here),
        "shapes": [
            {
                "anchor": shape_anchor(doc.shape),
                "name": shape_name(doc.shape),
                "severity": doc.severity,
                "targets": [(phrase, r.link(t, here)) for phrase, t in doc.targets],
                "comment": doc.comment,
                "rules": doc.rules,
            }
            for doc in docs
        ],
    }
