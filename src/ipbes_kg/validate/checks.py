"""The rules SHACL cannot say well, checked over the same triples and reported as results.

SHACL sees a misspelt reference (``agent:cisr``) only as "not an organization", and a misspelt
term (``org:hasSight``) not at all: it silently becomes a new property. These checks name the
mistake and suggest the likely fix from what is defined:

- ``check:undeclared-term``: an IRI in a vocabulary namespace (ours or a standard one) that is
  not a term of that vocabulary;
- ``check:undefined-reference``: an IRI in the project's entity or code-list namespaces that is
  used as a value but is the subject of no triple in the validated files.
"""

import difflib
from collections.abc import Iterable

import pyoxigraph as ox

from ipbes_kg.rdf.names import CODE, ID, IPBES, curie
from ipbes_kg.rdf.terms import value_of
from ipbes_kg.validate.results import Result, WhereFinder
from ipbes_kg.validate.terms import RDF_TYPE, unknown_terms

_PROJECT = (ID, CODE)


def _suggest(iri: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(curie(iri), sorted(curie(c) for c in candidates), n=1)
    return f"; did you mean {close[0]}?" if close else ""


def _result(
    kind: str, subject: str, predicate: str, value: str, message: str, labels: dict[str, str],
    where: WhereFinder,
) -> Result:  # fmt: skip
    found = where(subject, predicate)
    return Result(
        severity="violation",
        focus=curie(subject),
        focus_label=labels.get(subject, ""),
        path=curie(predicate),
        value=curie(value),
        message=message,
        component=f"check:{kind}",
        shape="",
        file=found[0] if found else None,
        line=found[1] if found else None,
    )


def run(triples: list[ox.Triple], labels: dict[str, str], where: WhereFinder) -> list[Result]:
    """Results of every check over ``triples`` (vocabulary and data together)."""
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    declared = {
        value_of(t.subject)
        for t in triples
        if t.predicate.value == RDF_TYPE and value_of(t.subject).startswith(IPBES)
    }
    used: dict[str, tuple[str, str]] = {}  # IRI -> the first (subject, predicate) using it
    for t in triples:
        for term in (t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value not in used:
                used[term.value] = (value_of(t.subject), t.predicate.value)
    results = []
    for iri in unknown_terms(used, declared):
        subject, predicate = used[iri]
        hint = _suggest(iri, declared if iri.startswith(IPBES) else ())
        results.append(
            _result(
                "undeclared-term",
                subject,
                predicate,
                iri,
                f"{curie(iri)} is not a term of its vocabulary{hint}",
                labels,
                where,
            )
        )
    for iri, (subject, predicate) in used.items():
        if iri in subjects or not iri.startswith(_PROJECT):
            continue
        namespace = iri.rsplit("/", 1)[0] + "/"
        hint = _suggest(iri, (s for s in subjects if s.startswith(namespace)))
        results.append(
            _result(
                "undefined-reference",
                subject,
                predicate,
                iri,
                f"{curie(iri)} is not defined anywhere (no triple has it as subject){hint}",
                labels,
                where,
            )
        )
    return results
