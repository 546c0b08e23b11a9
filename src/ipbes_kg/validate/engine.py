"""Running a SHACL engine over the graph: which engine, with which options, on which input.

The data graph is the vocabulary plus the data (the shapes check both); it is validated as
written, with no inference and no owl:imports, so validation never touches the network.
Only SHACL Core and SHACL-SPARQL are evaluated (SHACL-AF extensions are off), so another
conformant engine gives the same results on the same graphs.

Two engines, same options, one kind of report (triples, ``results.from_report``): ``turbo``
(pyshacl-turbo's Rust engine, the default: about 20x faster on the real graph; how it is
called and why in ``ipbes_kg.validate.turbo``) and ``pyshacl`` (the reference). Both get the
triples of the strict parse of ``ipbes_kg.rdf.reader``: pySHACL as an rdflib graph, turbo as
N-Triples text (an rdflib graph costs ~10 µs a triple to build; a pyoxigraph store would
canonicalise "+400" to "400"). The tests run every fixture and the real data on both and require
identical results, messages included. Both see literals as written ("+400"^^xsd:integer stays
"+400"), so the shapes' canonical-form patterns fire with either.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from ipbes_kg.errors import UserError
from ipbes_kg.home import expand_paths
from ipbes_kg.rdf import literals
from ipbes_kg.rdf.names import curie
from ipbes_kg.rdf.reader import parse_bytes, rdflib_graph, read_triples, store_of
from ipbes_kg.rdf.terms import value_of
from ipbes_kg.validate import checks, core, results, sparql, turbo
from ipbes_kg.validate.locate import Locator
from ipbes_kg.validate.pool import in_threads
from ipbes_kg.validate.shapeterms import has_targets, materialize

if TYPE_CHECKING:  # rdflib's SPARQL engine costs ~0.16 s to import; only pySHACL needs it
    from rdflib.plugins.sparql.sparql import Query

T = TypeVar("T")
ENGINES = ("turbo", "pyshacl")
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


class _PreparedQueryGraph(Graph):
    """A graph that parses each SPARQL text once.

    pySHACL sends the text of a SPARQL constraint to ``query`` once per focus node; rdflib would
    parse it every time (tens of milliseconds each). Same results, ten times faster. The texts
    are kept for the life of the process, so repeated validations (tests) parse them only once.
    """

    # Shared by all instances: the same shapes give the same texts on every run.
    _prepared: ClassVar[dict[str, Query]] = {}

    def __init__(self, graph: Graph) -> None:
        super().__init__(store=graph.store, identifier=graph.identifier)

    def query(
        self,
        query_object: str | Query,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Mapping[str, Any] | None = None,
        initBindings: Mapping[str, Identifier] | None = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and not initNs:
            # pySHACL writes the PREFIX lines in no fixed order: key on them sorted.
            lines = query_object.splitlines()
            key = "\n".join(
                sorted(line for line in lines if line.startswith("PREFIX "))
                + [line for line in lines if not line.startswith("PREFIX ")]
            )
            prepared = self._prepared.get(key)
            if prepared is None:
                from rdflib.plugins.sparql import prepareQuery

                try:
                    prepared = prepareQuery(query_object)
                except Exception as exc:  # pyparsing errors: a shape's SPARQL does not parse
                    reason = " ".join(str(exc).split())
                    raise UserError(
                        f"shapes: a SPARQL constraint does not parse: {reason}"
                    ) from exc
                self._prepared[key] = prepared
            query_object = prepared
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )


@contextmanager
def _quiet(*names: str) -> Iterator[None]:
    """Silence loggers that print to stderr (pySHACL adds its own handler on every call)."""
    loggers = [logging.getLogger(name) for name in names]
    states = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, state in zip(loggers, states, strict=True):
            logger.disabled = state


def english_labels(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """Subject → its English label; the smallest if there are several (the same on every run)."""
    labels: dict[str, str] = {}
    for t in triples:
        if (
            t.predicate.value == RDFS_LABEL
            and isinstance(t.object, ox.Literal)
            and t.object.language == "en"
        ):
            subject, label = value_of(t.subject), t.object.value
            if subject not in labels or label < labels[subject]:
                labels[subject] = label
    return labels


def _ntriples(triples: list[ox.Triple]) -> bytes:
    """The data as N-Triples (written by pyoxigraph: literals keep their lexical form)."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _pyshacl_report(triples: list[ox.Triple], shapes: Graph) -> list[ox.Triple]:
    """pySHACL's report, as triples: the reference engine, on an rdflib graph of the data."""
    import pyshacl
    import pyshacl.errors

    try:
        with _quiet("pyshacl-validate", "pyshacl"):
            _, report_graph, _ = pyshacl.validate(
                _PreparedQueryGraph(rdflib_graph(triples)),
                shacl_graph=shapes,
                inference="none",
                advanced=False,
                allow_infos=True,
                allow_warnings=True,
                do_owl_imports=False,
            )
    except pyshacl.errors.ReportableRuntimeError as exc:
        reason = " ".join(str(exc).split())
        raise UserError(f"shapes: not valid SHACL: {reason}") from exc
    if not isinstance(report_graph, Graph):  # a ValidationFailure instead of a report
        reason = " ".join(str(report_graph).split())
        raise UserError(f"shapes: validation failed: {reason}")
    text = report_graph.serialize(format="nt", encoding="utf-8")
    return parse_bytes(text, ox.RdfFormat.N_TRIPLES, "pySHACL's report")


def _turbo_report(triples: list[ox.Triple], shapes: Graph) -> list[ox.Triple]:
    """The report of the set-based evaluators, and pyshacl-turbo's for what they leave.

    ``ipbes_kg.validate.sparql`` (SPARQL constraints) and ``ipbes_kg.validate.core`` (Core
    constraints) evaluate each constraint once over all its focus nodes in a pyoxigraph store;
    turbo (``ipbes_kg.validate.turbo``), per node, gets the shapes they cannot take, in another
    thread, and is not started when none is left. A store reads numbers and dates by value
    ("+400" as 400), so when a literal is not in canonical form every shape goes to turbo,
    which reads the lexical form (the shapes' own checks flag such literals anyway).
    """
    import pyshacl_turbo

    data = _ntriples(triples)
    core_shapes, constraints = sparql.split(shapes)
    rest, checks = core.split(core_shapes)
    if (constraints or checks) and not literals.canonical_only(triples):
        rest, constraints, checks = shapes, [], []
    engine_part = None
    if any(has_targets(rest, node) for node in set(rest.subjects())):
        engine_part = _Background(lambda: turbo.report(data.decode("utf-8"), rest))
    set_part: list[ox.Triple] = []
    if constraints or checks:
        store = store_of(triples, data)
        materialize(store, [s for c in checks for s in c.needs] + [c.focus for c in constraints])
        set_part = in_threads(core.tasks(checks, store) + sparql.tasks(constraints, store))
    try:
        return results.merge(engine_part.wait() if engine_part else [], set_part)
    except (pyshacl_turbo.ReportableRuntimeError, ValueError, RuntimeError) as exc:
        # turbo reports shapes it cannot compile (bad parameter, SPARQL) as ValueError
        reason = " ".join(str(exc).split())
        raise UserError(f"shapes: not valid SHACL: {reason}") from exc


def _report(triples: list[ox.Triple], shapes: Graph, engine: str) -> list[ox.Triple]:
    """Run ``engine`` with the options every engine is run with; its SHACL report."""
    if engine == "pyshacl":
        return results.merge(_pyshacl_report(triples, shapes))
    if engine == "turbo":
        return _turbo_report(triples, shapes)
    raise UserError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")


class _Background(Generic[T]):
    """``run()`` in a worker thread, waited on from this one, so Ctrl-C is seen at once.

    A Rust engine does not come back to the interpreter until it is done, so a SIGINT would
    wait for the end of the validation; the main thread waits in short steps instead and gets
    KeyboardInterrupt within a tenth of a second (the daemon worker dies with the process; a
    ``ThreadPoolExecutor`` would not do: the interpreter joins its threads before exiting).
    The engine's native code releases the GIL, so the main thread does the Python work of the
    report (scanning files for positions, the checks) on another core meanwhile.
    """

    def __init__(self, run: Callable[[], T]) -> None:
        self._box: dict[str, Any] = {}

        def target() -> None:
            try:
                self._box["value"] = run()
            except BaseException as exc:  # handed to the main thread by wait()
                self._box["error"] = exc

        self._worker = threading.Thread(target=target, name="ipbes-kg-validate", daemon=True)
        self._worker.start()

    def wait(self) -> T:
        while self._worker.is_alive():
            self._worker.join(0.1)
        if "error" in self._box:
            raise self._box["error"]
        value: T = self._box["value"]
        return value


def _read_apart(paths: list[Path]) -> list[list[ox.Triple]]:
    """Each file's triples; blank nodes kept apart between files.

    The reader labels blank nodes from the file's name, so two files of the same name (a
    ``shapes.ttl`` given with ``--shapes`` beside ``ontology/shapes.ttl``) would share them.
    """
    read = [read_triples(path) for path in paths]
    names = [path.name for path in paths]
    for i, triples in enumerate(read):
        if names.count(names[i]) > 1 and names.index(names[i]) != i:
            read[i] = [_relabel(t, f"f{i}") for t in triples]
    return read


def _relabel(t: ox.Triple, tag: str) -> ox.Triple:
    def term(node: Any) -> Any:
        return ox.BlankNode(node.value + tag) if isinstance(node, ox.BlankNode) else node

    return ox.Triple(term(t.subject), t.predicate, term(t.object))


def validate_files(
    data_paths: Iterable[Path],
    shapes_paths: Iterable[Path],
    engine: str = ENGINES[0],
    *,
    focus_paths: Iterable[Path] | None = None,
    progress: Callable[[str], None] | None = None,
) -> results.Report:
    """Validate RDF files (folders expanded) against shapes files with ``engine``.

    Results are the SHACL shapes' and those of the checks SHACL cannot express
    (``ipbes_kg.validate.checks``). With ``focus_paths`` (some of the data files), the whole
    graph is validated but only the results about entities written in those files are kept:
    the rest of the graph is context (what they refer to), not the subject of the report.
    ``progress(phase)`` is told what is being done, for a display (``ipbes_kg.cli.progress``).
    """
    if engine not in ENGINES:
        raise UserError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    tell = progress or (lambda phase: None)
    files = expand_paths(data_paths)
    tell(f"reading {len(files)} files")
    per_file = _read_apart(files)
    triples = [t for file_triples in per_file for t in file_triples]
    shapes = rdflib_graph(
        t for file_triples in _read_apart(expand_paths(shapes_paths)) for t in file_triples
    )
    tell(f"checking {len(triples):,} triples ({engine} and the checks)")
    engine_run = _Background(lambda: _report(triples, shapes, engine))
    locator = Locator(files)
    locator.scan()
    labels = english_labels(triples)
    found_results = checks.run(triples, labels, locator.find, locator.duplicates())
    tell(f"checking {len(triples):,} triples (waiting for {engine})")
    report = engine_run.wait()
    tell("locating the results")
    found_results += results.from_report(report, shapes, labels, locator.find)
    shown, wanted = files, None
    if focus_paths is not None:
        shown = expand_paths(focus_paths)
        focus = {p.resolve() for p in shown}
        wanted = {
            curie(t.subject.value)
            for path, file_triples in zip(files, per_file, strict=True)
            if path.resolve() in focus
            for t in file_triples
            if isinstance(t.subject, ox.NamedNode)
        }
        found_results = [r for r in found_results if r.focus in wanted]
    found_results.sort(key=results.sort_key)
    return results.Report(found_results, report, shown, focus=wanted)
