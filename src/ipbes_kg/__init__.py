"""ipbes-kg: the linked-data knowledge graph of IPBES/7/2."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ipbes-kg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
