"""Reading the graph without writing SPARQL: find an entity by name (``search``) and see all
the graph says about it (``entity``), in Chinese and English side by side."""
