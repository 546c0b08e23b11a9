"""ipbes-kg: the linked-data knowledge graph of IPBES/7/2."""


def __getattr__(name: str) -> str:
    # The version is read from the package metadata only when asked for: importlib.metadata
    # is slow to import and every command would pay for it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("ipbes-kg")
        except PackageNotFoundError:  # a source tree that is not installed
            return "0+unknown"
    raise AttributeError(name)
