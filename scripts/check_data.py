"""Curator check for data files: blank nodes, labels, citations and quotes (paragraph-level).

usage: python scripts/check_data.py data/FILE.ttl [...]
The full checks run in the test suite (tests/test_data.py); this is the quick loop while editing.
"""

import sys
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import PROV, RDFS
from report_source import split_units

from ipbes_kg.graph import load_graph
from ipbes_kg.provenance import QUOTE, check_quotes

SOURCE = Path(__file__).resolve().parents[2] / "shared/source/IPBES-7-2.zh.txt"


def main(paths: list[str]) -> int:
    source = SOURCE.read_text(encoding="utf-8")
    graph = load_graph(paths)
    problems = [f"blank node in {t}" for t in graph if any(isinstance(x, BNode) for x in t)]
    for s in sorted({s for s in graph.subjects() if isinstance(s, URIRef)}):
        tags = sorted(
            o.language or "-" for o in graph.objects(s, RDFS.label) if isinstance(o, Literal)
        )
        if tags != ["en", "zh"]:
            problems.append(f"{s}: labels {tags} (need exactly one en and one zh)")
        if not list(graph.objects(s, PROV.wasDerivedFrom)):
            problems.append(f"{s}: cites no paragraph")
        if not list(graph.objects(s, QUOTE)):
            problems.append(f"{s}: has no ipbes:quote")
    problems += [
        f"{p.subject} «{p.quote}»: {p.reason}"
        for p in check_quotes(graph, split_units(source), source)
    ]
    print("\n".join(problems) or "OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
