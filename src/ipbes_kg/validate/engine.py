"""Running a SHACL engine over the graph: which engine, with which options, on which input.

The data graph is the vocabulary plus the data (the shapes check both); it is validated as
written, with no inference and no owl:imports, so validation never touches the network.
Only SHACL Core and SHACL-SPARQL are evaluated (SHACL-AF extensions are off), so another
conformant engine gives the same results on the same graphs.

Two engines, same options, one kind of report (triples, ``results.from_report``): ``turbo``
(the default, ``ipbes_kg.validate.fast``: each constraint evaluated once over all its focus
nodes in a pyoxigraph store, pyshacl-turbo's Rust engine for any shape that cannot be) and
``pyshacl`` (the reference, on an rdflib graph of the strict parse of ``ipbes_kg.rdf.reader``).
The tests run every fixture and the real data on both and require identical results, messages
included. Both see literals as written ("+400"^^xsd:integer stays "+400"), so the shapes'
canonical-form patterns fire with either (``fast`` leaves such a graph to turbo).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from ipbes_kg.errors import UserError
from ipbes_kg.home import expand_paths
from ipbes_kg.rdf.names import curie
from ipbes_kg.rdf.reader import parse_bytes, rdflib_graph, read_default_graph
from ipbes_kg.rdf.terms import TripleLike
from ipbes_kg.validate import checks, results
from ipbes_kg.validate.fast import Fast
from ipbes_kg.validate.locate import Locator
from ipbes_kg.validate.pool import Background

if TYPE_CHECKING:  # rdflib's SPARQL engine costs ~0.16 s to import; only pySHACL needs it
    from rdflib.plugins.sparql.sparql import Query

T = TypeVar("T")
ENGINES = ("turbo", "pyshacl")


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


def _pyshacl_report(triples: Sequence[TripleLike], shapes: Graph) -> list[TripleLike]:
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
    return [*parse_bytes(text, ox.RdfFormat.N_TRIPLES, "pySHACL's report")]


def _report(triples: Sequence[TripleLike], shapes: Graph, engine: str) -> list[TripleLike]:
    """Run ``engine`` (not ``turbo``: ``Fast`` starts before the data is parsed) with the
    options every engine is run with; its SHACL report."""
    if engine == "pyshacl":
        return results.merge(_pyshacl_report(triples, shapes))
    raise UserError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")


def _read_apart(paths: list[Path]) -> list[list[ox.Quad]]:
    """Each file's statements (``read_default_graph``); blank nodes kept apart between files.

    The reader labels blank nodes from the file's name, so two files of the same name (a
    ``shapes.ttl`` given with ``--shapes`` beside ``ontology/shapes.ttl``) would share them.
    """
    read = [read_default_graph(path) for path in paths]
    names = [path.name for path in paths]
    for i, triples in enumerate(read):
        if names.count(names[i]) > 1 and names.index(names[i]) != i:
            read[i] = [_relabel(t, f"f{i}") for t in triples]
    return read


def _relabel(t: ox.Quad, tag: str) -> ox.Quad:
    def term(node: Any) -> Any:
        return ox.BlankNode(node.value + tag) if isinstance(node, ox.BlankNode) else node

    return ox.Quad(term(t.subject), t.predicate, term(t.object))


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    """No cyclic garbage collection while validating.

    A validation makes millions of small long-lived objects (triples, report rows, positions)
    and almost no cycles; every full collection walks all of them again, so the collector's
    work grows with the square of the graph (×200: 15.7 s → 8.3 s to parse, 47 s → 31 s of
    CPU for the set-based evaluation without it). Reference counting still frees everything.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    with _without_cycle_collection():
        return _validate(data_paths, shapes_paths, engine, focus_paths, progress)


def _validate(
    data_paths: Iterable[Path],
    shapes_paths: Iterable[Path],
    engine: str,
    focus_paths: Iterable[Path] | None,
    progress: Callable[[str], None] | None,
) -> results.Report:
    tell = progress or (lambda phase: None)
    files = expand_paths(data_paths)
    tell(f"reading {len(files)} files")
    shapes = rdflib_graph(
        t for file_triples in _read_apart(expand_paths(shapes_paths)) for t in file_triples
    )
    fast = Fast(files, shapes) if engine == "turbo" else None  # starts on the files at once
    per_file = _read_apart(files)
    triples = [t for file_triples in per_file for t in file_triples]
    tell(f"checking {len(triples):,} triples ({engine} and the checks)")
    reference = None if fast else Background(lambda: _report(triples, shapes, engine))
    locator = Locator(files)
    locator.scan()
    indexed = checks.index(triples)
    labels = indexed.english
    found_results = checks.run(indexed, locator.find, locator.duplicates())
    tell(f"checking {len(triples):,} triples (waiting for {engine})")

    def located(part: list[TripleLike]) -> None:
        found_results.extend(results.from_report(part, shapes, labels, locator.find))

    if reference is not None:  # pySHACL, run meanwhile in a thread of its own
        report = reference.wait()
        located(report)
    elif fast is not None:  # its workers are at it already: their answers are read as they end
        report = fast.report(triples, on_part=located)
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
