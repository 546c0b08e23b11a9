"""A static website of the knowledge graph: every IRI a page, the report annotated.

``build_site(store, home, out)`` writes, from a pyoxigraph store holding the vocabulary and the
data, one page per IRI (at the path the IRI names, with Turtle and JSON-LD beside it), the
report paragraph by paragraph, the vocabulary documentation, diagrams and the canned queries,
plus the w3id.org redirect rules; ``serve(folder, port)`` serves a built site on 127.0.0.1 with
the same content negotiation. The ``ipbes-kg site`` command (``command.py``) wraps both.
"""

from ipbes_kg.site.builder import SiteResult, build_site
from ipbes_kg.site.serve import serve

__all__ = ["SiteResult", "build_site", "serve"]
