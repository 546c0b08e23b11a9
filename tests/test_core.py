"""validate/core.py: SHACL Core constraints evaluated once over all focus nodes (one query per
constraint) give exactly the results pySHACL gives evaluating them per focus node.

Why: the set-based engine replaces pySHACL for every shape `split` takes, so its report must be
pySHACL's: the same results as a multiset, each with the same focus node, path, value,
component, severity, source shape and messages. The oracle is pyshacl.validate on the same data
and shapes (inference none). Each test asserts how many results there are, so that it cannot
pass with both sides empty.
"""

import random
from collections import Counter
from typing import Any

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF, SH
from shacl_parity import ox_term, parse, real_shapes, store_of, thinned

from ipbes_kg.home import Home
from ipbes_kg.rdf import literals
from ipbes_kg.rdf.reader import rdflib_graph, read_triples
from ipbes_kg.validate import core, sparql

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
_SH = str(SH)
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
EX_S = rdflib.URIRef("http://example.org/S")
MESSAGES = 'sh:message "is wrong"@en , "错了"@zh'
PYSHACL: dict[str, Any] = {"inference": "none", "allow_warnings": True, "allow_infos": True}
Row = tuple[Any, ...]


def triples(turtle: str) -> list[ox.Triple]:
    return parse(PREFIXES, turtle)


def described(nodes: dict[Any, dict[str, list[Any]]], term: Any) -> Any:
    """A blank node (a path, a list) as the nested tuple of what the report says of it."""
    if not isinstance(term, ox.BlankNode):
        return term
    pairs = [
        (p, described(nodes, o)) for p, objects in nodes.get(term, {}).items() for o in objects
    ]
    return tuple(sorted(pairs, key=str))


def rows(report: list[ox.Triple]) -> Counter[Row]:
    """Comparable rows of a report's results: those its sh:ValidationReport lists with
    sh:result (pySHACL also describes results nested in sh:detail), or, in bare results as
    core returns them, every sh:ValidationResult (as results.merge reads them)."""
    nodes: dict[Any, dict[str, list[Any]]] = {}
    for t in dict.fromkeys(report):  # a report is a graph: a triple said twice is one
        nodes.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
    kind = {t.subject: t.object for t in report if t.predicate.value == str(RDF.type)}
    roots = [n for n, k in kind.items() if k == ox.NamedNode(_SH + "ValidationReport")]
    listed = [r for n in roots for r in nodes[n].get(_SH + "result", [])]
    if not roots:
        listed = [n for n, k in kind.items() if k == ox.NamedNode(_SH + "ValidationResult")]
    found: Counter[Row] = Counter()
    for result in listed:
        fields = nodes[result]

        def one(name: str, f: dict[str, list[Any]] = fields) -> Any:
            values = f.get(_SH + name, [])
            assert len(values) <= 1, (name, values)
            return values[0] if values else None

        names = ("focusNode", "value", "sourceConstraintComponent", "resultSeverity", "sourceShape")
        focus, value, component, severity, shape = (one(name) for name in names)
        path = described(nodes, one("resultPath"))  # [ sh:inversePath p ] as ((inversePath, p),)
        messages = frozenset(fields.get(_SH + "resultMessage", []))
        # a blank source shape's sh:path must be in the report too (results.py shows it)
        shape_path = [described(nodes, p) for p in nodes.get(shape, {}).get(_SH + "path", [])]
        if isinstance(shape, ox.BlankNode):
            shape = (shape, *shape_path)
        found[(focus, path, value, component, severity, shape, messages)] += 1
    return found


def oracle(data: list[ox.Triple], shapes: rdflib.Graph) -> Counter[Row]:
    """pySHACL's results as rows."""
    _, report, _ = pyshacl.validate(rdflib_graph(data), shacl_graph=shapes, **PYSHACL)
    return rows([ox.Triple(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in report])


def targeted(shapes: rdflib.Graph) -> set[Any]:
    return {s for p in TARGETS for s in shapes.subjects(p, None)}


def ours(data: list[ox.Triple], shapes: rdflib.Graph) -> tuple[Counter[Row], rdflib.Graph]:
    rest, checks = core.split(shapes)
    return rows(core.evaluate(checks, store_of(data))), rest


def diff(mine: Counter[Row], theirs: Counter[Row]) -> str:
    return f"\nonly core: {dict(mine - theirs)}\nonly pySHACL: {dict(theirs - mine)}"


def same(data_turtle: str, shapes_turtle: str, expected: int, taken: bool = True) -> Counter[Row]:
    """Core's results plus pySHACL's on `rest` (what the engine merges) equal pySHACL's on all
    the shapes; there are `expected` of them; if `taken`, split takes every shape with targets
    (and pySHACL on `rest` finds nothing). Returns core's results."""
    data, shapes = triples(data_turtle), rdflib_graph(triples(shapes_turtle))
    assert literals.canonical_only(data), "a fixture literal is not in canonical form"
    mine, rest = ours(data, shapes)
    left = targeted(rest)
    assert not (taken and left), {str(s): core.refusal(shapes, s) for s in left}
    theirs, merged = oracle(data, shapes), mine + oracle(data, rest)
    assert merged == theirs, diff(merged, theirs)
    assert sum(theirs.values()) == expected
    return mine


def prop(constraint: str, path: str = "ex:p", targets: str = "sh:targetClass ex:C") -> str:
    """A node shape ex:S with one blank property shape holding the constraint."""
    return f"""ex:S a sh:NodeShape ; {targets} ;
        sh:property [ sh:path {path} ; {constraint} ; {MESSAGES} ] ."""


def node(constraint: str, targets: str = "sh:targetClass ex:C") -> str:
    """A node shape ex:S holding the constraint itself (its focus nodes are its values)."""
    return f"ex:S a sh:NodeShape ; {targets} ; {constraint} ; {MESSAGES} ."


DATA = """
ex:D rdfs:subClassOf ex:C . ex:E rdfs:subClassOf ex:D .
ex:a a ex:C ; ex:p ex:x .
ex:b a ex:D ; ex:q "b" .
ex:c a ex:E .
ex:m a ex:D , ex:E .  # reached twice through rdfs:subClassOf
_:n a ex:C ; ex:p ex:a .
ex:x ex:r ex:b .
"""


@pytest.mark.parametrize(
    ("targets", "kind", "expected"),
    [
        ("sh:targetClass ex:C", "sh:BlankNode", 4),  # a, b (subclass), c (two steps), m; not _:n
        ("sh:targetClass ex:E", "sh:BlankNode", 2),
        ("sh:targetClass ex:C", "sh:IRI", 1),  # the blank focus node _:n
        ("sh:targetNode ex:a , ex:nowhere", "sh:BlankNode", 2),
        ("sh:targetNode 'lit' , 1 , ex:a", "sh:BlankNode", 3),  # literals are focus nodes too
        ("sh:targetSubjectsOf ex:p", "sh:IRI", 1),
        ("sh:targetObjectsOf ex:p , ex:r", "sh:BlankNode", 3),
        ("sh:targetObjectsOf ex:q", "sh:IRI", 1),  # the literal "b" is a focus node
        ("sh:targetClass ex:D ; sh:targetSubjectsOf ex:q ; sh:targetNode ex:b", "sh:IRI", 0),
        # b reached three ways, m through two types: each once
        ("sh:targetClass ex:D ; sh:targetSubjectsOf ex:q ; sh:targetNode ex:b", "sh:Literal", 3),
        ("sh:targetClass ex:Nothing", "sh:BlankNode", 0),
    ],
)
def test_targets(targets: str, kind: str, expected: int) -> None:
    same(DATA, node(f"sh:nodeKind {kind}", targets), expected)


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("sh:nodeKind sh:IRI ; sh:class ex:D", 3),  # a and _:n not D; _:n not an IRI
        ('sh:pattern "^http://example\\\\.org/[ab]$"', 3),  # c, m; the blank _:n
        ("sh:hasValue ex:a", 4),
        ("sh:in ( ex:a ex:b )", 3),
    ],
)
def test_constraints_on_the_focus_node(constraint: str, expected: int) -> None:
    same(DATA, node(constraint), expected)


VALUES = """
ex:K2 rdfs:subClassOf ex:K1 . ex:K3 rdfs:subClassOf ex:K2 .
ex:v1 a ex:K1 . ex:v2 a ex:K2 , ex:K3 . ex:v3 a ex:K3 . _:vb a ex:Other .
ex:s a ex:C ; ex:p ex:v1 , ex:v2 , ex:v3 , ex:v4 , _:vb , "lit" , "lit"@en , "1"^^xsd:integer ,
    "-5"^^xsd:integer , "1"^^xsd:decimal , "2020-01-01"^^xsd:date , "2020"^^xsd:gYear .
ex:t a ex:C .
"""


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("sh:class ex:K1", 9),  # v2 (subclass) and v3 (two steps) pass
        ("sh:class ex:K2", 10),
        ("sh:class ex:K1 , ex:K3", 9 + 10),
        ("sh:datatype xsd:string", 11),
        ("sh:datatype rdf:langString", 11),
        ("sh:datatype xsd:integer", 10),
        ("sh:datatype xsd:date", 11),
        ("sh:datatype xsd:gYear", 11),
        ("sh:nodeKind sh:IRI", 8),
        ("sh:nodeKind sh:BlankNode", 11),
        ("sh:nodeKind sh:Literal", 5),
        ("sh:nodeKind sh:BlankNodeOrIRI", 7),
        ("sh:nodeKind sh:IRIOrLiteral", 1),
        ("sh:nodeKind sh:BlankNodeOrLiteral", 4),
        ("sh:in ( ex:v1 ex:v4 'lit' 1 )", 8),  # not "lit"@en, -5, "1"^^xsd:decimal (= 1)
        ("sh:hasValue ex:v4", 1),  # ex:t
        ("sh:hasValue 'lit'", 1),
        ("sh:hasValue ex:nowhere", 2),
    ],
)
def test_value_type_constraints(constraint: str, expected: int) -> None:
    same(VALUES, prop(constraint), expected)


STRINGS = """
ex:s a ex:C ; ex:p "abc" , "Abc" , "a\\nc" , "abc\\n" , "abc"@en , "ABC"@zh , 123 , ex:abc ,
    _:b , "a b"@en , "" , "xyz" .
"""


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        # pySHACL: Python's re.search; "$" also before a final newline; the blank node fails
        ('sh:pattern "^a.c$"', 9),
        ('sh:pattern "^a.c$" ; sh:flags "i"', 7),
        ('sh:pattern "^a.c$" ; sh:flags "s"', 9),  # pySHACL ignores "s" ("." stops at "\n")
        ('sh:pattern "^a.c$" ; sh:flags "si"', 7),
        ('sh:pattern "^c$" ; sh:flags "m"', 11),
        ('sh:pattern "b"', 6),  # not anchored: a match anywhere
        ('sh:pattern "b" , "c"', 6 + 6),
        ('sh:pattern "^[a-z]{,3}$"', 7),  # Python reads {,3} as {0,3}
        ('sh:pattern "^http://example\\\\.org/a"', 11),  # str() of the IRI
        ('sh:pattern "^\\\\S(.*\\\\S)?$" ; sh:flags "s"', 3),  # the real label pattern
        ("sh:minLength 3", 2),  # "" and the blank node
        ("sh:maxLength 3", 3),  # "abc\n", the IRI and the blank node
        ("sh:minLength 0", 0),  # the blank node passes too
        ("sh:languageIn ( 'zh' 'en' )", 9),
        ("sh:uniqueLang true", 1),
    ],
)
def test_string_constraints(constraint: str, expected: int) -> None:
    same(STRINGS, prop(constraint), expected)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^[]a]+$", 5),  # "]" first in a class is a "]"
        ("^\\\\w+$", 4),  # Python: a combining mark (U+0301) is no word character
        ("^\\\\W+$", 7),
        ("\\\\B", 5),  # Python: no match in ""
        ("^\\\\d$", 7),  # "١" (U+0661) is a digit
        ("^[[:alpha:]]+$", 7),  # Python: the class "[[:alph]" then "]+"
    ],
)
def test_pattern_dialect(pattern: str, expected: int) -> None:
    """pySHACL runs Python's re; Oxigraph Rust's regex: the pattern must mean what it means
    in Python (or split refuses it)."""
    data = 'ex:s a ex:C ; ex:p "a" , "]" , "a]" , "b" , "" , "e\\u0301" , "\\u00e9" , "\\u0661" .'
    same(data, prop(f'sh:pattern "{pattern}"'), expected, taken=False)


LANGUAGES = """
ex:s1 a ex:C ; ex:p "a"@en , "b"@en-GB , "c"@EN , "d" , ex:i , "e"@zh-Hant , "f"@fr , "g"@zh .
ex:s2 a ex:C ; ex:p "a"@en , "b"@en , "z"@zh .
ex:s3 a ex:C ; ex:p "a"@en , "b"@en , "c"@en .
ex:s4 a ex:C ; ex:p "a"@en , "b"@en , "c"@zh , "d"@zh .
ex:s5 a ex:C ; ex:p "a" , "b" .
ex:s6 a ex:C .
"""


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("sh:languageIn ( 'zh' 'en' )", 5),  # "d", ex:i, "f"@fr, s5's two
        ("sh:languageIn ( 'EN' 'ZH' )", 5),  # pySHACL compares lower case
        ("sh:languageIn ( 'en-GB' )", 19),  # pySHACL: "en-GB" or a first part "en-gb"
        ("sh:uniqueLang true", 5),  # s1 (en, EN: a store lowercases tags); s2; s3 once; s4 twice
        ("sh:qualifiedValueShape [ sh:languageIn ( 'zh' ) ] ; sh:qualifiedMinCount 1", 3),
        ("sh:qualifiedValueShape [ sh:languageIn ( 'zh' ) ] ; sh:qualifiedMaxCount 1", 2),
        (
            "sh:qualifiedValueShape [ sh:languageIn ( 'en' ) ] ; "
            "sh:qualifiedMinCount 2 ; sh:qualifiedMaxCount 2",
            4,  # s1 (en, en-GB, EN), s3, s5, s6
        ),
        ("sh:qualifiedValueShape [ sh:datatype xsd:string ] ; sh:qualifiedMinCount 1", 4),
    ],
)
def test_language_constraints(constraint: str, expected: int) -> None:
    same(LANGUAGES, prop(constraint), expected)


COUNTS = """
ex:s0 a ex:C . ex:s1 a ex:C ; ex:p 1 . ex:s2 a ex:C ; ex:p 1 , 2 .
ex:s3 a ex:C ; ex:p 1 , "1" , ex:one . _:s4 a ex:C ; ex:p _:x , _:y .
"""


@pytest.mark.parametrize(
    ("constraint", "expected"),
    [
        ("sh:minCount 1", 1),
        ("sh:minCount 2", 2),
        ("sh:maxCount 1", 3),
        ("sh:maxCount 2", 1),
        ("sh:maxCount 0", 4),
        ("sh:minCount 1 ; sh:maxCount 1", 4),
    ],
)
def test_cardinality(constraint: str, expected: int) -> None:
    same(COUNTS, prop(constraint), expected)


NUMBERS = """
ex:s a ex:C ; ex:p 4 , 5 , 6 , 5.5 , "5" , ex:five , _:five , "5"@en ;
    ex:d "1999-12-31"^^xsd:date , "2000-01-01"^^xsd:date , "2000"^^xsd:gYear , "2000-01-01T00:00:00"^^xsd:dateTime ,
        true .
"""


@pytest.mark.parametrize(
    ("constraint", "path", "expected"),
    [
        ("sh:minInclusive 5", "ex:p", 5),  # 4 and the incomparable string, IRI, blank node
        ("sh:maxInclusive 5", "ex:p", 6),
        ("sh:minExclusive 5", "ex:p", 6),
        ("sh:maxExclusive 5", "ex:p", 7),
        ("sh:minInclusive 4.5", "ex:p", 5),
        ("sh:minInclusive 0 ; sh:maxInclusive 5", "ex:p", 10),  # 4 results twice
        # rdflib orders a date, a gYear, a boolean with a number (a dateTime it cannot)
        ("sh:maxInclusive 5", "ex:d", 1),
        ("sh:minInclusive 2.5", "ex:d", 4),  # the gYear passes
        ("sh:maxExclusive -3", "ex:d", 1),
    ],
)
def test_value_ranges(constraint: str, path: str, expected: int) -> None:
    same(NUMBERS, prop(constraint, path), expected)


@pytest.mark.parametrize(
    ("constraint", "path", "expected"),
    [
        ('sh:minInclusive "2000-01-01"^^xsd:date', "ex:d", 3),  # the gYear passes
        ('sh:maxInclusive "2000"^^xsd:gYear', "ex:d", 1),
        ('sh:minInclusive "5"', "ex:p", 6),  # "5"@en passes
    ],
)
def test_value_ranges_with_other_bounds(constraint: str, path: str, expected: int) -> None:
    """pySHACL orders literals as rdflib does (a gYear with a date, a tagged string with a
    string), not as SPARQL: split may leave such a shape to it."""
    same(NUMBERS, prop(constraint, path), expected, taken=False)


@pytest.mark.parametrize(
    ("value", "constraint", "expected"),
    [
        ('"2019-02-29"^^xsd:date', "sh:datatype xsd:date", 1),  # canonical in form, no date
        ('"2020-02-29"^^xsd:date', "sh:datatype xsd:date", 0),
        ('"1"^^xsd:byte', "sh:datatype xsd:byte", 0),  # a store gives "1"^^xsd:integer back
        ('"1"^^xsd:byte', "sh:in ( 1 )", 1),  # rdflib: not the term 1
        ('"1"^^xsd:nonNegativeInteger', "sh:maxInclusive 0", 1),
    ],
)
def test_literals_as_the_engine_lets_core_see_them(
    value: str, constraint: str, expected: int
) -> None:
    """The engine gives a graph to core when canonical_only says a store keeps its literals;
    then core's results must be pySHACL's."""
    data = f"ex:a a ex:C ; ex:p {value} ."
    if literals.canonical_only(triples(data)):
        same(data, prop(constraint), expected)


def test_disjoint() -> None:
    data = """ex:a a ex:C ; ex:p 1 , ex:x ; ex:q ex:x , 1 . ex:b a ex:C ; ex:p 1 ; ex:q 2 .
    ex:c a ex:C ; ex:p 1 ; ex:q "1"^^xsd:decimal ."""
    same(data, prop("sh:disjoint ex:q"), 2)  # ex:a twice; 1 and 1.0 are different terms


VALUE_SHAPES = """
ex:OrgValue a sh:NodeShape ; sh:or ( [ sh:class ex:K1 ] [ sh:class ex:K4 ] ) .
ex:StatusCode a sh:NodeShape ; sh:property [ sh:path ex:inScheme ; sh:hasValue ex:status ] .
ex:TemporalValue a sh:NodeShape ;
    sh:or ( [ sh:datatype xsd:date ] [ sh:datatype xsd:gYearMonth ] [ sh:datatype xsd:gYear ] ) ;
    sh:pattern "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" .
ex:Chain a sh:NodeShape ; sh:node ex:OrgValue ; sh:nodeKind sh:IRI .
"""
LINKED = """
ex:K5 rdfs:subClassOf ex:K4 .
ex:o1 a ex:K1 . ex:o2 a ex:K5 . _:o4 a ex:K1 .
ex:st1 ex:inScheme ex:status . ex:st2 ex:inScheme ex:other . ex:st3 ex:inScheme ex:other , ex:status .
ex:s a ex:C ; ex:org ex:o1 , ex:o2 , ex:o3 , _:o4 , "lit" ;
    ex:status ex:st1 , ex:st2 , ex:st3 , "x" ;
    ex:date "2020-01-01"^^xsd:date , "2020-01"^^xsd:gYearMonth , "2020"^^xsd:gYear ,
        "2020-01-01T00:00:00"^^xsd:dateTime , "2020" , "2020Z"^^xsd:gYear , ex:d .
_:t a ex:C ; ex:org _:o4 .
"""


@pytest.mark.parametrize(
    ("constraint", "path", "expected"),
    [
        ("sh:node ex:OrgValue", "ex:org", 2),  # ex:o3, "lit"
        ("sh:node ex:StatusCode", "ex:status", 2),  # st2, "x"
        ("sh:node ex:TemporalValue", "ex:date", 4),  # dateTime, "2020", "2020Z", ex:d
        ("sh:node ex:Chain", "ex:org", 4),  # and the blank _:o4 twice
        ("sh:node ex:OrgValue , ex:StatusCode", "ex:org", 8),
        ("sh:or ( [ sh:class ex:K1 ] [ sh:datatype xsd:string ] )", "ex:org", 2),
        ("sh:or ( [ sh:node ex:StatusCode ] [ sh:nodeKind sh:Literal ] )", "ex:status", 1),
        ("sh:or ( [ sh:path ex:inScheme ; sh:maxCount 1 ] [ sh:class ex:K4 ] )", "ex:status", 1),
        ("sh:or ( [ sh:class ex:K1 ] [ sh:nodeKind sh:BlankNode ] )", "", 1),  # ex:s
        ("sh:node ex:Chain", "", 2),  # ex:s not K1/K4; _:t not an IRI
    ],
)
def test_shape_based_constraints(constraint: str, path: str, expected: int) -> None:
    """On a property shape, or ("" path) on the node shape itself."""
    shapes = prop(constraint, path) if path else node(constraint)
    same(LINKED, VALUE_SHAPES + shapes, expected)


def test_inverse_path() -> None:
    data = """
    ex:t1 a ex:Team . ex:t2 a ex:Team . _:t3 a ex:Team . ex:t4 a ex:Team .
    ex:Sub rdfs:subClassOf ex:Assessment . ex:as1 a ex:Assessment , ex:Sub ; ex:assoc ex:t1 .
    ex:x ex:assoc ex:t2 . _:y ex:assoc ex:t2 .
    ex:as2 a ex:Assessment ; ex:assoc _:t3 .
    """
    shapes = f"""ex:S a sh:NodeShape ; sh:targetClass ex:Team ;
        sh:property [ sh:path [ sh:inversePath ex:assoc ] ;
            sh:qualifiedValueShape [ sh:class ex:Assessment ] ;
            sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 1 ; {MESSAGES}
        ] , [ sh:path [ sh:inversePath ex:assoc ] ; sh:maxCount 1 ; sh:nodeKind sh:IRI ; {MESSAGES}
        ] ."""
    same(data, shapes, 4)  # t2 and t4 unqualified (as1 counts once); t2 has two; _:y is blank


@pytest.mark.parametrize(
    ("ignored", "expected"),
    [("sh:ignoredProperties ( rdf:type ) ;", 5), ("", 8), ("sh:ignoredProperties ( ) ;", 8)],
)
def test_closed(ignored: str, expected: int) -> None:
    data = """
    ex:a1 a ex:C ; ex:p ex:x . ex:a2 a ex:C ; ex:p ex:x ; ex:q ex:y ; ex:r _:b , "s"@en .
    _:n a ex:C ; ex:q "lit" . ex:a3 ex:q 1 .
    """
    shapes = f"""ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ; {ignored}
        sh:property [ sh:path ex:p ; sh:minCount 1 ; {MESSAGES} ] ; {MESSAGES} ."""
    same(data, shapes, expected)  # + _:n's missing ex:p


def test_severity_and_messages() -> None:
    data = "ex:a a ex:C ; ex:p 1 . _:n a ex:C ."
    shapes = """ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:severity sh:Warning ;
        sh:nodeKind sh:IRI ; sh:message "not an IRI"@en , "不是 IRI"@zh , "plain" ;
        sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "no p"@en ] ,
            [ sh:path ex:p ; sh:maxCount 0 ; sh:severity sh:Info ; sh:message "a p"@en-GB ] ."""
    mine = same(data, shapes, 3)  # the property shapes do not inherit sh:Warning
    assert {row[4].value for row in mine} == {_SH + s for s in ("Warning", "Violation", "Info")}
    assert max(len(row[6]) for row in mine) == 3


@pytest.mark.parametrize(
    ("where", "expected"),
    [("ex:S", 0), ("ex:P", 2), ("ex:V", 2), ("nowhere", 4)],
)
def test_deactivated(where: str, expected: int) -> None:
    data = "ex:a a ex:C ; ex:q ex:b . ex:b a ex:C ; ex:q ex:a ."
    shapes = f"""ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P , ex:Q .
    ex:P sh:path ex:p ; sh:minCount 1 ; {MESSAGES} .
    ex:Q sh:path ex:q ; sh:node ex:V ; {MESSAGES} .
    ex:V sh:nodeKind sh:Literal .
    """
    if where != "nowhere":
        shapes += f"{where} sh:deactivated true ."
    same(data, shapes, expected)  # a deactivated value shape conforms


def test_a_property_shape_with_its_own_targets() -> None:
    shapes = f"""ex:S a sh:PropertyShape ; sh:targetClass ex:C ; sh:targetNode ex:nowhere ;
        sh:path ex:p ; sh:nodeKind sh:IRI ; sh:maxCount 1 ; {MESSAGES} ."""
    same(VALUES.replace("ex:t a ex:C .", "ex:t a ex:C ; ex:p ex:v1 , _:x ."), shapes, 11)


def test_a_property_shape_shared_by_two_node_shapes() -> None:
    """Both node shapes reach ex:a: pySHACL reports its missing ex:p twice, same source shape."""
    data = "ex:a a ex:C , ex:D . ex:b a ex:D ; ex:p 1 ."
    shapes = f"""ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .
    ex:T a sh:NodeShape ; sh:targetClass ex:D ; sh:property ex:P .
    ex:P a sh:PropertyShape ; sh:path ex:p ; sh:minCount 1 ; {MESSAGES} ."""
    assert max(same(data, shapes, 2).values()) == 2


@pytest.mark.parametrize(
    "constraint",
    [
        "sh:path ex:p ; sh:equals ex:q",
        "sh:path ex:p ; sh:lessThan ex:q",
        "sh:path ex:p ; sh:and ( [ sh:class ex:K ] [ sh:nodeKind sh:IRI ] )",
        "sh:path ex:p ; sh:xone ( [ sh:class ex:K ] [ sh:nodeKind sh:IRI ] )",
        "sh:path ex:p ; sh:not [ sh:class ex:K ]",
        "sh:path ex:p ; sh:node [ sh:not [ sh:class ex:K ] ]",
        "sh:path ex:p ; sh:or ( [ sh:class ex:K ] [ sh:xone ( [ sh:nodeKind sh:IRI ] ) ] )",
        "sh:path ( ex:p ex:q ) ; sh:minCount 1",
        "sh:path [ sh:zeroOrMorePath ex:p ] ; sh:class ex:K",
        "sh:path [ sh:inversePath ( ex:p ex:q ) ] ; sh:minCount 1",
    ],
)
def test_refused_shapes_stay_for_pyshacl(constraint: str) -> None:
    """A shape with a constraint split does not take keeps its targets in `rest`; pySHACL on
    `rest` plus core's results (another, taken shape) equal pySHACL on the whole graph."""
    data = "ex:a a ex:C ; ex:p ex:b ; ex:q ex:c . ex:b ex:q ex:b . ex:d a ex:C ."
    turtle = f"""ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ {constraint} ; {MESSAGES} ] .
    ex:T a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:BlankNode ; {MESSAGES} ."""
    shapes = rdflib_graph(triples(turtle))
    assert isinstance(core.refusal(shapes, EX_S), str)
    assert core.refusal(shapes, rdflib.URIRef("http://example.org/T")) is None
    assert targeted(core.split(shapes)[0]) == {EX_S}
    rows_of_s = sum(
        oracle(triples(data), rdflib_graph(triples(turtle.split("ex:T a")[0]))).values()
    )
    assert sum(same(data, turtle, 2 + rows_of_s, taken=False).values()) == 2


@pytest.mark.filterwarnings("ignore::pyshacl.errors.ShapeRecursionWarning")  # pySHACL backs out
def test_recursive_shapes() -> None:
    """SHACL leaves recursion undefined; pySHACL stops at the cycle. split must not fail:
    it leaves the shape to pySHACL or gives pySHACL's results."""
    data = "ex:a a ex:C ; ex:p ex:b . ex:b ex:p ex:c . ex:c ex:p ex:b ."
    value = "ex:R sh:property [ sh:path ex:p ; sh:maxCount 0 ; sh:node ex:R ] ."
    same(data, prop("sh:node ex:R") + value, 1, taken=False)


def test_a_shape_without_message_is_refused() -> None:
    shapes = rdflib_graph(triples(node("sh:nodeKind sh:IRI").replace(MESSAGES, "")))
    assert isinstance(core.refusal(shapes, EX_S), str)
    assert targeted(core.split(shapes)[0]) == {EX_S}


def test_implicit_class_target_is_refused() -> None:
    """A shape that is also an rdfs:Class targets its instances: taken or not, pySHACL on
    `rest` plus core's results must be pySHACL's results, each once."""
    turtle = node("sh:nodeKind sh:BlankNode") + " ex:S a rdfs:Class ."
    same(DATA + "ex:z a ex:S .", turtle, 5, taken=False)  # a, b, c, m and z
    assert isinstance(core.refusal(rdflib_graph(triples(turtle)), EX_S), str)


def test_evaluate_twice_on_a_store_that_changed() -> None:
    """evaluate reads the data as it is now: nothing it kept from an earlier call hides a new
    focus node or a new instance of a class."""
    shapes = rdflib_graph(triples(prop("sh:class ex:K ; sh:minCount 1")))
    checks = core.split(shapes)[1]
    store = store_of(triples("ex:a a ex:C ; ex:p ex:x . ex:x a ex:K ."))
    assert rows(core.evaluate(checks, store)) == Counter()
    (gone,) = triples("ex:x a ex:K .")
    store.remove(ox.Quad(gone.subject, gone.predicate, gone.object))
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples("ex:b a ex:C ."))
    data = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    mine, theirs = rows(core.evaluate(checks, store)), oracle(data, shapes)
    assert mine == theirs, diff(mine, theirs)
    assert sum(theirs.values()) == 2  # x is no K now; b is a new focus node (no ex:p)
    assert list(store.named_graphs()) == []  # the store is left as it was found


def test_non_canonical_literals_are_detected() -> None:
    """A Store keeps "+4"^^xsd:integer as 4, pySHACL reports "+4": canonical_only tells the
    caller to leave such a graph to pySHACL."""
    data = triples('ex:a a ex:C ; ex:p "+4"^^xsd:integer , "1.50"^^xsd:decimal .')
    assert not literals.canonical_only(data)
    assert literals.canonical_only(triples(NUMBERS + LINKED + VALUES + STRINGS))
    (row,) = oracle(data[:2], rdflib_graph(triples(prop("sh:minInclusive 5"))))
    assert row[2].value == "+4"


def scrambled(data: list[ox.Triple], every: int) -> list[ox.Triple]:
    """One triple in `every` given the object of another: wrong classes, datatypes, languages."""
    rng = random.Random(4)  # 4: a literal lands where sh:targetObjectsOf finds focus nodes
    objects = [t.object for t in data]
    return [
        t if i % every else ox.Triple(t.subject, t.predicate, rng.choice(objects))
        for i, t in enumerate(data)
    ]


def real_core_shapes(home: Home) -> rdflib.Graph:
    """The real shapes as the engine gives them to core: SPARQL constraints split off."""
    return sparql.split(real_shapes(home))[0]


def test_split_takes_every_real_shape(home: Home) -> None:
    """After validate/sparql, core takes every real shape: the per-node engine gets none."""
    shapes = real_core_shapes(home)
    rest, checks = core.split(shapes)
    assert {str(s): core.refusal(shapes, s) for s in targeted(rest)} == {}
    assert len(targeted(shapes)) > 30 and len(checks) > 100


@pytest.mark.parametrize("change", ["thinned", "scrambled"])
def test_real_shapes_equal_pyshacl(home: Home, change: str) -> None:
    """The real shapes on the real graph, changed so that it has violations: core's results
    equal pySHACL's (for the shapes core takes; pySHACL on `rest` finds nothing)."""
    shapes = real_core_shapes(home)
    data = [t for p in home.graph_files() for t in read_triples(p)]
    data = thinned(data, 7) if change == "thinned" else scrambled(data, 9)
    assert literals.canonical_only(data)
    mine, rest = ours(data, shapes)
    assert oracle(data, rest) == Counter()
    refused = targeted(rest)  # their targets dropped: pySHACL runs the shapes split takes
    taken = rdflib.Graph()
    taken += (t for t in shapes if not (t[0] in refused and t[1] in TARGETS))
    theirs = oracle(data, taken)
    assert mine == theirs, diff(mine, theirs)
    assert sum(theirs.values()) > 100
    assert len({row[3] for row in theirs}) >= (3 if change == "thinned" else 12)
