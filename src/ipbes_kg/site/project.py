"""The seam between the website and the rest of ipbes_kg: every name the site takes from the
project is imported here and nowhere else in ``ipbes_kg.site``.

When the rest of the package moves, this file is the one to change.
"""

from ipbes_kg.cli._home import home_of
from ipbes_kg.errors import UserError
from ipbes_kg.home import Home
from ipbes_kg.query.binding import bound_text as with_values
from ipbes_kg.query.catalog import XSD, CannedQuery, list_queries
from ipbes_kg.query.engine import run_embedded
from ipbes_kg.query.formats import render
from ipbes_kg.query.params import bind
from ipbes_kg.query.results import AskResult, GraphResult, SelectResult
from ipbes_kg.rdf.names import CODE, IPBES, PREFIXES, curie
from ipbes_kg.rdf.reader import load_store

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
