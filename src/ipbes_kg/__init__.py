"""ipbes-kg: the linked-data knowledge graph of IPBES/7/2, as a Python library and a CLI.

>>> from ipbes_kg import KnowledgeGraph
>>> kg = KnowledgeGraph()
>>> [row["tsuLabel"] for row in kg.query("tsu-hosts", lang="en")][:1]  # doctest: +SKIP
"""

from ipbes_kg.api import KnowledgeGraph
from ipbes_kg.errors import UserError
from ipbes_kg.query.answer import Answer

__all__ = ["Answer", "KnowledgeGraph", "UserError", "__version__", "load"]


def __getattr__(name: str) -> object:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("ipbes-kg")
        except PackageNotFoundError:  # a source tree that is not installed
            return "0+unknown"
    if name == "load":  # the loader: ipbes_kg.store (HTTP client and payloads)
        from ipbes_kg.store import load

        return load
    raise AttributeError(name)
