"""Running a SHACL engine over the graph: which engine, with which options, on which input.

The data graph is the vocabulary plus the data (the shapes check both); it is validated as
written, with no inference and no owl:imports, so validation never touches the network.
Only SHACL Core and SHACL-SPARQL are evaluated (SHACL-AF extensions are off), so another
conformant engine gives the same results on the same graphs.

Two engines, same call, same report graph: ``turbo`` (pyshacl-turbo, a Rust engine with
pySHACL's API; the default: about 20x faster on the real graph) and ``pyshacl`` (the
reference). Both get the same rdflib graph, built from the strict parse of
``ipbes_kg.rdf.reader`` (turbo's other public input, a pyoxigraph store, loses literal
equality in 0.6.5: "PDF" fails ``sh:in ("PDF")``; its private input record is not used). The
literals keep their lexical form (``normalize=False``), so both engines see "+400"^^xsd:integer
as written and the shapes' canonical-form patterns catch it. The tests run every fixture and
the real data on both and require identical results, messages included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyoxigraph as ox
from rdflib import Graph
from rdflib.term import Identifier

from ipbes_kg.errors import UserError
from ipbes_kg.home import expand_paths
from ipbes_kg.rdf.names import bind_prefixes
from ipbes_kg.rdf.reader import load_graph, rdflib_graph, read_files
from ipbes_kg.rdf.terms import value_of
from ipbes_kg.validate import checks
from ipbes_kg.validate.locate import Locator
from ipbes_kg.validate.results import Report, from_report_graph, sort_key

if TYPE_CHECKING:  # rdflib's SPARQL engine costs ~0.16 s to import; only pySHACL needs it
    from rdflib.plugins.sparql.sparql import Query

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


def _report_graph(data: Any, shapes: Graph, engine: str) -> Graph:
    """Run ``engine`` with the options every engine is run with; its SHACL report graph."""
    run: Callable[..., tuple[bool, Any, str]]
    failures: tuple[type[Exception], ...]
    if engine == "pyshacl":
        import pyshacl
        import pyshacl.errors

        run, failures = pyshacl.validate, (pyshacl.errors.ReportableRuntimeError,)
        data = _PreparedQueryGraph(data)
    elif engine == "turbo":
        import pyshacl_turbo

        # turbo reports shapes it cannot compile (bad parameter, SPARQL) as ValueError
        run = pyshacl_turbo.validate
        failures = (pyshacl_turbo.ReportableRuntimeError, ValueError)
    else:
        raise UserError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    try:
        with _quiet("pyshacl-validate", "pyshacl"):
            _, report_graph, _ = run(
                data,
                shacl_graph=shapes,
                inference="none",
                advanced=False,
                allow_infos=True,
                allow_warnings=True,
                do_owl_imports=False,
            )
    except failures as exc:
        reason = " ".join(str(exc).split())
        raise UserError(f"shapes: not valid SHACL: {reason}") from exc
    if not isinstance(report_graph, Graph):  # a ValidationFailure instead of a report
        reason = " ".join(str(report_graph).split())
        raise UserError(f"shapes: validation failed: {reason}")
    return report_graph


def validate_files(
    data_paths: Iterable[Path], shapes_paths: Iterable[Path], engine: str = ENGINES[0]
) -> Report:
    """Validate RDF files (folders expanded) against shapes files with ``engine``.

    Results are the SHACL shapes' and those of the checks SHACL cannot express
    (``ipbes_kg.validate.checks``: undeclared vocabulary terms, references to nothing).
    """
    if engine not in ENGINES:
        raise UserError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    files = expand_paths(data_paths)
    triples = read_files(files)
    shapes = load_graph(shapes_paths)
    report_graph = _report_graph(rdflib_graph(triples), shapes, engine)
    bind_prefixes(report_graph)
    locator = Locator(files)
    labels = english_labels(triples)
    results = from_report_graph(report_graph, shapes, labels, locator.find)
    results += checks.run(triples, labels, locator.find)
    results.sort(key=sort_key)
    return Report(results, report_graph, files)
