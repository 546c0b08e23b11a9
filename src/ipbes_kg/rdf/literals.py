"""Which literals a pyoxigraph store gives back as they were written.

An Oxigraph store keeps numbers, booleans, dates and times as values: ``"+400"^^xsd:integer``
reads back as ``"400"``. Code that evaluates SPARQL over a store where the engines it stands in
for read the lexical form (STR(), messages) must know whether the difference can show; this
module says it, from forms checked against what a store really returns
(``tests/test_sparql.py``).
"""

import calendar
import re
from collections.abc import Iterable

import pyoxigraph as ox

from ipbes_kg.rdf.terms import TripleLike

_XSD = "http://www.w3.org/2001/XMLSchema#"
_TZ = r"(Z|[+-](0[1-9]|1[0-3]):[0-5][0-9]|[+-]00:(0[1-9]|[1-5][0-9])|[+-]14:00)?"
_YEAR, _MONTH, _DAY = r"-?[1-9][0-9]{3}", r"(0[1-9]|1[0-2])", r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{0,8}[1-9])?"
_INTEGER, _FRACTION = r"0|-?[1-9][0-9]{0,17}", r"\.[0-9]{0,16}[1-9]"
_CANONICAL = {  # lexical forms a Store gives back unchanged (tests/test_sparql.py checks each)
    # not the integer types derived from xsd:integer (xsd:byte, …): a store gives them back
    # as xsd:integer
    _XSD + "integer": re.compile(_INTEGER),
    _XSD + "decimal": re.compile(f"-?[1-9][0-9]{{0,17}}({_FRACTION})?|-?0{_FRACTION}|0"),
    _XSD + "boolean": re.compile("true|false"),
    _XSD + "date": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}{_TZ}"),
    _XSD + "dateTime": re.compile(f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}"),
    _XSD + "time": re.compile(f"{_TIME}{_TZ}"),
    _XSD + "gYear": re.compile(f"{_YEAR}{_TZ}"),
    _XSD + "gYearMonth": re.compile(f"{_YEAR}-{_MONTH}{_TZ}"),
}
_UNCHANGED = {_XSD + name for name in ("string", "anyURI", "normalizedString", "token", "language")}


def canonical_only(triples: Iterable[TripleLike]) -> bool:
    """True when a Store gives every literal of these triples back as written, and each is a
    valid value of its datatype (as rdflib sees it: pySHACL's sh:datatype fails ill-typed
    literals, a query over the store cannot tell them). Oxigraph keeps
    numbers, booleans, dates, times and durations as values (``"+400"^^xsd:integer`` reads back
    ``"400"``), so STR() and messages would differ from the per-node engines, which read the
    lexical form; False for any such literal not in a form checked to survive (False: use turbo).
    """
    for triple in triples:
        if type(term := triple.object) is ox.Literal:
            datatype = term.datatype.value
            if datatype.startswith(_XSD) and datatype not in _UNCHANGED:
                pattern = _CANONICAL.get(datatype)
                if pattern is None or pattern.fullmatch(term.value) is None:
                    return False
                if datatype in _DAYS and not _real_day(term.value):
                    return False
    return True


_DAYS = {_XSD + "date", _XSD + "dateTime"}


def _real_day(lexical: str) -> bool:
    """Whether a date in canonical form names a day of the calendar (not 2019-02-29): rdflib
    calls such a literal ill-typed, a store keeps it as written; neither year 0 nor BC dates."""
    if lexical.startswith("-"):
        return False
    year, month, day = int(lexical[:4]), int(lexical[5:7]), int(lexical[8:10])
    return day <= calendar.monthrange(year, month)[1]
