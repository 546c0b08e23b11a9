"""Where each statement of a Turtle file is written: subject, predicate and object positions.

The strict parser (pyoxigraph) gives triples without positions, so a result could only point at
the line where its focus node first starts a statement, often many lines away from the
property to fix. This scanner reads the text of a file that the strict parser has already
accepted and records the line and column of every subject, every (subject, predicate) and every
(subject, predicate, object IRI), and where the comments are (``fmt`` must not lose them).
It is a tokenizer with a small state machine, not a second parser: it trusts the file to be
valid Turtle and never reports errors of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_TOKEN = re.compile(
    r"""
    (?P<lead>[ \t\r\n]*)
    (?:(?P<comment>\#[^\n]*)
    |(?P<iri><[^>\s]*>)
    |(?P<lstring>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*''')
    |(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    |(?P<dtype>\^\^)
    |(?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w:%\-]|\\.|\.(?=[\w:%\-\\]))*)
    |(?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    |(?P<punct>[;,.\[\]()])
    |(?P<word>[A-Za-z_][\w-]*)
    |(?P<other>.)
    |(?P<end>\Z))
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)")

# directive keyword -> its number of tokens, keyword included
_DIRECTIVE_LENGTH = {"@prefix": 4, "prefix": 3, "@base": 3, "base": 2}

Position = tuple[int, int]  # line, column (both from 1)


@dataclass
class Positions:
    """Positions in one file, by IRI; the first occurrence wins where a key repeats."""

    starts: list[tuple[str, int, int]] = field(default_factory=list)  # subject IRI, line, column
    typed: list[tuple[str, int, int]] = field(default_factory=list)  # starts that state a type
    predicates: dict[tuple[str, str], Position] = field(default_factory=dict)
    objects: dict[tuple[str, str, str], Position] = field(default_factory=dict)
    comments: list[tuple[int, int, str]] = field(default_factory=list)
    first_statement: int | None = None  # line of the first directive or statement
    prefixes: dict[str, str] = field(default_factory=dict)  # as declared, last one wins


@dataclass
class _Frame:
    subject: str | None  # None: a blank node
    state: str  # "subject", "predicate", "object", "after"
    predicate: str | None = None
    collection: int = 0  # depth inside ( … ) lists


def scan(text: str) -> Positions:
    """The positions of the statements and comments of ``text`` (valid Turtle)."""
    found = Positions()
    prefixes = found.prefixes
    stack = [_Frame(None, "subject")]
    directive: list[str] = []  # tokens of a @prefix / PREFIX / @base / BASE being read
    line, line_start = 1, 0
    suffix = ""  # "literal": a @lang or ^^ may follow; "datatype": the datatype IRI follows
    start_at: tuple[str, int, int] | None = None  # the statement being read, until it is typed

    def iri_of(kind: str, value: str) -> str | None:
        if kind == "iri":
            return _ESCAPE.sub(r"\1", value[1:-1]) if "\\" in value else value[1:-1]
        if kind == "pname":
            prefix, _, local = value.partition(":")
            namespace = prefixes.get(prefix)
            if namespace is None:
                return None
            return namespace + (_ESCAPE.sub(r"\1", local) if "\\" in local else local)
        if kind == "word" and value == "a":
            return RDF_TYPE
        return None

    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        lead = match.group("lead")
        if "\n" in lead:
            line += lead.count("\n")
            line_start = match.start() + lead.rindex("\n") + 1
        if kind == "end" or kind == "lead":
            continue
        value = match.group(kind)
        start = match.start(kind)
        column = start - line_start + 1
        here = line
        if kind in ("lstring", "string") and "\n" in value:
            line += value.count("\n")
            line_start = start + value.rindex("\n") + 1
        if kind == "comment":
            found.comments.append((here, column, value))
            continue
        if found.first_statement is None:
            found.first_statement = here
        if directive:
            directive.append(value)
            if directive[0].lower().endswith("prefix") and len(directive) == 3:
                prefixes[directive[1][:-1]] = _ESCAPE.sub(r"\1", value[1:-1])
            if len(directive) == _DIRECTIVE_LENGTH[directive[0].lower()]:
                directive = []
            continue
        frame = stack[-1]
        if len(stack) == 1 and frame.state == "subject" and value.lower() in _DIRECTIVE_LENGTH:
            directive = [value]
            continue
        if suffix:
            if suffix == "datatype" or kind == "at":
                suffix = ""
                continue
            suffix = ""
            if kind == "dtype":
                suffix = "datatype"
                continue
        if frame.collection:
            if value == "(":
                frame.collection += 1
            elif value == ")":
                frame.collection -= 1
                if not frame.collection:
                    frame.state = "predicate" if frame.state == "subject" else "after"
            continue
        if kind == "punct":
            if value == "[":
                # a blank node: as subject, its own predicates follow the ']'; else an object
                frame.state = "bnode-subject" if frame.state == "subject" else "after"
                stack.append(_Frame(None, "predicate"))
            elif value == "]":
                if len(stack) > 1:
                    stack.pop()
                parent = stack[-1]
                if parent.state == "bnode-subject":
                    parent.subject, parent.state = None, "predicate"
            elif value == "(":
                frame.collection = 1
            elif value == ",":
                frame.state = "object"
            elif value == ";":
                frame.state = "predicate"
            elif value == ".":
                stack = [_Frame(None, "subject")]
            continue
        term = iri_of(kind, value)
        if frame.state == "subject":
            frame.subject, frame.state = term, "predicate"
            start_at = None
            if term is not None:
                start_at = (term, here, column)
                found.starts.append(start_at)
        elif frame.state == "predicate":
            frame.predicate, frame.state = term, "object"
            if frame.subject is not None and term is not None:
                found.predicates.setdefault((frame.subject, term), (here, column))
                if term == RDF_TYPE and start_at is not None and len(stack) == 1:
                    found.typed.append(start_at)
                    start_at = None
        elif frame.state == "object":
            frame.state = "after"
            if kind in ("string", "lstring"):
                suffix = "literal"
            elif frame.subject is not None and frame.predicate is not None and term is not None:
                found.objects.setdefault((frame.subject, frame.predicate, term), (here, column))
    return found
