"""Every fact traced to the report: each quote must stand in a paragraph its subject cites."""

import re
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV

from ipbes_kg.namespaces import IPBES, PREFIXES

QUOTE = Namespace(IPBES).quote
PARA = PREFIXES["para"]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class QuoteProblem:
    subject: URIRef
    quote: str
    reason: str


def check_quotes(graph: Graph, units: dict[str, str], source: str) -> list[QuoteProblem]:
    """Quotes that are not verbatim in the source, or not in any paragraph the subject cites."""
    whole = squash(source)
    squashed = {key: squash(text) for key, text in units.items()}
    problems = []
    for subject, quote in sorted(graph.subject_objects(QUOTE)):
        if not isinstance(subject, URIRef) or not isinstance(quote, Literal):
            continue
        text = squash(str(quote))
        cited = [str(p)[len(PARA) :] for p in graph.objects(subject, PROV.wasDerivedFrom)]
        cited = [key for key in cited if key in squashed]
        if not text:
            problems.append(QuoteProblem(subject, str(quote), "empty quote"))
        elif text not in whole:
            problems.append(QuoteProblem(subject, str(quote), "not in the source text"))
        elif not any(text in squashed[key] for key in cited):
            where = [key for key, unit in squashed.items() if text in unit]
            problems.append(
                QuoteProblem(
                    subject, str(quote), f"not in the cited paragraphs {cited}; found in {where}"
                )
            )
    return problems
