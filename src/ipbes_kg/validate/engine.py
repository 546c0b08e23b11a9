"""SHACL validation of the graph, with results a person can act on.

The data graph is the vocabulary plus the data (the shapes check both); it is validated as
written, with no inference and no owl:imports, so validation never touches the network.
Only SHACL Core and SHACL-SPARQL are evaluated (SHACL-AF extensions are off), so another
conformant engine gives the same results on the same graphs.

Two engines, same call, same report graph: ``turbo`` (pyshacl-turbo, a Rust engine with
pySHACL's API; the default: about 20x faster on the real graph) and ``pyshacl`` (the
reference). The tests run every fixture and the real data on both and require identical
results, messages included (benchmarks/RESULTS.md has the figures). One difference: turbo reads
literals as written, while rdflib (under pySHACL) rewrites "+400"^^xsd:integer to 400, so only
turbo reports the shapes' canonical-form patterns on such a literal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH, XSD
from rdflib.term import Identifier, Node

from ipbes_kg.errors import UserError
from ipbes_kg.home import expand_paths
from ipbes_kg.rdf.names import bind_prefixes, curie
from ipbes_kg.rdf.reader import Triple, parse_turtle, parse_turtle_native, rdflib_triples
from ipbes_kg.validate.locate import Locator

if (
    TYPE_CHECKING
):  # rdflib's SPARQL engine costs ~0.16 s to import; only the pyshacl engine needs it
    from rdflib.plugins.sparql.sparql import Query

ENGINES = ("turbo", "pyshacl")
SEVERITIES = {"info": 0, "warning": 1, "violation": 2}
_SEVERITY_OF: dict[Node | None, str] = {
    SH.Info: "info",
    SH.Warning: "warning",
    SH.Violation: "violation",
}


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    component: str
    shape: str
    file: str | None
    line: int | None


@dataclass
class Report:
    results: list[Result]
    report_graph: Graph
    files: list[Path] = field(default_factory=list)

    def at_or_above(self, level: str) -> list[Result]:
        return [r for r in self.results if SEVERITIES[r.severity] >= SEVERITIES[level]]

    def counts(self) -> dict[str, int]:
        return {
            s: sum(r.severity == s for r in self.results) for s in ("violation", "warning", "info")
        }


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


_BAD_IRI = re.compile(r"^(.*) does not look like a valid URI", re.DOTALL)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


@contextmanager
def _rdflib_warnings() -> Iterator[list[logging.LogRecord]]:
    """Collect what rdflib logs while parsing instead of printing it (with tracebacks) on stderr."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("rdflib")
    handler = Keep(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


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


def _line_column(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def _iri_location(path: Path, text: str, iri: str) -> str:
    """line:column of the first written IRI that is not valid and starts like the one rdflib names."""
    folder = path.resolve().as_uri().rsplit("/", 1)[0] + "/"
    candidates = [iri, iri[len(folder) :]] if iri.startswith(folder) else [iri]
    for candidate in candidates:
        bad = _IRI_FORBIDDEN.search(candidate)
        head = "<" + (candidate[: bad.start()] if bad else candidate)
        index = text.find(head)
        while index >= 0:
            end = text.find(">", index + 1)
            token = text[index + 1 : end if end >= 0 else len(text)]
            if _IRI_FORBIDDEN.search(token):
                return _line_column(text, index)
            index = text.find(head, index + 1)
    return ""


def _with_location(error: UserError, path: Path, text: str) -> UserError:
    """rdflib names a bad language tag without its position: add the line and column."""
    match = re.search(r"'([^']*)' is not a valid language tag", error.message)
    if match and not re.match(re.escape(str(path)) + r":\d", error.message):
        found = re.search(r'["\']@' + re.escape(match.group(1)) + r"(?![\w-])", text)
        if found:
            reason = error.message.split(": ", 1)[-1]
            return UserError(f"{path}:{_line_column(text, found.start() + 1)}: {reason}")
    return error


# Parsed files, kept for the life of the process while unchanged (tests validate the same
# vocabulary hundreds of times): pyoxigraph's reading, and rdflib's terms once needed.
_Key = tuple[str, int, int]
_NATIVE: dict[_Key, list[ox.Triple] | None] = {}
_TERMS: dict[_Key, list[Triple]] = {}


def _key(path: Path) -> _Key | None:
    if not path.is_file():
        return None
    stat = path.stat()
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def _native(path: Path) -> list[ox.Triple] | None:
    """pyoxigraph's triples of one Turtle file; None if it rejects the file (``_terms`` says why)."""
    key = _key(path)
    if key is None:
        return None
    if key not in _NATIVE:
        with path.open("rb") as handle:
            if handle.read(3) == b"\xef\xbb\xbf":
                raise UserError(
                    f"{path}:1:1: the file starts with a byte-order mark; save it as UTF-8 "
                    "without BOM"
                )
        _NATIVE[key] = parse_turtle_native(path)
    return _NATIVE[key]


def _terms(path: Path) -> list[Triple]:
    """One Turtle file's triples in rdflib terms, checked. A file pyoxigraph rejects is read by
    rdflib, which says why (the message and position people know from rdflib)."""
    key = _key(path)
    if key is not None and key in _TERMS:
        return _TERMS[key]
    native = _native(path)
    if native is not None:
        triples = rdflib_triples(native)
    else:
        raw = path.read_bytes() if key else b""
        graph = Graph()
        with _rdflib_warnings() as records:
            try:
                parse_turtle(path, graph)
            except UserError as error:
                raise _with_location(error, path, raw.decode("utf-8", errors="replace")) from error
        for record in records:
            match = _BAD_IRI.match(record.getMessage())
            if match:
                iri = match.group(1)
                where = _iri_location(path, raw.decode("utf-8", errors="replace"), iri)
                raise UserError(
                    f"{path}:{where + ':' if where else ''} invalid IRI <{iri}>: an IRI cannot "
                    'contain spaces or any of < > " { } | ^ ` \\; fix the file at this position'
                )
        triples = list(graph)  # type: ignore[arg-type]
    if key is not None:
        _TERMS[key] = triples
    return triples


def load_turtle(paths: Iterable[Path]) -> Graph:
    """Parse Turtle files into one graph; every problem is a one-line UserError with the location.

    On top of ipbes_kg.rdf.reader.parse_turtle: a UTF-8 byte-order mark and IRIs that are not valid
    (spaces, braces…, which rdflib only logs) are input errors; rdflib's other log messages (such as
    ill-typed literals, which the shapes report as results) are not printed.
    """
    graph = Graph()
    for path in paths:
        for triple in _terms(path):
            graph.add(triple)
    return graph


def _english_labels(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Subject → its English label; the smallest if there are several (the same on every run)."""
    labels: dict[str, str] = {}
    for subject, label in pairs:
        if subject not in labels or label < labels[subject]:
            labels[subject] = label
    return labels


_RDFS_LABEL = ox.NamedNode(str(RDFS.label))


def _data(files: list[Path], engine: str) -> tuple[Any, dict[str, str]]:
    """The data graph as ``engine`` takes it, and the English labels of its subjects.

    pyshacl-turbo gets the files as one N-Triples text in its own input record
    (``pyshacl_turbo.rdf.Input``: not exported, so the version is pinned and the engine-parity
    tests cover it): its Rust parser reads that directly, where an rdflib graph first costs half
    the time of a validation at scale. pySHACL, and turbo when pyoxigraph rejects a file, get an
    rdflib graph.
    """
    natives = [_native(path) for path in files] if engine == "turbo" else []
    if natives and all(native is not None for native in natives):
        from pyshacl_turbo.rdf import Input

        triples = [t for native in natives for t in native or ()]
        labels = _english_labels(
            (t.subject.value, t.object.value)
            for t in triples
            if t.predicate == _RDFS_LABEL
            and isinstance(t.object, ox.Literal)
            and t.object.language == "en"
            and isinstance(t.subject, ox.NamedNode | ox.BlankNode)
        )
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return Input(text.decode("utf-8"), "nt", None, {}), labels
    graph = load_turtle(files)
    labels = _english_labels(
        (str(s), str(o))
        for s, o in graph.subject_objects(RDFS.label)
        if isinstance(o, Literal) and o.language == "en"
    )
    return graph, labels


def _text(node: Node | None) -> str:
    """An IRI as a CURIE, a literal as in Turtle (with its language or datatype), else ''."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return curie(str(node))
    if isinstance(node, Literal):
        text = '"' + str(node).replace("\\", "\\\\").replace('"', '\\"') + '"'
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^{curie(str(node.datatype))}"
        return text
    return "(blank node)"


SHAPES = "https://w3id.org/ipbes-kg/shapes#"
_IRI_IN_TEXT = re.compile(r"<?(https?://[^\s<>\"'{}|^`]+?)>?(?=[\s,;:)\]]|$)")


def _short(iri: str) -> str:
    """A CURIE for the project's namespaces and for the shapes (shape:…), else <iri>."""
    if iri.startswith(SHAPES):
        return "shape:" + iri[len(SHAPES) :]
    return curie(iri)


def _shorten_iris(text: str) -> str:
    """Write the IRIs a message names (pySHACL fills {?var} with full IRIs) as CURIEs."""

    def replace(match: re.Match[str]) -> str:
        short = _short(match.group(1))
        return match.group(0) if short.startswith("<") else short

    return _IRI_IN_TEXT.sub(replace, text)


def _shape_text(shapes: Graph, report: Graph, shape: Node | None) -> str:
    """The shape that produced a result; a blank property shape as <node shape>/<path>."""
    if isinstance(shape, URIRef):
        return _short(str(shape))
    if shape is None:
        return ""
    owner = shapes.value(None, SH.property, shape)
    path = _path(report, report.value(shape, SH.path))
    if isinstance(owner, URIRef):
        return f"{_short(str(owner))}/{path}" if path else _short(str(owner))
    return "(blank node)"


def _path(report: Graph, path: Node | None) -> str:
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return curie(str(path))
    inverse = report.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path(report, inverse)}"
    return "(complex path)"


def _shown(path: Path) -> str:
    """A file as a person would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


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
    data_paths: list[Path], shapes_paths: list[Path], engine: str = ENGINES[0]
) -> Report:
    """Validate Turtle files (directories expanded) against shapes files with ``engine``."""
    files = expand_paths(data_paths)
    data, labels = _data(files, engine)
    shapes = load_turtle(expand_paths(shapes_paths))
    report_graph = _report_graph(data, shapes, engine)
    bind_prefixes(report_graph)
    locator = Locator(files)
    shown = {path: _shown(path) for path in files}  # resolved once, not once per result
    results = []
    # The results of the report itself: a result's sh:detail (why a sh:node value shape failed)
    # is explanation, not another result, and other engines do not report it at the top level.
    for node in report_graph.objects(None, SH.result):
        focus = report_graph.value(node, SH.focusNode)
        where = locator.find(str(focus)) if isinstance(focus, URIRef) else None
        severity = _SEVERITY_OF.get(report_graph.value(node, SH.resultSeverity), "violation")
        messages = sorted(str(m) for m in report_graph.objects(node, SH.resultMessage))
        results.append(
            Result(
                severity=severity,
                focus=_text(focus),
                focus_label=labels.get(str(focus), "") if focus is not None else "",
                path=_path(report_graph, report_graph.value(node, SH.resultPath)),
                value=_text(report_graph.value(node, SH.value)),
                message=_shorten_iris(messages[0]) if messages else "",
                component=_text(report_graph.value(node, SH.sourceConstraintComponent)),
                shape=_shape_text(shapes, report_graph, report_graph.value(node, SH.sourceShape)),
                file=shown[where[0]] if where else None,
                line=where[1] if where else None,
            )
        )
    results.sort(
        key=lambda r: (
            r.file or "~",
            r.line or 0,
            -SEVERITIES[r.severity],
            r.focus,
            r.path,
            r.message,
            r.value,
        )
    )
    return Report(results, report_graph, files)
