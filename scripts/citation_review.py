"""Review aid: statements whose citing quote does not visibly carry the value.

usage: python scripts/citation_review.py [--all]

For each statement covered by an ipbes:Citation, look for the value in the quote (whitespace
ignored): an IRI by its Chinese labels, notation or identifier; a date by its year, month and day
(2018年, 7月, 16日); a count by its digits or Chinese numeral; other literals as written. Prints the
statements where no covering quote shows the value: not errors (a quote may state a link in other
words: 该办法 for the approach, 工作队 for the task force), but the first place to look when
checking that each citation states what it claims. Class membership (rdf:type), code-list values
and a paragraph's own structure are skipped unless --all.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ipbes_kg.rdf.names import CODE, IPBES, PREFIXES, bind_prefixes

ROOT = Path(__file__).resolve().parents[1]
NUMERALS = dict(enumerate("零一二三四五六七八九十", 0))
SKIP = {RDF.type, SKOS.inScheme, SKOS.topConceptOf, URIRef("https://schema.org/position")}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def names(graph: Graph, term: URIRef) -> set[str]:
    found = set()
    for p in (RDFS.label, SKOS.altLabel, SKOS.notation, DCTERMS.identifier):
        for o in graph.objects(term, p):
            if isinstance(o, Literal) and o.language in (None, "zh"):
                text = squash(str(o))
                found |= {text, text.replace("-", "/")}
                found |= {part for part in re.split(r"[（）()]", text) if len(part) >= 4}
    return {n for n in found if len(n) >= 2}


def shows(graph: Graph, value: object, quote: str) -> bool:
    if isinstance(value, URIRef):
        if str(value).startswith("http") and not str(value).startswith("https://w3id.org/"):
            return re.sub(r"^https?://(www\.)?", "", str(value)).rstrip("/") in quote
        return any(n in quote for n in names(graph, value))
    if not isinstance(value, Literal):
        return False
    text = str(value)
    if value.datatype in (XSD.date, XSD.gYearMonth, XSD.gYear):
        parts = text.split("-")
        wanted = [f"{parts[0]}年"] + [
            f"{int(p)}{u}" for p, u in zip(parts[1:], "月日", strict=False)
        ]
        return all(w in quote for w in wanted[1:]) and (wanted[0] in quote or len(parts) == 3)
    if value.datatype == XSD.integer:
        n = int(text)
        return text in quote or (n <= 10 and NUMERALS[n] in quote)
    if value.datatype == XSD.boolean:
        return "约" in quote
    return squash(text) in quote


def main(args: list[str]) -> int:
    graph = bind_prefixes(Graph(bind_namespaces="none"))
    for path in [*sorted((ROOT / "data").glob("*.ttl")), ROOT / "ontology/codelists.ttl"]:
        graph.parse(path, format="turtle")
    citation = URIRef(IPBES + "Citation")
    subject_of, predicate_of, object_of = (
        URIRef(IPBES + n) for n in ("statementSubject", "statementPredicate", "statementObject")
    )
    covering = defaultdict(list)
    for c in graph.subjects(RDF.type, citation):
        s = graph.value(c, subject_of)
        named = set(graph.objects(c, object_of))
        quote = squash(str(graph.value(c, URIRef(IPBES + "quote"))))
        for p in graph.objects(c, predicate_of):
            for o in graph.objects(s, p):
                if not named or o in named:
                    covering[(s, p, o)].append(quote)
    weak = []
    for (s, p, o), quotes in sorted(covering.items()):
        skip = p in SKIP or str(o).startswith(CODE) or str(s).startswith(PREFIXES["para"])
        if (skip and "--all" not in args) or any(shows(graph, o, q) for q in quotes):
            continue
        weak.append(
            f"{graph.qname(s)}\t{graph.qname(p)}\t{o.n3(graph.namespace_manager)}\t{quotes[0][:60]}"
        )
    print("\n".join(weak))
    print(
        f"{len(weak)} of {len(covering)} cited statements: no covering quote shows the value",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
