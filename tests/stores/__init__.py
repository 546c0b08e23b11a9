"""Real stores for the test suite beside Oxigraph: Virtuoso (a server) and Jena ARQ (a CLI)."""
