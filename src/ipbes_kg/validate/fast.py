"""The default engine: the shapes evaluated set-based in a pyoxigraph store, started before the
data is parsed, and pyshacl-turbo for whatever the set-based evaluators leave.

``ipbes_kg.validate.core`` (SHACL Core) and ``ipbes_kg.validate.sparql`` (SHACL-SPARQL) run each
constraint once over all its focus nodes. They need only a store of the data, not the Python
triples the strict reader makes (~5 s at ×100) for the checks, the labels and the report. So
the store is loaded from the files themselves by Oxigraph's own parser (``load_store``: the same
parser as the reader, without the GIL) and the queries run while the main thread parses, scans
positions and runs the checks; it then reads their answers as each query ends (``report``).
Once the triples are known, two things the early store cannot
stand for are checked, and the early work is set aside for them (it is wasted, not wrong):

- blank nodes: a store labels them its own way, and the report must name the nodes of the
  triples; the store is then built from the triples (``store_of``);
- a literal a store does not give back as written (``rdf.literals.canonical_only``:
  ``"+400"^^xsd:integer``, an ``xsd:byte``): every shape goes to turbo, which reads lexical forms.

Turbo (``ipbes_kg.validate.turbo``) gets N-Triples text written from the strict parse, in a
thread of its own, and is not started when no shape with targets is left for it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from ipbes_kg.errors import UserError
from ipbes_kg.rdf import literals
from ipbes_kg.rdf.reader import load_store, store_of
from ipbes_kg.rdf.terms import TripleLike
from ipbes_kg.validate import core, results, sparql, turbo
from ipbes_kg.validate.pool import Background, in_threads
from ipbes_kg.validate.shapeterms import has_targets, materialized

OnPart = Callable[[list[TripleLike]], None]


def ntriples(triples: Sequence[TripleLike]) -> bytes:
    """The data as N-Triples (written by pyoxigraph: literals keep their lexical form)."""
    quads = [
        t if isinstance(t, ox.Quad) else ox.Quad(t.subject, t.predicate, t.object) for t in triples
    ]
    return ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES) or b""


def _has_blank_nodes(triples: Sequence[TripleLike]) -> bool:
    return any(type(t.subject) is ox.BlankNode or type(t.object) is ox.BlankNode for t in triples)


class Fast:
    """Starts the set-based evaluation of ``files`` at once; ``report(triples)`` finishes it."""

    def __init__(self, files: list[Path], shapes: Graph) -> None:
        self.shapes = shapes
        core_shapes, self.constraints = sparql.split(shapes)
        self.rest, self.checks = core.split(core_shapes)
        self._early: Background[list[bytes]] | None = None
        self._stop = threading.Event()
        self._finished: queue.SimpleQueue[tuple[int, list[bytes]]] = queue.SimpleQueue()
        if self.constraints or self.checks:
            self._early = Background(lambda: self._answers(load_store(files), self._finished))

    def _answers(
        self, store: ox.Store, finished: queue.SimpleQueue[tuple[int, list[bytes]]] | None = None
    ) -> list[bytes]:
        needs = {s for c in self.checks for s in c.needs} | {c.focus for c in self.constraints}
        with materialized(store, needs):
            # the SPARQL constraints first: the longest queries (×200: up to 2.5 s, a Core check
            # under 0.9 s) started last would leave a core idle at the end
            return in_threads(
                sparql.tasks(self.constraints, store) + core.tasks(self.checks, store),
                stop=self._stop,
                finished=finished,
            )

    def _part(self, i: int, answer: bytes) -> list[TripleLike]:
        """The report triples of the ``i``-th task (the constraints, then the Core checks)."""
        split = len(self.constraints)
        if i < split:
            return sparql.results([self.constraints[i]], [answer])
        return core.results([self.checks[i - split]], [answer])

    def _as_they_come(self, early: Background[list[bytes]], on_part: OnPart) -> list[TripleLike]:
        """The early answers read as each query ends, while the others still run."""
        parts: dict[int, list[TripleLike]] = {}
        while len(parts) < len(self.checks) + len(self.constraints):
            try:
                i, answer = self._finished.get(timeout=0.1)
            except queue.Empty:
                if not early.running():
                    early.wait()  # raises the workers' error
                    if self._finished.empty():
                        raise RuntimeError("the set-based evaluation ended early") from None
                continue
            parts[i] = self._part(i, answer[0])
            on_part(parts[i])
        early.wait()
        return [t for i in sorted(parts) for t in parts[i]]

    def _set_aside(self) -> None:
        """Stop the early work after the queries running now, and wait for it: nothing of it
        runs on after ``report`` returns (its result or error is not used)."""
        if self._early is not None:
            self._stop.set()
            with contextlib.suppress(Exception):
                self._early.wait()

    def report(
        self, triples: Sequence[TripleLike], on_part: OnPart = lambda part: None
    ) -> list[TripleLike]:
        """The SHACL report of ``triples`` (the strict parse of the files given at the start).

        Called from the thread that does the other Python work, once it is done: the answers
        are read here, not in the workers (``ipbes_kg.validate.pool`` says why), each as soon as
        its query ends; ``on_part`` gets the report triples of each (a check's results, or the
        turbo engine's report), so a caller can read them meanwhile too.
        """
        import pyshacl_turbo

        rest, early, store = self.rest, None, None
        if self._early is not None:
            if not literals.canonical_only(triples):
                self._set_aside()
                rest = self.shapes  # every shape per node, on the lexical forms
            elif _has_blank_nodes(triples):
                self._set_aside()
                self._stop = threading.Event()
                store = store_of(triples, ntriples(triples))
            else:
                early = self._early
        engine_part = None
        if any(has_targets(rest, node) for node in set(rest.subjects())):
            data = ntriples(triples).decode("utf-8")
            engine_part = Background(lambda: turbo.report(data, rest))
        try:
            set_part: list[TripleLike] = []
            if store is not None:
                answers = self._answers(store)
                set_part = [t for i, a in enumerate(answers) for t in self._part(i, a)]
                on_part(set_part)
            elif early is not None:
                set_part = self._as_they_come(early, on_part)
            engine_triples = engine_part.wait() if engine_part else []
            if engine_triples:
                on_part(engine_triples)
            return results.merge(engine_triples, set_part)
        except (pyshacl_turbo.ReportableRuntimeError, ValueError, RuntimeError) as exc:
            # turbo reports shapes it cannot compile (bad parameter, SPARQL) as ValueError
            reason = " ".join(str(exc).split())
            raise UserError(f"shapes: not valid SHACL: {reason}") from exc
