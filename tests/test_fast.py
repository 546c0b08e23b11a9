"""validate/fast.py: the default engine starts on the files before they are parsed, and sets
that early work aside when the triples show it cannot stand for them (blank nodes, literals a
store rewrites). Each path must give pySHACL's results; the fixtures and the real data
(tests/test_shapes.py) only take the early one."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from ipbes_kg.home import Home
from ipbes_kg.rdf.reader import read_triples
from ipbes_kg.validate import validate_files
from ipbes_kg.validate.fast import Fast
from ipbes_kg.validate.shapeterms import has_targets

SH = "http://www.w3.org/ns/shacl#"
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ;
    sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:class ex:D ; sh:message "p: one ex:D"@en ] ,
        [ sh:path ex:n ; sh:maxCount 1 ; sh:datatype xsd:integer ; sh:pattern "^[0-9]+$" ;
            sh:message "n: one integer"@en ] .
"""
DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:C ; ex:p ex:d ; ex:n 1 .
ex:b a ex:C ; ex:n 1 , 2 .
ex:c a ex:C ; ex:p ex:b ; ex:n "x" .
ex:d a ex:D .
"""


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        # the early store: b (no p, two n), c (p not an ex:D; n "x": datatype, pattern)
        ("", 5),
        ("[ a ex:C ; ex:p [ a ex:D ] ; ex:n 1.5 ] .", 7),  # blank nodes: a store of the triples
        # a store reads "+4" as 4 (the pattern would pass): turbo
        ('ex:e a ex:C ; ex:p ex:d ; ex:n "+4"^^xsd:integer .', 6),
        ('ex:e a ex:C ; ex:p ex:d ; ex:n "4"^^xsd:byte .', 6),  # a store says xsd:integer
    ],
)
def test_every_path_gives_pyshacl_results(tmp_path: Path, extra: str, expected: int) -> None:
    (tmp_path / "data.ttl").write_text(DATA + extra, encoding="utf-8")
    (tmp_path / "shapes.ttl").write_text(SHAPES, encoding="utf-8")
    data, shapes = [tmp_path / "data.ttl"], [tmp_path / "shapes.ttl"]
    report = validate_files(data, shapes, "turbo")
    fast, reference = report.results, validate_files(data, shapes, "pyshacl").results
    assert sorted(map(repr, fast)) == sorted(map(repr, reference))
    assert len(fast) == expected
    # the report names the blank nodes of the data, as the reader labels them
    blank = {t.object for t in report.report if t.predicate.value == SH + "focusNode"}
    blank = {node for node in blank if isinstance(node, ox.BlankNode)}
    assert blank <= {t.subject for t in read_triples(data[0])}
    assert bool(blank) == ("[" in extra)


def test_nothing_is_left_for_turbo_with_the_packaged_shapes(home: Home) -> None:
    from ipbes_kg.rdf.reader import rdflib_graph, read_files

    fast = Fast([], rdflib_graph(read_files(home.shapes_files())))
    assert fast.checks and fast.constraints
    assert not [node for node in set(fast.rest.subjects()) if has_targets(fast.rest, node)]
