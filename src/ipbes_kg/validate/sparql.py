"""SHACL-SPARQL constraints of node shapes, evaluated once over all focus nodes.

Why: pySHACL, Jena and pyshacl-turbo evaluate each ``sh:sparql`` constraint once per focus
node, with ``$this`` pre-bound (SHACL 1.0 §5.3.1). A constraint whose shape targets tens of
thousands of nodes then costs tens of thousands of queries: on the ×100 graph, ~30 s for the
15 constraints of ``ontology/shapes*.ttl``.

The rewrite (set-based pre-binding): ``$this`` becomes the variable ``?this`` and T, a
sub-select of the shape's focus nodes (SHACL §2.1.3 targets, read in the data graph), is
joined at the start of the WHERE group and of every group graph pattern inside it that
mentions ``$this`` (UNION branches, OPTIONAL groups, nested groups). Each such group then
binds ``?this`` to one focus node f and evaluates as it would with f substituted, so joins,
left joins and FILTERs reproduce the per-node results, ``?this`` = f added. A group that does
not mention ``$this`` evaluates the same for every f; the T around it tags its rows. EXISTS
groups get no T: SPARQL 1.1 §18.6 evaluates them with the current solution substituted, in
which ``?this`` is bound. T also keeps Oxigraph 0.5 to the standard: it evaluates a join as a
for-loop (the right side with the left's bindings) when the right side holds no join, and an
EXISTS there then sees variables bound outside its group (sparopt is_fit_for_for_loop_join
accepts any EXISTS; SPARQL 1.1 §18.5 does not). A group joined with T holds a join; a
constraint with an EXISTS in a group without T is refused.

Refused (left in the shapes graph for the per-node engine): property shapes, shapes another
shape refers to (sh:node, sh:property, lists of sh:and/sh:or/…), SPARQL targets, and queries
with MINUS, sub-SELECT, VALUES, SERVICE, GRAPH, FROM, aggregates, GROUP BY, HAVING, LIMIT,
OFFSET, ``SELECT *``, a SELECT without ``$this``, ``$currentShape``, ``$shapesGraph``, ``$PATH``, ``?failure``, a
re-bound ``?this``, or what pySHACL itself rejects: the rewrite is not equivalent for them.

Results are built as pySHACL 0.40 builds them (pyshacl/constraints/sparql/
sparql_based_constraints.py, constraints/constraint_component.py make_v_result): one per
distinct (this, path, value, other variables) row; sh:value is ?value or else the focus node
(``{?value}`` too); sh:resultPath is ?path when bound (any term); every sh:message of the
constraint and of the shape, ``{?var}``/``{$var}`` replaced (re.sub) by the lexical form or
IRI, as a plain literal: language tags dropped, as pySHACL drops them.
"""

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib import RDF, RDFS, Literal
from rdflib.namespace import SH

from ipbes_kg.query import sparql_text
from ipbes_kg.rdf.terms import Term, TripleLike
from ipbes_kg.validate.pool import fetching, in_threads, rows
from ipbes_kg.validate.shapeterms import (
    Refused,
    focus_lookup,
    focus_pattern,
    is_true,
    materialized,
    one,
    ox_node,
    ox_term,
    validation_result,
)

_REFUSED_WORDS = {
    "MINUS", "VALUES", "SERVICE", "GRAPH", "FROM", "GROUP", "HAVING", "LIMIT", "OFFSET",
    "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT",
}  # fmt: skip
_REFUSED_VARS = {"currentShape", "shapesGraph", "PATH", "failure"}
# pySHACL's check_invalid_sparql can only fail on a text with one of these (its regexes need them)
_PYSHACL_MAY_REJECT = re.compile(
    r"minus|values|service|select[\s\S]*select|as\s+[$?](?:this|shapesgraph|currentshape)\b",
    re.I,
)
_PYSHACL_BINDS_THIS = re.compile(r"([\s{}()])[\$\?]this", flags=re.M)  # sparql_query_helper.py
_SHAPE_REFS = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape, RDF.first)
_DEFAULT_PREFIXES = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": "http://www.w3.org/2002/07/owl#"}
_COMPONENT = ox.NamedNode(str(SH.SPARQLConstraintComponent))


@dataclass(frozen=True)
class Constraint:
    """One (shape, sh:sparql constraint) pair, rewritten to run over all focus nodes at once."""

    shape: ox.NamedNode | ox.BlankNode
    node: ox.NamedNode | ox.BlankNode
    severity: Term
    messages: tuple[str, ...]  # templates: the constraint's sh:message, then the shape's
    variables: tuple[str, ...]  # projected, in order; "this" among them
    query: str  # the rewritten query, prefixes declared: readable, for debugging
    deactivated: bool
    focus: str  # the sub-select of the focus nodes, materialized before the query runs


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, offset) of every token but comments (the project's SPARQL lexer)."""
    found = []
    for kind, value, offset in sparql_text.tokens(text):
        if kind == "other" and value in "\"'":
            raise Refused("unterminated string")
        if kind != "comment":
            found.append((kind, value, offset))
    return found


def _prefixes(shapes: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    """PREFIX lines as pySHACL writes them (sparql_query_helper.collect_prefixes), SHACL §5.2.1."""
    prefixes = dict(_DEFAULT_PREFIXES)
    ontologies = set(shapes.subjects(RDF.type, rdflib.OWL.Ontology))
    global_declares = {d for o in ontologies for d in shapes.objects(o, SH.declare)}
    for holder in shapes.objects(constraint, SH.prefixes):
        own = set(shapes.objects(holder, SH.declare))
        declares = own if own and holder in ontologies else own | global_declares
        for declare in sorted(declares, key=str):
            prefix = one(shapes, declare, SH.prefix)
            namespace = one(shapes, declare, SH.namespace)
            if not isinstance(prefix, Literal) or not isinstance(namespace, Literal):
                raise Refused("a sh:declare without one sh:prefix and one sh:namespace")
            if prefixes.get(str(prefix), str(namespace)) != str(namespace):
                raise Refused(f"prefix {prefix} declared twice")
            prefixes[str(prefix)] = str(namespace)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())


def _rewrite(select: str, focus: str) -> tuple[str, tuple[str, ...]]:
    """The query with T joined into the groups that need it, and its projected variables."""
    tokens = _tokens(select)
    sig = range(len(tokens))
    word = {i: tokens[i][1].upper() if tokens[i][0] == "word" else "" for i in sig}
    prev = {i: word[sig[n - 1]] if n else "" for n, i in enumerate(sig)}  # the word before
    if _REFUSED_WORDS & set(word.values()):
        raise Refused("MINUS, VALUES, SERVICE, GRAPH, FROM, aggregates or solution modifiers")
    if list(word.values()).count("SELECT") != 1:
        raise Refused("not one SELECT (a sub-select)")
    variables = {i: tokens[i][1][1:] for i in sig if tokens[i][0] == "var"}
    if _REFUSED_VARS & set(variables.values()):
        raise Refused("$currentShape, $shapesGraph, $PATH or ?failure")
    if any(tokens[i][0] == "iri" and re.search(r"[?$]this", tokens[i][1]) for i in sig):
        raise Refused("an IRI token with ?this in it (a comparison without spaces?)")
    if "this" not in variables.values() or not _PYSHACL_BINDS_THIS.search(select):
        raise Refused("no $this that pySHACL would pre-bind")
    if any(name == "this" and prev[i] == "AS" for i, name in variables.items()):
        raise Refused("?this re-bound with AS")
    start = next(i for i in sig if word[i] == "SELECT")
    where = next((i for i in sig if i > start and tokens[i][1] == "{"), None)
    if where is None or any(tokens[i][1] == "*" for i in sig if start < i < where):
        raise Refused("SELECT * or no WHERE group")
    projected: list[str] = []
    depth = 0
    for i in (i for i in sig if start < i < where):
        depth += {"(": 1, ")": -1}.get(tokens[i][1], 0)
        if i in variables and (depth == 0 or prev[i] == "AS"):
            projected.append(variables[i])
    edits = {  # offset -> (length replaced, new text); $this and ?this are one variable
        tokens[i][2]: (len(tokens[i][1]), "?this")
        for i, name in variables.items()
        if name == "this"
    }
    if "this" not in projected:  # pyshacl-turbo refuses it; pySHACL leaves {$this} in messages
        raise Refused("the SELECT does not project $this")
    stack: list[tuple[int, bool]] = []  # the "{" open around here, and whether in an EXISTS
    mentions: set[int] = set()  # groups that mention ?this
    exists: set[int] = set()  # groups with an EXISTS of their own (not in an EXISTS)
    inject: list[int] = []
    for i in (i for i in sig if i >= where):
        if tokens[i][1] == "{":
            stack.append((i, prev[i] == "EXISTS" or bool(stack and stack[-1][1])))
        elif tokens[i][1] == "}":
            if not stack:
                raise Refused("unbalanced braces")
            opened, in_exists = stack.pop()
            if not in_exists and (opened == where or opened in mentions):
                inject.append(opened)
            elif not in_exists and opened in exists:
                raise Refused("EXISTS in a group without T: Oxigraph may see outer variables")
        elif variables.get(i) == "this":
            mentions.update(opened for opened, _ in stack)
        elif word[i] == "EXISTS" and stack and not stack[-1][1]:
            exists.add(stack[-1][0])
    if stack or where not in inject:
        raise Refused("unbalanced braces")
    for i in inject:
        edits[tokens[i][2]] = (1, "{ " + focus)
    parts, done = [], 0
    for offset in sorted(edits):
        length, text = edits[offset]
        parts += [select[done:offset], text]
        done = offset + length
    return "".join([*parts, select[done:]]), tuple(projected)


def _take(shapes: rdflib.Graph, shape: rdflib.term.Node, node: rdflib.term.Node) -> Constraint:
    if one(shapes, shape, SH.path) is not None:
        raise Refused("a property shape")
    if any(next(shapes.subjects(p, shape), None) is not None for p in _SHAPE_REFS):
        raise Refused("another shape refers to this shape")
    select = one(shapes, node, SH.select)
    if not isinstance(select, Literal) or not isinstance(select.value, str):
        raise Refused("no sh:select string")
    messages = [*shapes.objects(node, SH.message), *shapes.objects(shape, SH.message)]
    if not all(isinstance(m, Literal) and isinstance(m.value, str) for m in messages):
        raise Refused("a sh:message that is not a string")
    if _PYSHACL_MAY_REJECT.search(select.value):
        # its regular expressions also match inside strings and comments: refuse what it
        # refuses (imported only here: pySHACL takes ~0.2 s to import, turbo does not need it)
        from pyshacl.errors import ValidationFailure
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

        try:
            helper = SPARQLQueryHelper(None, node, select.value)  # type: ignore[no-untyped-call]
            helper.check_invalid_sparql(select.value)  # type: ignore[no-untyped-call]
        except ValidationFailure as exc:
            raise Refused(f"pySHACL rejects it: {exc}") from exc
    focus = focus_pattern(shapes, shape)
    query, variables = _rewrite(select.value, focus_lookup(focus))
    query = _prefixes(shapes, node) + query
    try:
        ox.Store().query(query)  # a syntax check: what Oxigraph cannot parse stays per node
    except SyntaxError as exc:
        raise Refused(f"Oxigraph cannot parse the rewrite: {exc}") from exc
    return Constraint(
        shape=ox_node(shape),
        node=ox_node(node),
        severity=ox_term(one(shapes, shape, SH.severity) or SH.Violation),
        messages=tuple(dict.fromkeys(str(m) for m in messages)),
        variables=variables,
        query=query,
        deactivated=is_true(one(shapes, node, SH.deactivated))
        or is_true(one(shapes, shape, SH.deactivated)),
        focus=focus,
    )


def split(shapes: rdflib.Graph) -> tuple[rdflib.Graph, list[Constraint]]:
    """(a new shapes graph without the `sh:sparql` links of the constraints this module takes,
    those constraints). Constraints it cannot rewrite stay in the returned graph untouched."""
    taken: list[Constraint] = []
    rest = rdflib.Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    rest += shapes
    for shape, node in sorted(shapes.subject_objects(SH.sparql), key=str):
        with contextlib.suppress(Refused):
            taken.append(_take(shapes, shape, node))
            rest.remove((shape, SH.sparql, node))
    return rest, taken


def refusal(shapes: rdflib.Graph, shape: rdflib.term.Node, node: rdflib.term.Node) -> str | None:
    """Why `split` leaves this constraint in the graph, or None when it takes it."""
    try:
        _take(shapes, shape, node)
    except Refused as exc:
        return str(exc)
    return None


def _message(template: str, bindings: list[tuple[str, Term]]) -> str:
    """pySHACL's _format_sparql_based_result_message: re.sub per variable, in its order."""
    for name, term in bindings:
        pattern = f"{{[?$]{name}}}"
        try:  # the value is read as a replacement template, as pySHACL reads it
            template = re.sub(pattern, term.value, template)
        except re.error:  # a bad escape ("\\s"): pySHACL raises; here the value as it is
            template = re.sub(pattern, term.value.replace("\\", "\\\\"), template)
    return template


def _results(constraint: Constraint, answer: bytes) -> Iterator[TripleLike]:
    if constraint.deactivated:
        return
    seen = set()
    others = [v for v in constraint.variables if v not in ("this", "path", "value")]
    _, solutions = rows(answer)
    for solution in solutions:
        this, path, value = solution["this"], solution.get("path"), solution.get("value")
        bound = [(name, solution[name]) for name in others if name in solution]
        key = (this, path, value, tuple(bound))
        if key in seen:
            continue
        seen.add(key)
        value = this if value is None else value  # pySHACL: the focus node, in messages too
        path_binding = [] if path is None else [("path", path)]
        bindings = [*bound, ("this", this), *path_binding, ("value", value)]
        texts = dict.fromkeys(_message(m, bindings) for m in constraint.messages)
        yield from validation_result(
            this, constraint.severity, _COMPONENT, constraint.shape,
            (ox.Literal(text) for text in texts), value, path, constraint.node,
        )  # fmt: skip


def evaluate(
    constraints: list[Constraint], data: ox.Store, *, workers: int | None = None
) -> list[TripleLike]:
    """SHACL report triples for every result: for each result a fresh blank node R with
    R a sh:ValidationResult; sh:focusNode; sh:resultPath (if any); sh:value; sh:resultMessage (one
    triple per message); sh:resultSeverity; sh:sourceConstraintComponent; sh:sourceShape;
    sh:sourceConstraint. Shape/constraint nodes from the rdflib shapes graph become
    pyoxigraph terms with the same identity (URIRef -> NamedNode(str), BNode -> BlankNode(str(bnode))).

    The constraints run in ``workers`` threads (``ipbes_kg.validate.pool``). Load ``data`` with ``bulk_extend``: ``bulk_load`` gives blank nodes new labels.
    """
    with materialized(data, {c.focus for c in constraints}):
        answers = in_threads(tasks(constraints, data), workers)
    return results(constraints, answers)


def tasks(constraints: list[Constraint], data: ox.Store) -> list[Callable[[], list[bytes]]]:
    """One task per constraint, for ``pool.in_threads`` inside ``shapeterms.materialized``: its
    answer (``pool.fetch``), for ``results``. A deactivated constraint is not run."""
    return [fetching(data, None if c.deactivated else c.query) for c in constraints]


def results(constraints: list[Constraint], answers: list[bytes]) -> list[TripleLike]:
    """The SHACL report triples of the constraints, from the answers of their ``tasks``."""
    return [t for c, answer in zip(constraints, answers, strict=True) for t in _results(c, answer)]
