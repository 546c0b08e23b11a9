"""Scale generator: the real graph replicated ×N for the benchmarks.

For every factor N this writes ``benchmarks/.work/x<N>/``, a folder that ``ipbes-kg --home``
accepts:

- ``ontology/``  the vocabulary, code lists and shapes, copied unchanged;
- ``queries/``   the canned queries, copied unchanged;
- ``data/``      one Turtle file per real data file, holding N copies of its triples: copy 0 is
                 the original, copy K ≥ 1 appends ``-copyK`` to every IRI under
                 ``https://w3id.org/ipbes-kg/id/`` that the vocabulary files do not define
                 (the ontology's creator and contributors stay shared); vocabulary terms
                 (ontology, code lists, external IRIs) and literals are left unchanged, so the
                 canned queries' default parameters still match copy 0;
- ``graph.nt``   vocabulary + replicated data as one N-Triples file (for the baselines);
- ``shapes.nt``  every shapes file as one N-Triples file (for the bare pySHACL baseline);
- ``manifest.json`` triple counts and a fingerprint of the inputs; a folder whose fingerprint
                 matches is not regenerated.

With ``--distinct`` the folders are ``x<N>-distinct/`` and copy K ≥ 1 also appends ``-copyK`` to
the values of ``dcterms:identifier`` and ``skos:notation``. The plain copies share those
literals, so every identifier and notation collides across copies: ``shape:UniqueNotation``
then reports about N² results and ``shape:IriFromIdentifier`` one per copied entity, and
``validate`` at scale measures mostly how a huge report is written. The distinct copies keep
those two rules satisfied (the slug of ``"IPBES/7/2-copy3"`` is the IRI's ``IPBES-7-2-copy3``);
what stays invalid grows linearly (IRI patterns such as ``place:[A-Z]{2}`` and values the shapes
pin, such as ``eli:passed_by body:plenary``). ``run.py`` validates these folders from ×10 on.

Usage: ``python benchmarks/scale.py [--scales 1,10,100,200] [--distinct] [--force]``.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(__file__).resolve().parent / ".work"
ID = "https://w3id.org/ipbes-kg/id/"
# With --distinct, the literals a copy gives its own value (see the module docstring).
DISTINCT = frozenset(
    ("http://purl.org/dc/terms/identifier", "http://www.w3.org/2004/02/skos/core#notation")
)
GENERATOR_VERSION = "2"  # bump when the output layout or the copy rule changes


def vocabulary_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "ontology").glob("*.ttl") if not p.name.startswith("shapes"))


def shapes_files(root: Path) -> list[Path]:
    return sorted((root / "ontology").glob("shapes*.ttl"))


def data_files(root: Path) -> list[Path]:
    return sorted((root / "data").glob("*.ttl"))


def query_files(root: Path) -> list[Path]:
    return sorted((root / "queries").glob("*.rq"))


def folder_name(factor: int, distinct: bool = False) -> str:
    return f"x{factor}-distinct" if distinct else f"x{factor}"


def fingerprint(root: Path, factor: int, distinct: bool = False) -> str:
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{factor}:{distinct}".encode())
    inputs = vocabulary_files(root) + shapes_files(root) + data_files(root) + query_files(root)
    for path in inputs:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def parse(path: Path) -> tuple[list[ox.Triple], dict[str, str]]:
    """The triples of a Turtle file, in file order, and its prefixes."""
    parser = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    triples = [quad.triple for quad in parser]
    return triples, dict(parser.prefixes)


def _suffixed(term: ox.Literal, suffix: str) -> ox.Literal:
    if term.language:
        return ox.Literal(term.value + suffix, language=term.language)
    return ox.Literal(term.value + suffix, datatype=term.datatype)


def copy_triples(
    triples: list[ox.Triple], k: int, distinct: bool = False, keep: frozenset[str] = frozenset()
) -> Iterator[ox.Triple]:
    """Copy ``k`` of ``triples``: IRIs under ``ID`` get ``-copyK`` (copy 0 is the original),
    except those in ``keep`` (entities the vocabulary defines, such as the ontology's
    contributors: a copy refers to them, it does not get its own); with ``distinct``, the
    literal values of the ``DISTINCT`` properties get the suffix too."""
    if k == 0:
        yield from triples
        return
    suffix = f"-copy{k}"
    renamed: dict[str, ox.NamedNode] = {}

    def rename(term: ox.NamedNode) -> ox.NamedNode:
        found = renamed.get(term.value)
        if found is None:
            found = term if term.value in keep else ox.NamedNode(term.value + suffix)
            renamed[term.value] = found
        return found

    for triple in triples:
        s, p, o = triple.subject, triple.predicate, triple.object
        s2 = rename(s) if isinstance(s, ox.NamedNode) and s.value.startswith(ID) else s
        p2 = rename(p) if p.value.startswith(ID) else p
        o2 = rename(o) if isinstance(o, ox.NamedNode) and o.value.startswith(ID) else o
        if distinct and isinstance(o, ox.Literal) and p.value in DISTINCT:
            o2 = _suffixed(o, suffix)
        if s2 is s and p2 is p and o2 is o:
            yield triple
        else:
            yield ox.Triple(s2, p2, o2)


def replicate(
    triples: list[ox.Triple],
    factor: int,
    distinct: bool = False,
    keep: frozenset[str] = frozenset(),
) -> Iterator[ox.Triple]:
    for k in range(factor):
        yield from copy_triples(triples, k, distinct, keep)


def _count(triples: Iterable[ox.Triple], sink: list[int]) -> Iterator[ox.Triple]:
    for triple in triples:
        sink[0] += 1
        yield triple


@contextmanager
def exclusive(work: Path = WORK) -> Iterator[None]:
    """Hold ``work/.lock``: one benchmark process at a time (they share CPUs and files)."""
    work.mkdir(parents=True, exist_ok=True)
    with (work / ".lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise SystemExit(
                f"error: another benchmark run (pid {holder}) holds {work / '.lock'}; "
                "wait for it to finish: two runs at once share the CPUs and the .work files"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def generate(
    root: Path, factor: int, out: Path, force: bool = False, distinct: bool = False
) -> dict[str, object]:
    """Write the ×``factor`` folder (unless it is current); its manifest.

    The folder is built beside ``out`` and renamed into place, so a reader never sees half of it.
    """
    manifest_path = out / "manifest.json"
    stamp = fingerprint(root, factor, distinct)
    if not force and manifest_path.is_file():
        manifest: dict[str, object] = json.loads(manifest_path.read_text())
        if manifest.get("fingerprint") == stamp and (out / "graph.nt").is_file():
            return manifest
    started = time.perf_counter()
    final = out
    out = final.with_name(f".{final.name}.tmp-{os.getpid()}")
    shutil.rmtree(out, ignore_errors=True)
    for part in ("ontology", "data", "queries"):
        (out / part).mkdir(parents=True)
    for path in vocabulary_files(root) + shapes_files(root):
        shutil.copy2(path, out / "ontology" / path.name)
    for path in query_files(root):
        shutil.copy2(path, out / "queries" / path.name)

    vocabulary: list[ox.Triple] = []
    for path in vocabulary_files(root):
        vocabulary.extend(parse(path)[0])
    defined = frozenset(t.subject.value for t in vocabulary if isinstance(t.subject, ox.NamedNode))
    shapes: list[ox.Triple] = []
    for path in shapes_files(root):
        shapes.extend(parse(path)[0])
    ox.serialize(shapes, str(out / "shapes.nt"), ox.RdfFormat.N_TRIPLES)

    data_triples = [0]
    with (out / "graph.nt").open("wb") as graph:
        ox.serialize(vocabulary, graph, ox.RdfFormat.N_TRIPLES)
        for path in data_files(root):
            triples, prefixes = parse(path)
            ox.serialize(
                replicate(triples, factor, distinct, defined),
                str(out / "data" / path.name),
                ox.RdfFormat.TURTLE,
                prefixes=prefixes,
            )
            ox.serialize(
                _count(replicate(triples, factor, distinct, defined), data_triples),
                graph,
                ox.RdfFormat.N_TRIPLES,
            )

    # The store deduplicates: count what a store holds, not what the files list.
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    manifest = {
        "factor": factor,
        "distinct": distinct,
        "fingerprint": stamp,
        "vocabulary_triples": len(vocabulary),
        "data_triples_written": data_triples[0],
        "shapes_triples": len(shapes),
        "shapes_files": [p.name for p in shapes_files(root)],
        "graph_triples": len(store),
        "graph_nt_bytes": (out / "graph.nt").stat().st_size,
        "data_ttl_bytes": sum(p.stat().st_size for p in (out / "data").glob("*.ttl")),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    out.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def parse_scales(text: str) -> list[int]:
    scales = sorted({int(part) for part in text.split(",") if part.strip()})
    if not scales or scales[0] < 1:
        raise argparse.ArgumentTypeError("scales are positive integers, e.g. 1,10,100,200")
    return scales


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--scales", type=parse_scales, default=parse_scales("1,10,100,200"))
    parser.add_argument("--root", type=Path, default=ROOT, help="The checkout to replicate.")
    parser.add_argument("--out", type=Path, default=WORK, help="Where the x<N> folders go.")
    parser.add_argument("--force", action="store_true", help="Regenerate even if current.")
    parser.add_argument(
        "--distinct",
        action="store_true",
        help="Copies get their own identifiers and notations (folders x<N>-distinct).",
    )
    args = parser.parse_args(argv)
    for factor in args.scales:
        out = args.out / folder_name(factor, args.distinct)
        with exclusive(args.out):
            manifest = generate(args.root, factor, out, args.force, args.distinct)
        print(
            f"{out.name}: {manifest['graph_triples']} triples "
            f"({manifest['vocabulary_triples']} vocabulary, {manifest['shapes_triples']} shapes) "
            f"in {out} ({manifest['seconds']} s to generate)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
