"""pyshacl-turbo's Rust engine, called below its Python layer, on several cores.

Why not ``pyshacl_turbo.validate``: its Python layer turns the engine's report (N-Triples text)
into an rdflib graph, about as slow as the validation itself on a large graph (~12 s of ~30 s
at ×100 in ``benchmarks/``), and ``from_report`` would then walk that graph again. Here the
engine's text is parsed by pyoxigraph straight into the triples ``results.from_report`` reads.
The data goes in as N-Triples text written from the strict parse (literals as written: "+400"
stays "+400"), the shapes as the rdflib graph turbo compiles.

The calls used are not turbo's documented API (``CompiledShapes._native.validate`` and its
positional arguments); pyproject pins pyshacl-turbo below 0.7, and every shapes fixture and the
real data are validated by this path and by pySHACL with identical results required
(``tests/test_shapes.py``), so a change in turbo fails the tests, not a user's run.

Several cores: the engine releases the GIL, and the targeted shapes are independent, so they
are split into groups (``use_shapes``), each validated in its own thread over the same text;
the union of the groups' results is the whole report (each result belongs to the targeted shape
that produced it). Each thread parses the data itself, so memory grows with the thread count:
at most ``MAX_WORKERS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import SH

MAX_WORKERS = 4
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
_RDFS_CLASS = URIRef("http://www.w3.org/2000/01/rdf-schema#Class")
_OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def workers() -> int:
    """Threads to use: the cores this process may run on, at most ``MAX_WORKERS``."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def groups(shapes: Graph, count: int) -> list[list[str]]:
    """The targeted shapes in ``count`` groups (one group of none means all shapes at once).

    Only IRI shapes can be named to the engine; with a blank targeted shape or an implicit
    class target (a shape that is also a class) the shapes are not split.
    """
    targeted = {s for p in _TARGETS for s in shapes.subjects(p, None)}
    implicit = any(
        (s, _RDF_TYPE, c) in shapes
        for c in (_RDFS_CLASS, _OWL_CLASS)
        for s in shapes.subjects(_RDF_TYPE, SH.NodeShape)
    )
    if count < 2 or implicit or any(not isinstance(s, URIRef) for s in targeted):
        return [[]]
    named = sorted(str(s) for s in targeted)
    return [part for part in (named[i::count] for i in range(count)) if part]


def report(data: str, shapes: Graph, threads: int | None = None) -> list[ox.Triple]:
    """The SHACL report triples of ``data`` (N-Triples text) against ``shapes``."""
    import pyshacl_turbo

    compile_shapes: Callable[[Graph], Any] = pyshacl_turbo.compile_shapes
    program = compile_shapes(shapes)  # reports bad shapes as ValueError

    def run(use_shapes: list[str]) -> str:
        _, text, _, _, _ = program._native.validate(  # private: see the module docstring
            data,
            "nquads",  # the format name turbo's own Input gives N-Triples text
            None,  # base IRI: none, every IRI is absolute
            False,  # iterate_rules
            100,  # max_rule_iterations
            15,  # max_validation_depth (pySHACL's default)
            False,  # inplace
            True,  # allow_infos
            True,  # allow_warnings
            False,  # abort_on_first
            [],  # focus_nodes: all
            use_shapes,
            [],  # namespaces
        )
        return str(text)

    parts = groups(shapes, workers() if threads is None else threads)
    if len(parts) == 1:
        texts = [run(parts[0])]
    else:
        with ThreadPoolExecutor(len(parts), thread_name_prefix="ipbes-kg-turbo") as pool:
            texts = list(pool.map(run, parts))
    return [
        quad.triple
        for text in texts
        for quad in ox.parse(input=text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    ]
