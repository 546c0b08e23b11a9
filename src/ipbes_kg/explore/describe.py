"""One canned query explained: description, parameters (type, default), a command line that
runs it, and its SPARQL — what ``ipbes-kg queries NAME`` prints.

A required parameter with no default gets an example value taken from the graph: the query's
own WHERE group is asked for a value of that variable, so the example always gives rows.
"""

import textwrap

import pyoxigraph as ox

from ipbes_kg.query import sparql_text
from ipbes_kg.query.catalog import XSD, CannedQuery, Parameter
from ipbes_kg.rdf.names import curie


def _where_group(text: str) -> tuple[int, int] | None:
    """Offsets of the WHERE group's braces (after '{', at '}')."""
    try:
        start = sparql_text.where_body_offset(text)
    except ValueError:
        return None
    depth = 1
    for kind, _, offset in sparql_text.tokens(text[start:]):
        depth += {"open": 1, "close": -1}.get(kind, 0)
        if depth == 0:
            return start, start + offset
    return None


def example_value(query: CannedQuery, param: Parameter, store: ox.Store) -> str | None:
    """A value of ``param`` for which the query's WHERE group has a solution."""
    group = _where_group(query.text)
    form_at = next(
        (
            o
            for k, v, o in sparql_text.tokens(query.text)
            if k == "word" and v.upper() == query.form
        ),
        None,
    )
    if group is None or form_at is None:
        return None
    prologue = query.text[:form_at]
    body = query.text[group[0] : group[1]]
    probe = (
        f"{prologue}SELECT ?{param.variable} WHERE {{{body}}} ORDER BY ?{param.variable} LIMIT 1"
    )
    try:
        answer = store.query(probe)
    except (SyntaxError, OSError):
        return None
    for solution in answer if isinstance(answer, ox.QuerySolutions) else []:
        term = solution[param.variable]
        if isinstance(term, ox.NamedNode):
            return curie(term.value)
        if isinstance(term, ox.Literal):
            return term.value
    return None


def _kind(param: Parameter) -> str:
    if param.kind.startswith("lang:"):
        return f"string @{param.kind[5:]}"
    if param.kind.startswith(XSD):
        return "xsd:" + param.kind.removeprefix(XSD)
    return param.kind


def example(query: CannedQuery, store: ox.Store | None = None) -> str:
    """A command line that runs the query: required parameters with defaults or examples."""
    words = ["ipbes-kg", "query", query.name]
    for param in query.parameters:
        if param.name == "lang":
            words += ["--lang", "zh"]
        elif param.required:
            value = example_value(query, param, store) if store is not None else None
            words += ["-p", f"{param.name}={value or 'VALUE'}"]
    return " ".join(words)


def describe(query: CannedQuery, store: ox.Store | None = None, width: int = 100) -> str:
    """The text of ``ipbes-kg queries NAME``."""
    out = [f"{query.name}: {query.summary}" if query.summary else query.name, ""]
    if query.description:
        out += [*textwrap.wrap(query.description, width), ""]
    out.append("parameters:" if query.parameters else "parameters: none")
    for p in query.parameters:
        need = "required" if p.required else "optional"
        default = f", default {p.default}" if p.default is not None else ""
        out.append(f"  {p.name}  ({_kind(p)}, {need}{default}; ?{p.variable})")
    if query.tags:
        out.append(f"tags: {', '.join(query.tags)}")
    out += ["", "example:", "  " + example(query, store), "", f"SPARQL ({query.path.name}):", ""]
    out.append(query.text.rstrip("\n"))
    return "\n".join(out) + "\n"
