"""Measure the candidate patterns for statement-level provenance on the real data.

usage: python scripts/measure_provenance.py [--base DIR]

Builds, from data/ as it is (pattern A: one ipbes:Citation per quote and paragraph, naming the
properties it states), the same provenance as (B) RDF 1.1 reification, one rdf:Statement per
statement and record, and (C) named graphs, one per citation, holding the statements it states;
--base DIR (a checkout of the entity-level pattern, for example `git archive 2311209`) adds (D),
quotes on the entity with no statement-level link. Prints triples (quads for C), N-Triples /
N-Quads bytes and the median time pyoxigraph takes to answer "which paragraph says that
tsu:capacity-building is hosted by agent:norwegian-environment-agency", in-process, warm.
"""

import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF

from ipbes_kg.rdf.names import IPBES

ROOT = Path(__file__).resolve().parents[1]

SUBJECT, PREDICATE, OBJECT = (
    URIRef(IPBES + n) for n in ("statementSubject", "statementPredicate", "statementObject")
)
QUOTE, BASIS = URIRef(IPBES + "quote"), URIRef(IPBES + "basis")

TSU = "https://w3id.org/ipbes-kg/id/tsu/capacity-building"
HOST = "https://w3id.org/ipbes-kg/id/organization/norwegian-environment-agency"
PREFIX = "PREFIX ipbes: <https://w3id.org/ipbes-kg/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
QUERIES = {
    "A": PREFIX
    + f"""SELECT ?paragraph ?quote WHERE {{
        <{TSU}> ipbes:hostedBy <{HOST}> .
        ?c ipbes:statementSubject <{TSU}> ; ipbes:statementPredicate ipbes:hostedBy ;
           prov:wasQuotedFrom ?paragraph ; ipbes:quote ?quote .
        FILTER(NOT EXISTS {{ ?c ipbes:statementObject ?o }} || EXISTS {{ ?c ipbes:statementObject <{HOST}> }})
    }}""",
    "B": PREFIX
    + f"""SELECT ?paragraph ?quote WHERE {{
        ?s rdf:subject <{TSU}> ; rdf:predicate ipbes:hostedBy ; rdf:object <{HOST}> ;
           prov:wasQuotedFrom ?paragraph ; ipbes:quote ?quote .
    }}""",
    "C": PREFIX
    + f"""SELECT ?paragraph ?quote WHERE {{
        GRAPH ?g {{ <{TSU}> ipbes:hostedBy <{HOST}> }}
        ?g prov:wasQuotedFrom ?paragraph ; ipbes:quote ?quote .
    }}""",
    "D": PREFIX
    + f"""SELECT ?paragraph ?quote WHERE {{
        <{TSU}> ipbes:hostedBy <{HOST}> ; prov:wasDerivedFrom ?paragraph ; ipbes:quote ?quote .
    }}""",
}


def load(directory: Path) -> Graph:
    graph = Graph()
    for path in sorted((directory / "data").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def covered(graph: Graph, record: URIRef) -> list[tuple[URIRef, URIRef, object]]:
    subject = graph.value(record, SUBJECT)
    named = set(graph.objects(record, OBJECT))
    return [
        (subject, p, o)
        for p in graph.objects(record, PREDICATE)
        for o in graph.objects(subject, p)
        if not named or o in named
    ]


def reification(graph: Graph) -> Graph:
    out = Graph()
    records = set(graph.subjects(SUBJECT, None))
    for t in graph:
        if t[0] not in records:
            out.add(t)
    for record in sorted(records):
        meta = [
            (p, o)
            for p, o in graph.predicate_objects(record)
            if p in (PROV.wasQuotedFrom, QUOTE, BASIS, PROV.wasAttributedTo)
        ]
        for n, (s, p, o) in enumerate(covered(graph, record)):
            node = URIRef(f"{record}-s{n}")
            out.add((node, RDF.type, RDF.Statement))
            out.add((node, RDF.subject, s))
            out.add((node, RDF.predicate, p))
            out.add((node, RDF.object, o))
            for mp, mo in meta:
                out.add((node, mp, mo))
    return out


def named_graphs(graph: Graph) -> Dataset:
    data = Dataset()
    records = set(graph.subjects(SUBJECT, None))
    in_a_graph = set()
    for record in sorted(records):
        named = data.graph(record)
        for t in covered(graph, record):
            named.add(t)
            in_a_graph.add(t)
        for p, o in graph.predicate_objects(record):
            if p not in (SUBJECT, PREDICATE, OBJECT):
                data.add((record, p, o))  # the graph's provenance, in the default graph
    for t in graph:
        if t[0] not in records and t not in in_a_graph:
            data.add(t)  # labels, notes, entity-level citations
    return data


def timed(store: ox.Store, query: str, runs: int = 300) -> tuple[float, int]:
    rows = len(list(store.query(query)))
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        list(store.query(query))
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, rows


def measure(name: str, text: str, fmt: ox.RdfFormat) -> None:
    store = ox.Store()
    store.load(text.encode(), format=fmt)
    ms, rows = timed(store, QUERIES[name])
    print(
        f"{name}  {len(store):>6} {'quads' if fmt == ox.RdfFormat.N_QUADS else 'triples'}  "
        f"{len(text.encode()) / 1024:>6.0f} KiB  query {ms:.2f} ms  {rows} row(s)"
    )


def main(args: list[str]) -> int:
    graph = load(ROOT)
    measure("A", graph.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    measure("B", reification(graph).serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    measure("C", named_graphs(graph).serialize(format="nquads"), ox.RdfFormat.N_QUADS)
    if "--base" in args:
        base = load(Path(args[args.index("--base") + 1]))
        measure("D", base.serialize(format="nt"), ox.RdfFormat.N_TRIPLES)
    turtle = sum(len(p.read_bytes()) for p in (ROOT / "data").glob("*.ttl"))
    print(
        f"A as written in data/*.ttl: {turtle / 1024:.0f} KiB of Turtle; "
        f"B as Turtle: {len(reification(graph).serialize(format='longturtle').encode()) / 1024:.0f} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
