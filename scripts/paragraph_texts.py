"""Write each paragraph's text into data/documents.ttl as ``schema:text "…"@zh``.

usage: python scripts/paragraph_texts.py [SOURCE] [--check]

SOURCE defaults to ../shared/source/IPBES-7-2.zh.txt beside the checkout. The text of each
citation unit (``para:10b``, ``para:fn3``…) comes from ``report_source.split_units``; every other
triple of the file is kept, and the file is written in the canonical layout (``ipbes-kg fmt``).
With ``--check`` nothing is written: exit 1 if the file is not what this script would write.
"""

import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from report_source import split_units, unit_text

from ipbes_kg.rdf.names import IPBES, PREFIXES, bind_prefixes
from ipbes_kg.rdf.reader import rdflib_graph, read_triples

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ROOT / "data/documents.ttl"
SOURCE = ROOT.parent / "shared/source/IPBES-7-2.zh.txt"
TEXT = URIRef("https://schema.org/text")


def with_texts(source: str, path: Path = DOCUMENTS) -> str:
    graph = rdflib_graph(read_triples(path), bind_prefixes(Graph(bind_namespaces="none")))
    units = split_units(source)
    paragraphs = set(graph.subjects(RDF.type, URIRef(IPBES + "Paragraph")))
    wanted = {URIRef(PREFIXES["para"] + key) for key in units}
    if paragraphs != wanted:
        missing = sorted(str(p) for p in wanted ^ paragraphs)
        raise SystemExit(f"error: paragraphs and source units differ: {missing}")
    for key, text in units.items():
        para = URIRef(PREFIXES["para"] + key)
        graph.remove((para, TEXT, None))
        graph.add((para, TEXT, Literal(unit_text(key, text), lang="zh")))
    return graph.serialize(format="longturtle")


def main(args: list[str]) -> int:
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    source = Path(paths[0]) if paths else SOURCE
    text = with_texts(source.read_text(encoding="utf-8"))
    if check:
        same = DOCUMENTS.read_text(encoding="utf-8") == text
        print("OK" if same else f"{DOCUMENTS}: paragraph texts differ from {source}")
        return 0 if same else 1
    DOCUMENTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
