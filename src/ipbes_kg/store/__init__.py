"""Loading the graph into SPARQL 1.1 stores: ``load(endpoint, files, ...) -> LoadResult``.

Modules by concern: ``target`` (URLs per kind of store), ``payload`` (what to send), ``gsp``
(Graph Store Protocol and SPARQL Update requests), ``loading`` (send, swap, count, verify).
"""

from ipbes_kg.store.loading import PROTOCOLS, CountMismatch, LoadResult, load
from ipbes_kg.store.target import STORES

__all__ = ["PROTOCOLS", "STORES", "CountMismatch", "LoadResult", "load"]
