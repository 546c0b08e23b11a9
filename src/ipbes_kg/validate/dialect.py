"""Where pySHACL decides differently from SPARQL over a store, and how ``core`` follows it.

pySHACL (the reference engine) matches sh:pattern with Python's ``re`` and orders literals for
the range constraints with rdflib; Oxigraph matches with Rust's ``regex`` and orders with
SPARQL's operators. The set-based evaluator must give pySHACL's results, so:

- ``python_regex`` rewrites a pattern for Rust so that it matches the same strings: Python's
  ``$`` also matches before a final newline, its ``\\s`` also matches \\x1c-\\x1f, its ``{,n}`` is
  ``{0,n}``, a ``]`` first in a class is a member. What the two read differently and cannot be
  rewritten simply (``\\w``, ``\\b``, back-references, lookaround, nested classes) is refused,
  and the shape stays with the per-node engine. (pySHACL reads only the flags "i" and "m".)
- a range test compares numbers in SPARQL and leaves any other literal UNDECIDED;
  ``range_holds`` then decides it with pySHACL's own comparison (rdflib's order: a boolean is a
  number, a gYear compares with a date; a string only with a string; an error is a failure).

``tests/test_core.py`` checks each of these against pySHACL.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH

from ipbes_kg.validate.shapeterms import Refused

_PY_SPACE = r"\s\x1c-\x1f"  # Python's \s also matches \x1c-\x1f (str.isspace), Rust's not


def python_regex(pattern: str) -> str:
    """A Python ``re`` pattern as a Rust ``regex`` one that matches the same strings."""
    if "(?" in pattern:
        raise Refused("lookaround or an inline flag in a sh:pattern")
    out, escaped, opened = [], False, -1  # opened: where the open class's members start
    for n, char in enumerate(pattern):
        in_class = opened >= 0
        if escaped:
            escaped = False
            if char in "Z123456789wWbB" or (in_class and char == "S"):
                raise Refused(f"\\{char} in a sh:pattern (Python and Rust read it differently)")
            if char in "sS" and not in_class:
                out.append(f"[{_PY_SPACE}]" if char == "s" else f"[^{_PY_SPACE}]")
            else:
                out.append(_PY_SPACE if char == "s" else "\\" + char)
        elif char == "\\":
            escaped = True
        elif in_class:
            if char == "]" and n == opened:
                out.append("\\]")  # first in a class, "]" is a member
            elif char == "[" or pattern[n : n + 2] in ("&&", "--", "~~"):
                raise Refused("a class Rust reads as a nested class or a set operation")
            else:
                opened = -1 if char == "]" else opened
                out.append(char)
        elif char == "[":
            opened = n + 1 + (pattern[n + 1 : n + 2] == "^")
            out.append(char)
        elif char == "{" and pattern[n + 1 : n + 2] == ",":
            out.append("{0")  # Python's {,n} is {0,n}
        elif char == "$":
            out.append("\\n?$")  # Python's $ also matches before a final newline
        else:
            out.append(char)
    return "".join(out)


UNDECIDED = ox.Literal("undecided")  # a test's value when Python must decide (range_holds)
UNDECIDED_TEXT = '"undecided"'


def range_holds(value: ox.Literal, parameter: rdflib.URIRef, bound: rdflib.Literal) -> bool:
    """Whether a literal that is not a number passes a range, as pySHACL 0.40 decides it
    (constraints/core/value_range_constraints.py): rdflib's order (a boolean is a number, a
    gYear compares with a date), a string only with a string, an error is a failure."""
    from pyshacl.rdfutil.compare import compare_literal

    from ipbes_kg.rdf.reader import rdflib_term

    term = rdflib_term(value)
    if not isinstance(term, rdflib.Literal):
        return False
    if isinstance(term.value, str) != isinstance(bound.value, str):
        return False
    try:
        order: int = compare_literal(term, bound)  # type: ignore[no-untyped-call]
    except (TypeError, NotImplementedError):
        return False
    return {
        SH.minInclusive: order >= 0, SH.minExclusive: order > 0,
        SH.maxInclusive: order <= 0, SH.maxExclusive: order < 0,
    }[parameter]  # fmt: skip
