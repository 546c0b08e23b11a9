"""What the set-based evaluators (``sparql``, ``core``) read from a shapes graph the same way.

Both take shapes out of the per-node engine's hands and must read them exactly as pySHACL
does: a shape's focus nodes (SHACL §2.1.3), its single-valued parameters, and its terms as
pyoxigraph terms with the same identity (``URIRef`` → ``NamedNode``, ``BNode`` →
``BlankNode(str(bnode))``), so report triples name the shapes graph's own nodes. Anything they
cannot read faithfully raises :class:`Refused`, and the shape stays with the per-node engine.
"""

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.namespace import SH, XSD

from ipbes_kg.rdf.terms import PlainTriple, Term
from ipbes_kg.validate.pool import in_threads

_SH = "http://www.w3.org/ns/shacl#"
_RESULT = {
    name: ox.NamedNode(_SH + name)
    for name in (
        "focusNode", "resultPath", "value", "resultMessage", "resultSeverity",
        "sourceConstraintComponent", "sourceShape", "sourceConstraint", "ValidationResult",
    )
}  # fmt: skip
_TYPE = ox.NamedNode(str(RDF.type))
TARGETS = (SH.targetNode, SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)  # SHACL Core


class Refused(Exception):
    """This shape or constraint stays with the per-node engine (the message says why)."""


def ox_term(term: rdflib.term.Node) -> Term:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise Refused(f"unsupported term {term!r}")


def ox_node(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode:
    if isinstance(node := ox_term(term), ox.Literal):
        raise Refused("a literal as shape or constraint")
    return node


def sparql_term(term: rdflib.term.Node) -> str:
    """An IRI or literal as SPARQL text (a blank node cannot be written into a query)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return str(ox_term(term))
    raise Refused("a blank node or odd term where a constant is needed")


def one(graph: rdflib.Graph, node: rdflib.term.Node, predicate: URIRef) -> rdflib.term.Node | None:
    """The value of a single-valued parameter, None when absent; refused when repeated."""
    values = list(graph.objects(node, predicate))
    if len(values) > 1:
        raise Refused(f"more than one {predicate}")
    return values[0] if values else None


def is_true(value: rdflib.term.Node | None) -> bool:
    return isinstance(value, Literal) and value.value is True


def validation_result(
    focus: Term,
    severity: Term,
    component: ox.NamedNode,
    shape: ox.NamedNode | ox.BlankNode,
    messages: Iterable[ox.Literal],
    value: Term | None = None,
    path: Term | None = None,
    constraint: ox.NamedNode | ox.BlankNode | None = None,
) -> list[PlainTriple]:
    """One sh:ValidationResult as pySHACL writes it (a fresh blank node): what both set-based
    evaluators add to the report."""
    result = ox.BlankNode()
    fields: list[tuple[str, Term | None]] = [
        ("focusNode", focus), ("resultSeverity", severity),
        ("sourceConstraintComponent", component), ("sourceShape", shape),
        *(("resultMessage", m) for m in messages),
        ("value", value), ("resultPath", path), ("sourceConstraint", constraint),
    ]  # fmt: skip
    return [PlainTriple(result, _TYPE, _RESULT["ValidationResult"])] + [
        PlainTriple(result, _RESULT[name], term) for name, term in fields if term is not None
    ]


def has_targets(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    """Whether the shape has focus nodes of its own (declared targets or an implicit class)."""
    if any((shape, p, None) in shapes for p in (*TARGETS, SH.target)):
        return True
    return is_class(shapes, shape)


def is_class(shapes: rdflib.Graph, shape: rdflib.term.Node) -> bool:
    class_types = {RDFS.Class, *shapes.subjects(RDFS.subClassOf, RDFS.Class)}
    return any(t in class_types for t in shapes.objects(shape, RDF.type))


def _instances(classes: Iterable[rdflib.term.Node]) -> str:
    listed = " ".join(sorted(sparql_term(c) for c in classes))
    return f"VALUES ?class {{ {listed} }} ?this <{RDF.type}>/<{RDFS.subClassOf}>* ?class"


def class_select(klass: rdflib.term.Node) -> str:
    """The instances of a class (SHACL instances: rdf:type/rdfs:subClassOf*), as a select to
    materialize; the same text as the targets of a shape with only this sh:targetClass."""
    return f"{{ SELECT DISTINCT ?this WHERE {{ {{ {_instances([klass])} }} }} }}"


def focus_pattern(shapes: rdflib.Graph, shape: rdflib.term.Node) -> str:
    """T: a sub-select of the shape's focus nodes (SHACL §2.1.3; pySHACL shape.focus_nodes)."""
    if one(shapes, shape, SH.target) is not None:
        raise Refused("sh:target (SHACL-AF)")
    nodes = shapes.objects(shape, SH.targetNode)
    alternatives = [f"VALUES ?this {{ {sparql_term(n)} }}" for n in nodes]
    classes = set(shapes.objects(shape, SH.targetClass))
    if is_class(shapes, shape):
        classes.add(shape)  # an implicit class target
    if classes:
        alternatives.append(_instances(classes))
    for p in sorted(shapes.objects(shape, SH.targetSubjectsOf), key=str):
        alternatives.append(f"?this {sparql_term(p)} ?o")
    for p in sorted(shapes.objects(shape, SH.targetObjectsOf), key=str):
        alternatives.append(f"?s {sparql_term(p)} ?this")
    union = " } UNION { ".join(alternatives) or "FILTER (false)"
    return f"{{ SELECT DISTINCT ?this WHERE {{ {{ {union} }} }} }}"


_FOCUS = "urn:ipbes-kg:focus"


def focus_graph(select: str) -> str:
    """The named graph that holds, inside ``materialized``, the focus nodes ``select`` finds,
    as objects (a focus node may be a literal: sh:targetNode "x", sh:targetObjectsOf).

    The same targets give the same name, so shapes sharing targets share the set. The data
    graph is the store's default graph, which a query without GRAPH reads alone.
    """
    return f"{_FOCUS}:{hashlib.sha1(select.encode()).hexdigest()[:16]}"


def focus_lookup(select: str) -> str:
    """The pattern binding ?this to the focus nodes of ``select``, read from its graph: an index
    lookup where the sub-select would recompute the targets in every query that uses them
    (×100: 24 s for the Core checks with sub-selects, 11 s with lookups). It stays a sub-select
    (of the lookup): a group joined with it then holds a join, which keeps Oxigraph 0.5 from
    evaluating that group with outer bindings (``ipbes_kg.validate.sparql`` says why)."""
    return f"{{ SELECT ?this WHERE {{ GRAPH <{focus_graph(select)}> {{ <{_FOCUS}> <{_FOCUS}> ?this }} }} }}"


def member(select: str, v: str) -> str:
    """True when ``v`` is one of the nodes of a materialized ``select``: an index lookup."""
    return f"EXISTS {{ GRAPH <{focus_graph(select)}> {{ <{_FOCUS}> <{_FOCUS}> {v} }} }}"


@contextmanager
def materialized(store: ox.Store, selects: Iterable[str]) -> Iterator[None]:
    """The focus nodes of each ``select`` written into its graph (``focus_graph``) for the
    duration of the block, from the data as it is now; the graphs are dropped afterwards, so a
    caller's store is left as it was."""
    graphs = {focus_graph(select): select for select in selects}
    present = set(store.named_graphs())
    for graph in graphs:
        if ox.NamedNode(graph) in present:
            raise ValueError(f"the store already has a graph named {graph}")
    try:
        in_threads(
            [
                partial(
                    _update,
                    store,
                    f"INSERT {{ GRAPH <{g}> {{ <{_FOCUS}> <{_FOCUS}> ?this }} }} WHERE {s}",
                )
                for g, s in sorted(graphs.items())
            ]
        )
        yield
    finally:
        for graph in graphs:
            store.remove_graph(ox.NamedNode(graph))


def _update(store: ox.Store, update: str) -> list[None]:
    store.update(update)
    return []
