"""Just enough SPARQL lexing to read a query's shape without a full parser.

Comments, strings and IRIs are skipped so a ``{`` or ``?_x`` inside them is never mistaken
for syntax. Used to find the query form, the BASIL parameters and where to put a VALUES block.
"""

import re
from collections.abc import Iterator

# Variables: \w stands for SPARQL's PN_CHARS_U and digits (a literal range up to \uffff would
# cost every command ~6 ms to compile).
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<word>[A-Za-z][A-Za-z0-9_-]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<other>\S)
    """,
    re.VERBOSE,
)

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, offset) for every token; comments included, whitespace dropped."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        yield kind, match.group(), match.start()


def operation(text: str) -> str:
    """The first keyword after the prologue: SELECT, ASK, …, or an update keyword; '' if none."""
    for kind, value, _ in tokens(text):
        if kind != "word":
            continue
        upper = value.upper()
        if upper in QUERY_FORMS or upper in UPDATE_KEYWORDS:
            return upper
    return ""


def variables(text: str) -> list[str]:
    """Variable names (without ? or $) in order of first use, outside comments and strings."""
    seen: dict[str, None] = {}
    for kind, value, _ in tokens(text):
        if kind == "var":
            seen.setdefault(value[1:], None)
    return list(seen)


def where_body_offset(text: str) -> int:
    """Offset just after the ``{`` that opens the query's WHERE group."""
    form = ""
    depth = 0
    template_done = False
    for kind, value, offset in tokens(text):
        if kind == "word" and not form and value.upper() in QUERY_FORMS:
            form = value.upper()
            continue
        if not form:
            continue
        if kind == "word" and value.upper() == "WHERE" and depth == 0:
            template_done = True
        elif kind == "open":
            if depth == 0 and (form != "CONSTRUCT" or template_done):
                return offset + 1
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0 and form == "CONSTRUCT":
                template_done = True
    raise ValueError("query has no WHERE group")
