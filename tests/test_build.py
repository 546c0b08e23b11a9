"""ipbes-kg build: deterministic release artefacts that parse back to the same graph."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ipbes_kg.cli import cli
from ipbes_kg.home import Home
from ipbes_kg.rdf.names import PREFIXES
from ipbes_kg.release import build

ROOT = Path(__file__).resolve().parents[1]
SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ipbes: <https://w3id.org/ipbes-kg/ontology#> .
@prefix ex: <https://example.org/shapes/> .

ex:DecisionShape a sh:NodeShape ;
    sh:targetClass ipbes:Decision ;
    sh:property ex:DecisionLabel .

ex:DecisionLabel a sh:PropertyShape ;
    sh:path <http://www.w3.org/2000/01/rdf-schema#label> ;
    sh:minCount 1 .
"""


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Home:
    """A frozen copy of the checkout (others edit data/ while the suite runs), with shapes."""
    root = tmp_path_factory.mktemp("home")
    for part in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / part, root / part)
    if not list((root / "ontology").glob("shapes*.ttl")):
        (root / "ontology/shapes.ttl").write_text(SHAPES, encoding="utf-8")
    return Home(root)


@pytest.fixture(scope="module")
def dist(snapshot: Home, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build.build(snapshot, out)
    return out


def quads(path: Path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=fmt))


def triples_of(path: Path, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {quad.triple for quad in quads(path, fmt)}


def ground(triples: set[ox.Triple]) -> set[ox.Triple]:
    return {t for t in triples if not any(isinstance(n, ox.BlankNode) for n in t)}


def triples_of_graph(graph: Graph) -> set[ox.Triple]:
    text = graph.serialize(format="nt", encoding="utf-8")
    return {q.triple for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}


def run_build(out: Path, home: Home, seed: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    return subprocess.run(
        [sys.executable, "-m", "ipbes_kg", "--home", str(home.root), "build", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_two_builds_with_different_hash_seeds_are_byte_identical(
    snapshot: Home, tmp_path: Path
) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    for out, seed in ((first, "1"), (second, "4242")):
        done = run_build(out, snapshot, seed)
        assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert names == sorted(
        [
            "SHA256SUMS",
            "context.jsonld",
            "ipbes-kg-shapes.ttl",
            "ipbes-kg.jsonld",
            "ipbes-kg.nt",
            "ipbes-kg.trig",
            "ipbes-kg.ttl",
            "void.ttl",
        ]
    )
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_unchanged_input_leaves_files_untouched(snapshot: Home, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build.build(snapshot, out)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = build.build(snapshot, out)
    assert not any(a.changed for a in again.artefacts)
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    # A damaged artefact is rewritten, and only that one.
    (out / build.TURTLE_FILE).write_text("damaged", encoding="utf-8")
    third = build.build(snapshot, out)
    assert [a.path.name for a in third.artefacts if a.changed] == [build.TURTLE_FILE]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "artefact.nt"
    target.write_bytes(b"old\n")

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        build.write_if_changed(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["artefact.nt"]


def test_ntriples_are_sorted_distinct_and_match_the_graph(snapshot: Home, dist: Path) -> None:
    lines = (dist / build.NTRIPLES_FILE).read_text(encoding="utf-8").splitlines()
    assert lines == sorted(set(lines))
    merged = build.merged_graph(snapshot)
    assert len(lines) == len(merged)
    from_turtle = ox.Store()
    for path in snapshot.graph_files():
        from_turtle.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert triples_of(dist / build.NTRIPLES_FILE, ox.RdfFormat.N_TRIPLES) == {
        quad.triple for quad in from_turtle
    }


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        (build.TURTLE_FILE, ox.RdfFormat.TURTLE),
        (build.JSONLD_FILE, ox.RdfFormat.JSON_LD),
    ],
)
def test_every_syntax_holds_the_same_triples(dist: Path, name: str, fmt: ox.RdfFormat) -> None:
    expected = triples_of(dist / build.NTRIPLES_FILE, ox.RdfFormat.N_TRIPLES)
    assert triples_of(dist / name, fmt) == expected


def test_trig_has_one_named_graph_per_part(snapshot: Home, dist: Path) -> None:
    found: dict[str, set[ox.Triple]] = {}
    for quad in quads(dist / build.TRIG_FILE, ox.RdfFormat.TRIG):
        assert isinstance(quad.graph_name, ox.NamedNode), "nothing in the default graph"
        found.setdefault(quad.graph_name.value, set()).add(quad.triple)
    parts = build.read_parts(snapshot)
    assert sorted(found) == sorted(str(build.part_graph_iri(p)) for p in build.PART_NAMES)
    for name, graph in parts.named():
        assert len(found[str(build.part_graph_iri(name))]) == len(graph), name
    # The shapes use blank nodes (rdflib.compare is too slow here): the TriG block is the
    # shapes file's body, and the triples without blank nodes are the source's.
    shapes_text = (dist / build.SHAPES_FILE).read_text(encoding="utf-8")
    body = "\n".join(line for line in shapes_text.splitlines() if not line.startswith("PREFIX "))
    assert body.strip() in (dist / build.TRIG_FILE).read_text(encoding="utf-8")
    in_trig = found[str(build.part_graph_iri("shapes"))]
    in_file = triples_of(dist / build.SHAPES_FILE, ox.RdfFormat.TURTLE)
    assert len(in_file) == len(in_trig) == len(parts.shapes)
    assert ground(in_trig) == ground(in_file) == ground(triples_of_graph(parts.shapes))
    merged = triples_of(dist / build.NTRIPLES_FILE, ox.RdfFormat.N_TRIPLES)
    vocabulary_and_data = (
        found[str(build.part_graph_iri("vocabulary"))] | found[str(build.part_graph_iri("data"))]
    )
    assert vocabulary_and_data == merged
    shape_nodes = {q.subject for q in quads(dist / build.SHAPES_FILE, ox.RdfFormat.TURTLE)}
    assert not {t.subject for t in merged} & {
        s for s in shape_nodes if isinstance(s, ox.NamedNode)
    }, "the shapes stay out of the merged graph"


def test_jsonld_uses_the_published_context(dist: Path) -> None:
    context = json.loads((dist / build.CONTEXT_FILE).read_text(encoding="utf-8"))
    assert context == {"@context": PREFIXES}
    document = json.loads((dist / build.JSONLD_FILE).read_text(encoding="utf-8"))
    assert document["@context"] == context["@context"]


def test_description_counts_and_checksums(dist: Path) -> None:
    void = Graph().parse(dist / build.DESCRIPTION_FILE, format="turtle")
    ds = build.DATASET
    nt_lines = len((dist / build.NTRIPLES_FILE).read_bytes().splitlines())
    assert void.value(ds, build.VOID.triples) == Literal(
        str(nt_lines), datatype=XSD.nonNegativeInteger
    )
    assert (ds, RDF.type, build.VOID.Dataset) in void
    assert (ds, RDF.type, build.DCAT.Dataset) in void
    assert void.value(ds, build.DCAT.version) is not None
    assert isinstance(void.value(ds, build.VOID.classPartition), URIRef)
    assert isinstance(void.value(ds, build.VOID.propertyPartition), URIRef)
    assert (ds, URIRef("http://purl.org/dc/terms/license"), build.LICENSE) in void
    assert (ds, URIRef("http://purl.org/dc/terms/source"), build.SOURCE_DOCUMENT) in void
    # class partitions add up to the rdf:type triples
    typed = sum(
        int(void.value(part, build.VOID.entities))  # type: ignore[arg-type]
        for part in void.objects(ds, build.VOID.classPartition)
    )
    types = sum(
        1
        for q in quads(dist / build.NTRIPLES_FILE, ox.RdfFormat.N_TRIPLES)
        if q.predicate.value == str(RDF.type)
    )
    assert typed == types
    described = {}
    for dist_node in void.objects(ds, build.DCAT.distribution):
        name = str(void.value(dist_node, URIRef("http://purl.org/dc/terms/title")))
        described[name] = dist_node
        content = (dist / name).read_bytes()
        assert int(void.value(dist_node, build.DCAT.byteSize)) == len(content)  # type: ignore[arg-type]
        checksum = void.value(dist_node, build.SPDX.checksum)
        assert (
            str(void.value(checksum, build.SPDX.checksumValue))
            == hashlib.sha256(content).hexdigest()
        )
        assert str(void.value(dist_node, build.DCAT.mediaType)).startswith(build.IANA)
    # The description describes every other artefact, never itself or the sums.
    everything = {p.name for p in dist.iterdir()}
    assert set(described) == everything - {build.DESCRIPTION_FILE, build.SUMS_FILE}


def test_sha256sums_cover_every_other_file(dist: Path) -> None:
    listed = {}
    for line in (dist / build.SUMS_FILE).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == {p.name for p in dist.iterdir()} - {build.SUMS_FILE}
    for name, digest in listed.items():
        assert hashlib.sha256((dist / name).read_bytes()).hexdigest() == digest


def test_without_shapes_the_stale_shapes_file_goes(snapshot: Home, tmp_path: Path) -> None:
    root = tmp_path / "home"
    shutil.copytree(snapshot.root, root)
    for path in root.glob("ontology/shapes*.ttl"):
        path.unlink()
    out = tmp_path / "dist"
    out.mkdir()
    (out / build.SHAPES_FILE).write_text("stale", encoding="utf-8")
    result = build.build(Home(root), out)
    assert result.removed == [out / build.SHAPES_FILE]
    graphs = {q.graph_name for q in quads(out / build.TRIG_FILE, ox.RdfFormat.TRIG)}
    assert ox.NamedNode(str(build.part_graph_iri("shapes"))) not in graphs


def test_build_command(snapshot: Home, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    runner = CliRunner()
    first = runner.invoke(cli, ["--home", str(snapshot.root), "build", "--out", str(out)])
    assert first.exit_code == 0, first.stderr
    assert "wrote" in first.stdout and "triples in the graph" in first.stdout
    second = runner.invoke(cli, ["--home", str(snapshot.root), "build", "--out", str(out)])
    assert second.exit_code == 0
    assert "wrote" not in second.stdout
    assert second.stdout.count("unchanged") == len(list(out.iterdir()))


def test_build_into_an_unwritable_place_is_one_line(snapshot: Home, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    done = CliRunner().invoke(
        cli, ["--home", str(snapshot.root), "build", "--out", str(blocker / "dist")]
    )
    assert done.exit_code == 2
    assert done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1
