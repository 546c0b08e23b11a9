"""RDF terms ↔ text and Python values: how a term is written for people, Turtle and notebooks.

One place decides how a literal is quoted, how an IRI is shortened and what Python value a
typed literal becomes, so a query table, a validation report and the Python API agree.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

import pyoxigraph as ox

from ipbes_kg.rdf.names import curie, turtle_name

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class PlainTriple(NamedTuple):
    """A triple made in Python, read like an ``ox.Triple`` (``.subject``, ``.predicate``,
    ``.object``): ~0.4 µs to make where an ``ox.Triple`` costs ~3.5 µs (it copies each term).
    Validation reports are made of them (×200: 600,000 triples)."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    object: Term | ox.Triple


# A statement of one graph: a triple, a quad of the default graph as the parser gives it
# (making a Triple of each costs ~2 µs: 3.4 s for the 1.8 M statements of ×200), or a
# triple made in Python.
TripleLike = ox.Triple | ox.Quad | PlainTriple
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def value_of(term: Term | ox.Triple) -> str:
    """The IRI, blank node id or lexical form; an RDF 1.2 triple term as N-Triples."""
    return str(term) if isinstance(term, ox.Triple) else term.value


def literal(value: str, language: str | None = None, datatype: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    if datatype and datatype not in (XSD_STRING, RDF_LANGSTRING):
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def shown_literal(value: str, language: str | None = None, datatype: str | None = None) -> str:
    """A literal as validation reports show it: quoted, with its language or a CURIE datatype."""
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype not in (XSD_STRING, RDF_LANGSTRING):
        return f"{text}^^{curie(datatype)}"
    return text


def turtle(term: Term | ox.Triple) -> str:
    """The term as Turtle writes it with the project's prefixes (library-escaped literals)."""
    if isinstance(term, ox.NamedNode):
        return turtle_name(term.value)
    if isinstance(term, ox.Literal):
        text = str(ox.Literal(term.value))  # quoted with N-Triples escapes, valid in Turtle
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype.value != XSD_STRING:
            return f"{text}^^{turtle_name(term.datatype.value)}"
        return text
    return str(term)  # blank node (_:id) or an RDF 1.2 triple term


def human(term: Term | ox.Triple | None) -> str:
    """For a table cell: CURIEs for IRIs, literal text on one line, '' for no value."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return curie(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return " ".join(term.value.split())


def python_value(term: Term | ox.Triple) -> object:
    """A plain Python value: str for IRIs and strings, int/Decimal/float/bool for numbers and
    booleans, ``datetime.date``/``datetime.datetime`` for dates; anything else as its lexical
    form (an ill-typed literal too, so no value is lost)."""
    if not isinstance(term, ox.Literal):
        return value_of(term)
    text, datatype = term.value, term.datatype.value
    try:
        if datatype in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger",
                        XSD + "positiveInteger", XSD + "short", XSD + "byte"):  # fmt: skip
            return int(text)
        if datatype == XSD + "decimal":
            return Decimal(text)
        if datatype in (XSD + "double", XSD + "float"):
            return float(text)
        if datatype == XSD + "boolean":
            return text in ("true", "1")
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(text)
        if datatype == XSD + "dateTime":
            return datetime.datetime.fromisoformat(text)
    except (ValueError, InvalidOperation):
        return text
    return text
