"""Baseline: bare pySHACL on the same data and shapes, with the options ``ipbes-kg validate`` uses.

Usage: ``python benchmarks/bare_validate.py GRAPH.nt SHAPES.nt`` — rdflib parses the N-Triples
(vocabulary + data, and the shapes), pySHACL validates with no inference, SHACL Core and
SHACL-SPARQL (``advanced=False``: no SHACL-AF), infos and warnings allowed, no owl:imports;
prints ``conforms`` or the number of results. Exit 0 always. Nothing else: no caching of the
shapes' SPARQL, no source locations, no report rendering.
"""

import sys

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import RDF, SH


def main(graph_path: str, shapes_path: str) -> None:
    data = Graph()
    data.parse(graph_path, format="nt")
    shapes = Graph()
    shapes.parse(shapes_path, format="nt")
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=False,
        allow_infos=True,
        allow_warnings=True,
        do_owl_imports=False,
    )
    results = len(set(report.subjects(RDF.type, SH.ValidationResult)))
    print("conforms" if conforms else f"{results} results")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
