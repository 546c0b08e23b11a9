"""Baseline (the floor for Python): load N-Triples into pyoxigraph, run one query, print it.

Usage: ``python benchmarks/bare_query.py GRAPH.nt QUERY.rq`` — the query text is the canned
query with its parameters already bound (run.py writes it), so both sides run the same SPARQL.
SELECT prints SPARQL TSV, CONSTRUCT/DESCRIBE prints Turtle, ASK prints true/false.
Only ``sys`` and ``pyoxigraph`` are imported, on purpose.
"""

import sys

import pyoxigraph as ox


def main(graph: str, query_path: str) -> None:
    with open(query_path, encoding="utf-8") as handle:
        text = handle.read()
    store = ox.Store()
    store.bulk_load(path=graph, format=ox.RdfFormat.N_TRIPLES)
    answer = store.query(text)
    out = sys.stdout.buffer
    if isinstance(answer, ox.QuerySolutions):
        answer.serialize(out, ox.QueryResultsFormat.TSV)
    elif isinstance(answer, ox.QueryTriples):
        answer.serialize(out, ox.RdfFormat.TURTLE)
    else:
        out.write(b"true\n" if answer else b"false\n")
    out.flush()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
