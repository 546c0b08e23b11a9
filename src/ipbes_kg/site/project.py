"""The seam between the website and the rest of ipbes_kg: every name the site takes from the
project is imported here and nowhere else in ``ipbes_kg.site``.

The package around the site is being reorganised (issue #12); when it moves, this file is the
one to change. On the new layout the same names come from ``ipbes_kg.home`` (Home),
``ipbes_kg.rdf.names`` (PREFIXES, IPBES, CODE, curie), ``ipbes_kg.rdf.reader`` (load_store),
``ipbes_kg.query.catalog`` (CannedQuery, list_queries, XSD), ``ipbes_kg.query.params`` (bind),
``ipbes_kg.query.binding`` (bound_text, for with_values), ``ipbes_kg.query.engine``
(run_embedded), ``ipbes_kg.query.results`` (the result records), ``ipbes_kg.query.formats``
(render) and ``ipbes_kg.cli._home`` (home_of).
"""

from ipbes_kg.catalog import XSD, CannedQuery, list_queries
from ipbes_kg.commands import home_of
from ipbes_kg.errors import UserError
from ipbes_kg.namespaces import CODE, IPBES, PREFIXES, curie
from ipbes_kg.query import bind, load_store, run_embedded, with_values
from ipbes_kg.resources import Home
from ipbes_kg.results import AskResult, GraphResult, SelectResult, render

__all__ = [
    "CODE",
    "IPBES",
    "PREFIXES",
    "XSD",
    "AskResult",
    "CannedQuery",
    "GraphResult",
    "Home",
    "SelectResult",
    "UserError",
    "bind",
    "curie",
    "home_of",
    "list_queries",
    "load_store",
    "render",
    "run_embedded",
    "with_values",
]
