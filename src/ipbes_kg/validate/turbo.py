"""pyshacl-turbo's Rust engine, called below its Python layer.

Why not ``pyshacl_turbo.validate``: its Python layer turns the engine's report (N-Triples text)
into an rdflib graph, about as slow as the validation itself on a large graph (~12 s of ~30 s
at ×100 in ``benchmarks/``), and ``results.from_report`` would then walk that graph again. Here
the engine's text is parsed by pyoxigraph straight into the triples ``from_report`` reads. The
data goes in as N-Triples text written from the strict parse (literals as written: "+400"
stays "+400"), the shapes as the rdflib graph turbo compiles.

The call used is not turbo's documented API (``CompiledShapes._native.validate`` and its
positional arguments); pyproject pins pyshacl-turbo below 0.7, and every shapes fixture and the
real data are validated by this path and by pySHACL with identical results required
(``tests/test_shapes.py``), so a change in turbo fails the tests, not a user's run.

One call, one thread: splitting the shapes over threads (``use_shapes``) was tried and measured
at ×100: each call still reads the whole graph (~9 s of the ~23 s) and most of the work is
repeated, so two threads took 40 s of wall time and 38 s of CPU against 23 s for one.
The engine releases the GIL, so the caller does its own Python work meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from ipbes_kg.rdf.reader import parse_bytes
from ipbes_kg.rdf.terms import TripleLike


def report(data: str, shapes: Graph) -> list[TripleLike]:
    """The SHACL report triples of ``data`` (N-Triples text) against ``shapes``."""
    import pyshacl_turbo

    compile_shapes: Callable[[Graph], Any] = pyshacl_turbo.compile_shapes
    program = compile_shapes(shapes)  # reports bad shapes as ValueError

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
        [],  # use_shapes: all
        [],  # namespaces
    )
    return [
        *parse_bytes(str(text).encode("utf-8"), ox.RdfFormat.N_TRIPLES, "pyshacl-turbo's report")
    ]
