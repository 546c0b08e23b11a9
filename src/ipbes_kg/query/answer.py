"""The answer to a query as a Python object: rows of plain values for notebooks, terms for RDF
work, and the CLI's text formats — one object, so the API and the CLI cannot disagree.
"""

from collections.abc import Iterator

import pyoxigraph as ox

from ipbes_kg.query.catalog import CannedQuery
from ipbes_kg.query.formats import render
from ipbes_kg.query.results import AskResult, GraphResult, Result, SelectResult
from ipbes_kg.rdf.terms import Term, python_value

Row = dict[str, object]


class Answer:
    """What a query returned.

    - SELECT: iterate for one ``dict`` per row (variable → str, int, Decimal, float, bool,
      ``datetime.date``…; unbound variables are left out), ``.variables`` for the columns,
      ``.terms()`` for the RDF terms;
    - ASK: ``.boolean`` (and ``bool(answer)``);
    - CONSTRUCT/DESCRIBE: ``.triples`` (pyoxigraph triples); iterating yields one
      ``{"subject": …, "predicate": …, "object": …}`` dict of plain values per triple;
    - every form: ``.serialize(fmt)`` gives the text ``ipbes-kg query -f fmt`` prints.
    """

    def __init__(self, query: CannedQuery, result: Result) -> None:
        self.query = query
        self.result = result

    @property
    def form(self) -> str:
        if isinstance(self.result, SelectResult):
            return "SELECT"
        if isinstance(self.result, AskResult):
            return "ASK"
        return self.query.form if self.query.form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT"

    @property
    def variables(self) -> list[str]:
        return list(self.result.variables) if isinstance(self.result, SelectResult) else []

    @property
    def boolean(self) -> bool | None:
        return self.result.value if isinstance(self.result, AskResult) else None

    @property
    def triples(self) -> list[ox.Triple]:
        return list(self.result.triples) if isinstance(self.result, GraphResult) else []

    def terms(self) -> list[dict[str, Term]]:
        """SELECT rows as RDF terms (pyoxigraph NamedNode, BlankNode, Literal)."""
        return (
            [dict(row) for row in self.result.rows] if isinstance(self.result, SelectResult) else []
        )

    def rows(self) -> list[Row]:
        return list(self)

    def __iter__(self) -> Iterator[Row]:
        if isinstance(self.result, SelectResult):
            for row in self.result.rows:
                yield {name: python_value(term) for name, term in row.items()}
        elif isinstance(self.result, GraphResult):
            for t in self.result.triples:
                yield {
                    "subject": python_value(t.subject),
                    "predicate": python_value(t.predicate),
                    "object": python_value(t.object),
                }

    def __len__(self) -> int:
        if isinstance(self.result, SelectResult):
            return len(self.result.rows)
        if isinstance(self.result, GraphResult):
            return len(self.result.triples)
        return 1

    def __bool__(self) -> bool:
        if isinstance(self.result, AskResult):
            return self.result.value
        return len(self) > 0

    def serialize(self, fmt: str = "table", width: int | None = None) -> str:
        """The answer as text: table, md, csv, tsv, json, xml (SPARQL results) or ttl."""
        return render(self.result, fmt, width)

    def __repr__(self) -> str:
        size = f"boolean={self.boolean}" if self.form == "ASK" else f"{len(self)} rows"
        return f"<Answer {self.query.name} {self.form} {size}>"
