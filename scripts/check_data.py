"""Quick curator check for one or more data files: parses, finds blank nodes, missing labels,
and quotes that are not in the cited paragraphs' source text (whitespace-insensitive).

usage: python scripts/check_data.py data/FILE.ttl [...]
"""

import re
import sys
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDFS

IPBES = Namespace("https://w3id.org/ipbes-kg/ontology#")
SOURCE = Path(__file__).resolve().parents[1].parent / "shared/source/IPBES-7-2.zh.txt"
src = re.sub(r"\s+", "", SOURCE.read_text(encoding="utf-8"))
prefixes = (Path(__file__).resolve().parents[1] / "docs/prefixes.ttl").read_text()
bad = 0
for f in sys.argv[1:]:
    g = Graph()
    g.parse(f, format="turtle")
    subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
    for s, p, o in g:
        if isinstance(s, BNode) or isinstance(o, BNode):
            bad += 1
            print(f"{f}: blank node in {s} {p} {o}")
    for s in sorted(subjects):
        langs = [o.language for o in g.objects(s, RDFS.label) if isinstance(o, Literal)]
        if sorted(langs) != ["en", "zh"]:
            bad += 1
            print(f"{f}: {s} labels {langs} (need exactly one en and one zh)")
        if not list(g.objects(s, PROV.wasDerivedFrom)):
            bad += 1
            print(f"{f}: {s} cites no paragraph")
        quotes = list(g.objects(s, IPBES.quote))
        if not quotes:
            bad += 1
            print(f"{f}: {s} has no ipbes:quote")
        for q in quotes:
            if re.sub(r"\s+", "", str(q)) not in src:
                bad += 1
            print(f"{f}: {s} quote not in source: {q}")
print("OK" if not bad else f"{bad} problems")
