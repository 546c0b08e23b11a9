"""The Python API: ``KnowledgeGraph`` is the product; every CLI command is a thin wrapper on it.

In the manner of sqlite-utils' ``Database``: make one object for a graph (the packaged copy, or
a checkout), then ask it questions. The in-process store is loaded once, on first use, and
reused by every query.

>>> from ipbes_kg import KnowledgeGraph
>>> kg = KnowledgeGraph()
>>> answer = kg.query("tsu-count")
>>> answer.boolean
True
"""

import os
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ipbes_kg.errors import UserError
from ipbes_kg.home import Home, find_home
from ipbes_kg.query import catalog
from ipbes_kg.query.answer import Answer
from ipbes_kg.query.catalog import CannedQuery
from ipbes_kg.query.engine import check_read_only, run_embedded
from ipbes_kg.query.params import LANGS, bind, warn_unknown_iris
from ipbes_kg.rdf.reader import load_store

if TYPE_CHECKING:  # both import rdflib and pySHACL (~0.3 s), which queries never need
    from ipbes_kg.explore.entity import Entity
    from ipbes_kg.explore.search import Hit
    from ipbes_kg.release.build import BuildResult
    from ipbes_kg.validate import Report

PathLike = str | os.PathLike[str]


class KnowledgeGraph:
    """The IPBES/7/2 knowledge graph: vocabulary and data, its shapes and canned queries.

    ``KnowledgeGraph()`` uses the checkout you stand in (the nearest folder upwards with
    ``ontology/`` and ``data/``), else the packaged copy; ``KnowledgeGraph(home=PATH)`` or
    ``$IPBES_KG_HOME`` names a folder explicitly.
    """

    def __init__(self, home: PathLike | Home | None = None) -> None:
        self.home = home if isinstance(home, Home) else find_home(home)

    def __repr__(self) -> str:
        return f"KnowledgeGraph(home={str(self.home.root)!r})"

    @cached_property
    def store(self) -> ox.Store:
        """The vocabulary and data in an in-memory pyoxigraph store (loaded on first use)."""
        return load_store(self.home.graph_files())

    def queries(self) -> list[CannedQuery]:
        """The canned queries, by name."""
        return catalog.list_queries(self.home.queries)

    def prepare(self, name_or_sparql: str) -> CannedQuery:
        """A canned query by name, a ``.rq`` file by path, or SPARQL text.

        An own query (a file or text not in ``queries/``) gets PREFIX declarations for the
        project prefixes it uses without declaring them (an explicit PREFIX wins); they go on
        its first line, so syntax errors keep their line:column (see ``catalog``).
        """
        if any(c in name_or_sparql for c in "{\n") or name_or_sparql.lstrip()[:6].upper() in (
            "PREFIX", "SELECT", "ASK", "CONSTR", "DESCRI", "BASE"
        ):  # fmt: skip
            canned = catalog.parse_query(name_or_sparql, Path("<query>"), "<query>")
        else:
            canned = catalog.resolve(name_or_sparql, self.home.queries)
        if self._is_own(canned):
            canned, shift = catalog.with_project_prefixes(canned)
            _check_syntax(canned, shift)
        return canned

    def _is_own(self, canned: CannedQuery) -> bool:
        try:
            return canned.path.resolve().parent != self.home.queries.resolve()
        except OSError:
            return True

    @cached_property
    def languages(self) -> tuple[str, ...]:
        """The language tags of the graph's labels (what ``lang`` may be)."""
        found = self.store.query(_LANGUAGES)
        assert isinstance(found, ox.QuerySolutions)
        return tuple(str(row[0].value) for row in found if row[0] is not None and row[0].value)

    def query(
        self,
        name_or_sparql: str,
        lang: str | None = None,
        *,
        params: Mapping[str, object] | None = None,
        endpoint: str | None = None,
        graph: str | None = None,
        timeout: float = 30.0,
        **keyword_params: object,
    ) -> Answer:
        """Run a canned query (by name), a ``.rq`` file or SPARQL text; parameters by keyword.

        ``lang`` ("en" or "zh") sets the query's ``lang`` parameter. Parameters come as
        keywords (``entity="tsu:ilk"``) or as a ``params`` mapping (for names that clash with
        this method's own); IRI parameters take CURIEs or full IRIs. With ``endpoint`` the query runs on that SPARQL
        endpoint (``graph`` names the default graph there) instead of in-process.
        """
        canned = self.prepare(name_or_sparql)
        given = {name: _text(value) for name, value in {**(params or {}), **keyword_params}.items()}
        langs = LANGS if endpoint else self.languages
        if lang is not None:
            if lang not in langs:
                raise UserError(f"lang {lang!r}: the graph's labels are in {', '.join(langs)}")
            if canned.parameter("lang") is not None:
                given.setdefault("lang", lang)
        lang_param = canned.parameter("lang")
        if lang_param is not None and lang_param.default is None and "lang" not in given:
            given["lang"] = "en"  # an own query's ?__lang without '#+ defaults': English
        if "lang" in given and given["lang"] not in langs:
            raise UserError(
                f"{canned.name}: lang={given['lang']!r}: the graph's labels are in {', '.join(langs)}"
            )
        bindings = bind(canned, given)
        if not endpoint:
            warn_unknown_iris(canned, bindings, self.store)
        if endpoint:
            from ipbes_kg.query.remote import run_remote

            result = run_remote(canned, bindings, endpoint, timeout, graph)
        else:
            result = run_embedded(canned, bindings, self.store)
        return Answer(canned, result)

    def search(self, text: str, limit: int | None = 20) -> "list[Hit]":
        """Entities whose labels (zh, en), alternative labels, notations, identifiers or IRI
        local names contain ``text``, ranked exact, prefix, word start, substring."""
        from ipbes_kg.explore.search import search

        return search(self.store, text, limit)

    def entity(self, name: str) -> "Entity":
        """Everything about one entity: a CURIE, an IRI, or a name ``search`` resolves to one."""
        from ipbes_kg.explore.entity import entity

        return entity(self.store, name)

    def validate(
        self,
        files: Iterable[PathLike] | None = None,
        *,
        shapes: Iterable[PathLike] = (),
        engine: str = "turbo",
    ) -> "Report":
        """Validate the graph, or ``files`` in the context of the graph, against the shapes.

        The same call as ``ipbes-kg validate``: given files of the graph are validated with the
        rest of it as context and only results about their entities are kept; accepted results
        come from the baseline (``ontology/accepted-results.json``).
        """
        from ipbes_kg.validate.gate import validate_home

        return validate_home(self.home, files or (), shapes, engine)

    def build(self, out: PathLike) -> "BuildResult":
        """Write the release artefacts into ``out``."""
        from ipbes_kg.release.build import build

        return build(self.home, Path(out))


_LANGUAGES = """SELECT DISTINCT (LANG(?l) AS ?lang)
WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?lang"""


def _check_syntax(canned: CannedQuery, shift: int) -> None:
    """Parse an own query before binding (on an empty store), so a syntax error points at the
    user's line:column, not at the text with parameters bound."""
    check_read_only(canned)  # an update is refused as such, not as a syntax error
    if "SERVICE" in canned.text.upper():
        return
    try:
        ox.Store().query(canned.text)
    except SyntaxError as exc:
        raise catalog.syntax_error(canned, str(exc), shift) from None


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
