"""Release artefacts: the graph in four syntaxes, a VoID + DCAT description and SHA-256 sums.

Every artefact is a pure function of the input files and the package version: no dates, no
random blank-node labels, no hash-order dependence (N-Triples lines are sorted, JSON-LD keys
and arrays are sorted, Turtle is rdflib ``longturtle``). A file whose content is unchanged is
not rewritten, and every write goes through a temporary file and ``os.replace``, so a failure
never leaves a half-written artefact.
"""

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, XSD

from ipbes_kg import __version__
from ipbes_kg.errors import UserError
from ipbes_kg.files import write_if_changed
from ipbes_kg.home import Home
from ipbes_kg.rdf.names import ID, PREFIXES, bind_prefixes, curie
from ipbes_kg.rdf.reader import rdflib_graph, read_triples

NAME = "ipbes-kg"
DATASET = URIRef("https://w3id.org/ipbes-kg/dataset")
GRAPH_BASE = "https://w3id.org/ipbes-kg/graph/"
ONTOLOGY = URIRef("https://w3id.org/ipbes-kg/ontology")
SOURCE_DOCUMENT = URIRef(PREFIXES["doc"] + "IPBES-7-2")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TITLE = "IPBES knowledge graph: the first work programme 2014-2018 (IPBES/7/2)"

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"

# Artefact file names, in the order they are listed.
TURTLE_FILE = f"{NAME}.ttl"
NTRIPLES_FILE = f"{NAME}.nt"
JSONLD_FILE = f"{NAME}.jsonld"
CONTEXT_FILE = "context.jsonld"
TRIG_FILE = f"{NAME}.trig"
SHAPES_FILE = f"{NAME}-shapes.ttl"
DESCRIPTION_FILE = "void.ttl"
SUMS_FILE = "SHA256SUMS"

MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".trig": "application/trig",
}

PART_NAMES = ("vocabulary", "data", "shapes")


def part_graph_iri(part: str) -> URIRef:
    """The named graph that holds one part in the TriG artefact (and a store, if you like)."""
    return URIRef(GRAPH_BASE + part)


def new_graph() -> Graph:
    return bind_prefixes(Graph(bind_namespaces="none"))


@dataclass
class Parts:
    """The three parts of the project: vocabulary, data and SHACL shapes."""

    vocabulary: Graph = field(default_factory=new_graph)
    data: Graph = field(default_factory=new_graph)
    shapes: Graph = field(default_factory=new_graph)

    def named(self) -> list[tuple[str, Graph]]:
        return [(name, getattr(self, name)) for name in PART_NAMES]

    def merged(self) -> Graph:
        """Vocabulary and data: the graph users query (shapes stay separate)."""
        graph = new_graph()
        for triple in self.vocabulary:
            graph.add(triple)
        for triple in self.data:
            graph.add(triple)
        return graph


def read_parts(home: Home) -> Parts:
    parts = Parts()
    for path in home.vocabulary_files():
        rdflib_graph(read_triples(path), parts.vocabulary)
    for path in home.data_files():
        rdflib_graph(read_triples(path), parts.data)
    for path in home.shapes_files():
        rdflib_graph(read_triples(path), parts.shapes)
    return parts


def merged_graph(home: Home) -> Graph:
    """The packaged graph (vocabulary + data) as one rdflib graph."""
    graph = new_graph()
    for path in home.graph_files():
        rdflib_graph(read_triples(path), graph)
    return graph


# --- serialisations ----------------------------------------------------------------------


def ntriples_lines(graph: Graph) -> list[str]:
    """One line per triple (newline included), sorted, without duplicates."""
    text = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
    return sorted({line + "\n" for line in text.splitlines() if line.strip()})


def ntriples(graph: Graph) -> bytes:
    """Sorted N-Triples: rdflib's own ``nt`` order changes with the hash seed."""
    return "".join(ntriples_lines(graph)).encode("utf-8")


def turtle(graph: Graph) -> bytes:
    return graph.serialize(format="longturtle", encoding="utf-8")


def jsonld_context() -> dict[str, str]:
    return dict(sorted(PREFIXES.items()))


def context_document() -> bytes:
    """The published ``@context``: the project's prefixes, for compacting or framing."""
    return _json_bytes({"@context": jsonld_context()})


def jsonld(graph: Graph) -> bytes:
    """Compact JSON-LD with the project's context inlined; nodes, keys and values sorted."""
    text = graph.serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    return _json_bytes(_sorted_json(json.loads(text)))


def trig(parts: Parts) -> bytes:
    """One named graph per non-empty part; each block is the part's ``longturtle`` body."""
    prefixes: list[str] = []
    blocks: list[str] = []
    for name, graph in parts.named():
        if len(graph) == 0:
            continue
        head, body = _split_prefixes(graph.serialize(format="longturtle"))
        prefixes.extend(line for line in head if line not in prefixes)
        blocks.append(f"{part_graph_iri(name).n3()} {{\n{body.rstrip()}\n}}\n")
    return ("\n".join(prefixes) + "\n\n" + "\n".join(blocks)).encode("utf-8")


def _split_prefixes(text: str) -> tuple[list[str], str]:
    lines = text.splitlines()
    index = 0
    while index < len(lines) and (lines[index].startswith("PREFIX ") or not lines[index].strip()):
        index += 1
    head = [line for line in lines[:index] if line.strip()]
    return head, "\n".join(lines[index:])


def _sorted_json(value: Any, key: str | None = None) -> Any:
    """JSON-LD arrays are unordered sets (except @list): sort them for a stable document."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(item) for item in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# --- the description: VoID + DCAT --------------------------------------------------------


def _media_type(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


def _partition_iri(kind: str, iri: URIRef) -> URIRef:
    short = curie(str(iri))
    if short.startswith("<"):
        short = hashlib.sha256(str(iri).encode()).hexdigest()[:16]
    return URIRef(f"{DATASET}/partition/{kind}/{short.replace(':', '-')}")


def distribution_iri(name: str, version: str = __version__) -> URIRef:
    return URIRef(f"{DATASET}/{version}/{name}")


def description(
    merged: Graph, parts: Parts, files: dict[str, bytes], version: str = __version__
) -> bytes:
    """VoID statistics and DCAT distributions for ``files`` (which must not include itself)."""
    doc = new_graph()
    doc.bind("void", VOID)
    doc.bind("dcat", DCAT)
    doc.bind("spdx", SPDX)
    ds = DATASET
    doc.add((ds, RDF.type, VOID.Dataset))
    doc.add((ds, RDF.type, DCAT.Dataset))
    doc.add((ds, DCTERMS.title, Literal(TITLE, lang="en")))
    doc.add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "The report of the IPBES Executive Secretary on the implementation of the first "
                "work programme 2014-2018 (document IPBES/7/2) as an RDF knowledge graph: the "
                "ipbes-kg vocabulary and code lists, and the data, every fact traced to a "
                "paragraph of the report.",
                lang="en",
            ),
        )
    )
    doc.add((ds, DCAT.version, Literal(version)))
    doc.add((ds, OWL.versionInfo, Literal(version)))
    doc.add((ds, DCTERMS.license, LICENSE))
    doc.add((ds, DCTERMS.source, SOURCE_DOCUMENT))
    doc.add((ds, VOID.vocabulary, ONTOLOGY))
    doc.add((ds, VOID.uriSpace, Literal(ID)))
    doc.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Triples")))
    _statistics(doc, ds, merged)

    for name in ("vocabulary", "data"):
        subset = part_graph_iri(name)
        doc.add((ds, VOID.subset, subset))
        doc.add((subset, RDF.type, VOID.Dataset))
        doc.add((subset, DCTERMS.title, Literal(f"{NAME} {name}", lang="en")))
        doc.add((subset, VOID.triples, _count(len(getattr(parts, name)))))
    if len(parts.shapes):
        shapes = part_graph_iri("shapes")
        doc.add((shapes, RDF.type, VOID.Dataset))
        doc.add((shapes, DCTERMS.title, Literal(f"{NAME} SHACL shapes", lang="en")))
        doc.add((shapes, VOID.triples, _count(len(parts.shapes))))
        doc.add((ds, DCTERMS.relation, shapes))

    for name, content in sorted(files.items()):
        dist = distribution_iri(name, version)
        doc.add((ds, DCAT.distribution, dist))
        if name == NTRIPLES_FILE:
            doc.add((ds, VOID.dataDump, dist))
        doc.add((dist, RDF.type, DCAT.Distribution))
        doc.add((dist, DCTERMS.title, Literal(name)))
        doc.add((dist, DCAT.mediaType, URIRef(IANA + _media_type(name))))
        doc.add((dist, DCAT.byteSize, _count(len(content))))
        checksum = URIRef(f"{dist}#sha256")
        doc.add((dist, SPDX.checksum, checksum))
        doc.add((checksum, RDF.type, SPDX.Checksum))
        doc.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        doc.add(
            (
                checksum,
                SPDX.checksumValue,
                Literal(hashlib.sha256(content).hexdigest(), datatype=XSD.hexBinary),
            )
        )
    return turtle(doc)


def _count(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.nonNegativeInteger)


def _statistics(doc: Graph, ds: URIRef, graph: Graph) -> None:
    doc.add((ds, VOID.triples, _count(len(graph))))
    doc.add((ds, VOID.distinctSubjects, _count(len(set(graph.subjects())))))
    doc.add((ds, VOID.distinctObjects, _count(len(set(graph.objects())))))
    properties = Counter(p for _, p, _ in graph)
    classes: dict[URIRef, set[Any]] = {}
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(cls, URIRef):
            classes.setdefault(cls, set()).add(subject)
    doc.add((ds, VOID.properties, _count(len(properties))))
    doc.add((ds, VOID.classes, _count(len(classes))))
    for prop, n in properties.items():
        assert isinstance(prop, URIRef)
        part = _partition_iri("property", prop)
        doc.add((ds, VOID.propertyPartition, part))
        doc.add((part, VOID.property, prop))
        doc.add((part, VOID.triples, _count(n)))
    for cls, members in classes.items():
        part = _partition_iri("class", cls)
        doc.add((ds, VOID.classPartition, part))
        doc.add((part, VOID["class"], cls))
        doc.add((part, VOID.entities, _count(len(members))))


def sha256sums(files: dict[str, bytes]) -> bytes:
    """``sha256sum -c`` format, one line per file, sorted by name."""
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ]
    return "".join(lines).encode("utf-8")


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Artefact:
    path: Path
    size: int
    sha256: str
    media_type: str
    changed: bool


@dataclass(frozen=True)
class BuildResult:
    out: Path
    artefacts: list[Artefact]
    triples: int
    removed: list[Path]


def render(home: Home, version: str = __version__) -> tuple[dict[str, bytes], int]:
    """Every artefact's bytes, by file name, and the triple count of the merged graph."""
    parts = read_parts(home)
    merged = parts.merged()
    files: dict[str, bytes] = {
        TURTLE_FILE: turtle(merged),
        NTRIPLES_FILE: ntriples(merged),
        JSONLD_FILE: jsonld(merged),
        CONTEXT_FILE: context_document(),
        TRIG_FILE: trig(parts),
    }
    if len(parts.shapes):
        files[SHAPES_FILE] = turtle(parts.shapes)
    files[DESCRIPTION_FILE] = description(merged, parts, dict(files), version)
    files[SUMS_FILE] = sha256sums(files)
    return files, len(merged)


def build(home: Home, out: Path, version: str = __version__) -> BuildResult:
    """Write the release artefacts into ``out`` (created if needed)."""
    files, triples = render(home, version)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{out}: cannot create the output folder ({exc.strerror})") from exc
    artefacts = []
    # The sums go last: a reader who finds them current finds every file they list current.
    for name, content in files.items():
        path = out / name
        try:
            changed = write_if_changed(path, content)
        except OSError as exc:
            raise UserError(f"{path}: cannot write ({exc.strerror}); check --out") from exc
        artefacts.append(
            Artefact(
                path,
                len(content),
                hashlib.sha256(content).hexdigest(),
                _media_type(name) if name != SUMS_FILE else "text/plain",
                changed,
            )
        )
    removed = _remove_stale(out, set(files))
    return BuildResult(out, artefacts, triples, removed)


def _remove_stale(out: Path, written: set[str]) -> list[Path]:
    """An artefact this build no longer makes (the shapes file, when there are no shapes)."""
    removed = []
    for name in (SHAPES_FILE,):
        path = out / name
        if name not in written and path.exists():
            path.unlink()
            removed.append(path)
    return removed
