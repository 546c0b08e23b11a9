"""The rules SHACL cannot say well, checked over the same triples and reported as results.

SHACL sees a misspelt reference (``agent:cisr``) only as "not an organization", a misspelt
term (``org:hasSight``) not at all (it silently becomes a new property), a copied entity under
a new IRI not at all, and an entity written twice only through the counts of its merged
properties, at its first place. These checks name the mistake, point at every place involved,
and suggest the likely fix from what is defined:

- ``check:undeclared-term``: an IRI in a vocabulary namespace (ours or a standard one) that is
  not a term of that vocabulary;
- ``check:undefined-reference``: an IRI in the project's entity or code-list namespaces that is
  used as a value but is the subject of no triple in the graph, at each use, with the closest
  defined IRI (the SHACL results on the same value stay: other engines give them too);
- ``check:duplicate-definition``: one entity (``id/`` IRI) with two statements that each state
  its type (``a …``: two files, or twice in one file), reported at each place, naming the other
  (a statement that only adds properties is fine);
- ``check:duplicate-label`` (warning): two entities of one class with an identical label,
  reported on each, naming the other.
"""

import difflib
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.rdf.names import CODE, ID, IPBES, curie
from ipbes_kg.rdf.terms import TripleLike, shown_literal, value_of
from ipbes_kg.validate.results import Result, Where, WhereFinder
from ipbes_kg.validate.terms import RDF_TYPE, unknown_terms

_PROJECT = (ID, CODE)
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _suggest(iri: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(curie(iri), sorted(curie(c) for c in candidates), n=1)
    return f"; did you mean {close[0]}?" if close else ""


def _result(
    kind: str, subject: str, predicate: str, value: str, message: str, labels: dict[str, str],
    found: Where, severity: str = "violation",
) -> Result:  # fmt: skip
    return Result(
        severity=severity,
        focus=curie(subject),
        focus_label=labels.get(subject, ""),
        path=curie(predicate) if predicate else "",
        value=value,
        message=message,
        component=f"check:{kind}",
        shape="",
        file=found[0] if found else None,
        line=found[1] if found else None,
        column=found[2] if found else None,
    )


class Index(NamedTuple):
    """What the checks (and the report's labels) need to know of the triples, gathered in one
    pass over them: each look at a parsed triple's term crosses into pyoxigraph and makes a new
    string, so one pass instead of one per need (×200: 1.8 M triples, ~0.5 s a pass)."""

    subjects: set[str]  # IRIs that are the subject of a triple
    declared: set[str]  # ipbes: terms with a type
    used: dict[str, tuple[str, str]]  # IRI -> the first (subject, predicate) using it
    references: list[tuple[str, str, str]]  # (subject, predicate, object) with a project object
    classes: dict[str, set[str]]  # entity (id/ IRI) -> its classes
    named: dict[tuple[str, str], set[str]]  # (label, language) -> the entities it labels
    shown: dict[tuple[str, str], ox.Literal]  # (label, language) -> the literal
    english: dict[str, str]  # subject -> its English label, the smallest if several


def index(triples: Iterable[TripleLike]) -> Index:
    """The ``Index`` of ``triples`` (vocabulary and data together)."""
    found = Index(set(), set(), {}, [], defaultdict(set), defaultdict(set), {}, {})
    subjects, used, references, english = (
        found.subjects,
        found.used,
        found.references,
        found.english,
    )
    named_node, literal = ox.NamedNode, ox.Literal
    for t in triples:
        node, predicate, obj = t.subject, t.predicate.value, t.object
        subject = value_of(node)
        kind = type(node)
        if kind is named_node:
            subjects.add(subject)
        if predicate not in used:
            used[predicate] = (subject, predicate)
        if predicate == RDF_TYPE and subject.startswith(IPBES):
            found.declared.add(subject)
        if type(obj) is named_node:
            iri = obj.value
            if iri not in used:
                used[iri] = (subject, predicate)
            if iri.startswith(_PROJECT):
                references.append((subject, predicate, iri))
            if predicate == RDF_TYPE and kind is named_node and subject.startswith(ID):
                found.classes[subject].add(iri)
        elif predicate == RDFS_LABEL and type(obj) is literal:
            label, language = obj.value, obj.language
            if language == "en" and (subject not in english or label < english[subject]):
                english[subject] = label
            if kind is named_node and subject.startswith(ID):
                key = (label, language or "")
                found.named[key].add(subject)
                found.shown[key] = obj
    return found


def run(
    indexed: Index,
    where: WhereFinder,
    duplicates: dict[str, list[Where]] | None = None,
) -> list[Result]:
    """Results of every check over the triples ``indexed`` (vocabulary and data together).

    ``duplicates``: IRI -> the places where its statements start, for IRIs written in more
    than one place (from the text; triples cannot say it).
    """
    subjects, declared, used = indexed.subjects, indexed.declared, indexed.used
    labels = indexed.english
    results = []
    for iri in unknown_terms(used, declared):
        subject, predicate = used[iri]
        hint = _suggest(iri, declared if iri.startswith(IPBES) else ())
        message = f"{curie(iri)} is not a term of its vocabulary{hint}"
        found = where(subject, predicate, iri if iri != predicate else None)
        results.append(
            _result("undeclared-term", subject, predicate, curie(iri), message, labels, found)
        )
    hints: dict[str, str] = {}  # one suggestion per undefined IRI, however often it is used
    for subject, predicate, iri in indexed.references:  # every use, each at its own line
        if iri in subjects:
            continue
        if iri not in hints:
            namespace = iri.rsplit("/", 1)[0] + "/"
            hints[iri] = _suggest(iri, (s for s in subjects if s.startswith(namespace)))
        message = f"{curie(iri)} is not defined anywhere (no triple has it as subject){hints[iri]}"
        found = where(subject, predicate, iri)
        results.append(
            _result("undefined-reference", subject, predicate, curie(iri), message, labels, found)
        )
    for iri, places in sorted((duplicates or {}).items()):
        if not iri.startswith(ID):  # the vocabulary is hand-laid: a term may be added to later
            continue
        for i, place in enumerate(places):
            others = ", ".join(f"{p[0]}:{p[1]}" for j, p in enumerate(places) if j != i and p)
            message = (
                f"{curie(iri)} is also written at {others}; "
                "keep one statement per entity (merge them)"
            )
            results.append(_result("duplicate-definition", iri, "", "", message, labels, place))
    results += _duplicate_labels(indexed, labels, where)
    return results


def _duplicate_labels(index: Index, labels: dict[str, str], where: WhereFinder) -> list[Result]:
    """Entities of one class sharing a label: a copy under a new IRI, or two names mixed up."""
    classes, named, shown = index.classes, index.named, index.shown
    first: dict[str, tuple[tuple[str, str], str, str, int]] = {}  # entity -> label, other, class, n
    for key, entities in sorted(named.items(), key=lambda item: (item[0][1] != "en", item[0])):
        if len(entities) < 2:
            continue
        by_class: dict[str, list[str]] = defaultdict(list)
        for entity in entities:
            for cls in classes[entity]:
                by_class[cls].append(entity)
        for cls, members in sorted(by_class.items()):
            if len(members) < 2:
                continue
            members.sort()
            for entity in members:
                if entity not in first:
                    other = members[1] if entity == members[0] else members[0]
                    first[entity] = (key, other, cls, len(members) - 1)
    results = []
    for entity, (key, other, cls, count) in sorted(first.items()):
        value = shown_literal(shown[key].value, shown[key].language)
        more = f" (and {count - 1} more)" if count > 1 else ""
        message = (
            f"{curie(other)}{more} has the same label {value} and class {curie(cls)}; "
            "a copy under a new IRI? merge the two or tell them apart"
        )
        results.append(
            _result(
                "duplicate-label",
                entity,
                RDFS_LABEL,
                value,
                message,
                labels,
                where(entity, RDFS_LABEL, None),
                "warning",
            )
        )
    return results
