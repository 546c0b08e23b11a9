"""What to send: one N-Triples file of distinct triples, streamed from disk.

Everything is read with the project's strict reader (``ipbes_kg.rdf.reader``). Without files
the packaged graph (vocabulary + data) is sent. Files may be N-Triples, Turtle, or TriG/N-Quads
such as the ``ipbes-kg.trig`` that ``build`` writes: the triples of all their graphs are loaded
into the one target graph (``--graph``), so the TriG and the N-Triples file of one build load
the same triples.
"""

import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.home import Home
from ipbes_kg.rdf import reader


class Payload(NamedTuple):
    """An N-Triples file to send and the number of distinct triples in it."""

    path: Path
    triples: int

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def packaged_payload(home: Home, workdir: Path) -> Payload:
    """The packaged graph (vocabulary + data) as sorted N-Triples: the triples ``build`` writes.

    Parsed with pyoxigraph, not rdflib: at scale the rdflib parse was most of a load's time. The
    store holds each triple once, so every line is a distinct triple. Sorted because Oxigraph
    stores sorted triples faster: at ×100 a PUT took 16 s sorted and 20 s in the store's order,
    and sorting the bytes costs 0.6 s.
    """
    graph = reader.load_store(home.graph_files())
    dump = graph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    lines = dump.splitlines(keepends=True)
    lines.sort()
    path = workdir / "graph.nt"  # a temporary file (naming build's ipbes-kg.nt would import rdflib)
    path.write_bytes(b"".join(lines))
    return Payload(path, len(lines))


def _triples(path: Path) -> Iterator[str]:
    """Each triple of the file (all its graphs) as an N-Triples line without ' .', read by the
    project's strict reader: the same errors as every other command."""
    for quad in reader.read_quads(path):
        yield str(quad.triple)


def _key(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()


def file_payload(files: Sequence[Path], workdir: Path) -> Payload:
    """Files to load, as one N-Triples file of distinct triples.

    A single N-Triples file is checked and sent as it is; anything else (Turtle, TriG,
    N-Quads, several files) is written into one N-Triples file in ``workdir``.
    """
    for path in files:
        if not path.is_file():
            raise UserError(f"{path}: no such file")
    if len(files) == 1 and reader.rdf_format(files[0]) == ox.RdfFormat.N_TRIPLES:
        seen = {_key(line) for line in _triples(files[0])}
        if not seen:
            raise UserError(f"{files[0]}: no triples to load")
        return Payload(files[0], len(seen))
    out = workdir / "payload.nt"
    keys: set[bytes] = set()
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for path in files:
            for line in _triples(path):
                key = _key(line)
                if key not in keys:
                    keys.add(key)
                    handle.write(line + " .\n")
    if not keys:
        raise UserError(f"{', '.join(map(str, files))}: no triples to load")
    return Payload(out, len(keys))
