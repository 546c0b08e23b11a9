"""Where each IRI lives in the website, and relative links between pages.

The site mirrors the IRIs: ``https://w3id.org/ipbes-kg/id/tsu/ilk`` is the folder ``id/tsu/ilk/``
with ``index.html``, and ``id/tsu/ilk.ttl`` / ``id/tsu/ilk.jsonld`` beside it, so the redirect
rules of w3id.org (and the local server) are one pattern for every IRI. Hash IRIs
(``…/ontology#Decision``) live on the page of their document at the fragment. Links between pages
are relative and name ``index.html`` explicitly, so the folder works on any host, under any path,
and from ``file://``.
"""

import posixpath
import re

BASE = "https://w3id.org/ipbes-kg/"
# A path we are willing to create: plain ASCII segments, no "..", no empty segment.
_SAFE = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$")


def local_name(iri: str) -> str | None:
    """The part of ``iri`` after the site's base, if it can be a folder of the site."""
    if not iri.startswith(BASE):
        return None
    local = iri[len(BASE) :]
    if "#" in local:
        return None
    return local if _SAFE.match(local) else None


def split_fragment(iri: str) -> tuple[str, str]:
    """``(document IRI, fragment)``; the fragment is empty for an IRI without ``#``."""
    document, _, fragment = iri.partition("#")
    return document, fragment


def page_path(local: str) -> str:
    """The HTML page of a site-local name, relative to the site root."""
    return f"{local}/index.html"


def data_path(local: str, extension: str) -> str:
    """The ``.ttl`` or ``.jsonld`` file beside the page folder of a site-local name."""
    return f"{local}.{extension}"


def relative(target: str, here: str) -> str:
    """A link from the page file ``here`` to the file ``target`` (both relative to the root)."""
    target_path, hash_mark, fragment = target.partition("#")
    start = posixpath.dirname(here) or "."
    link = posixpath.relpath(target_path, start) if target_path else posixpath.basename(here)
    return link + hash_mark + fragment
