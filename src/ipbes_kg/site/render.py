"""Terms as HTML, and pages from the Jinja templates shipped in this package.

One Renderer knows which IRIs have a page on the site, so a value links to its page when it has
one, to the outside world when it is an external IRI, and is plain text otherwise (never a
broken link). Labels are shown in both languages, each in an element with its ``lang``
attribute, so screen readers and fonts pick the right language. Templates autoescape; the few
HTML fragments built here escape every piece of text themselves and are passed as Markup.
"""

import re
from collections.abc import Iterable
from html import escape
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ipbes_kg.site.model import Graph, Term, display_iri, page_local
from ipbes_kg.site.paths import BASE, page_path, relative, split_fragment
from ipbes_kg.site.project import curie

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# A run of Chinese text (ideographs with the punctuation and digits between them).
_CHINESE = re.compile(
    r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+(?:[\s\d()]*[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]+)*"
)


def tag_chinese(html: str) -> str:
    """Escaped text with each Chinese run inside ``<span lang="zh">`` (English notes quote the
    report's words; screen readers and fonts need to know)."""
    return _CHINESE.sub(lambda m: f'<span lang="zh">{m.group()}</span>', html)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ipbes_kg.site", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["zh"] = lambda text: Markup(tag_chinese(escape(str(text))))
    return env


class Renderer:
    """Links and labels for the pages of one site."""

    def __init__(self, graph: Graph, pages: Iterable[str], anchors: Iterable[str]) -> None:
        self.graph = graph
        self.pages = set(pages)  # site-local names that have a page
        self.anchors = set(anchors)  # hash IRIs that have an anchor on their document's page
        self.env = environment()

    # --- links -------------------------------------------------------------------------------

    def target(self, term: Term) -> str | None:
        """The site file (with fragment) that shows ``term``, relative to the root."""
        local = page_local(term)
        if local is None or local not in self.pages or not isinstance(term, ox.NamedNode):
            return None
        _, fragment = split_fragment(term.value)
        if fragment and term.value not in self.anchors:
            return None
        return page_path(local) + (f"#{fragment}" if fragment else "")

    def href(self, term: Term, here: str) -> str | None:
        target = self.target(term)
        if target is not None:
            return relative(target, here)
        if (
            isinstance(term, ox.NamedNode)
            and term.value.startswith(("http://", "https://"))
            and not term.value.startswith(BASE)
        ):
            return term.value
        return None

    def name(self, term: Term) -> Markup:
        """The term's labels in both languages (or its CURIE), each tagged with its language."""
        parts = []
        for lang in ("en", "zh"):
            label = self.graph.label(term, lang)
            if label:
                parts.append(f'<span lang="{lang}">{escape(label)}</span>')
        if not parts and isinstance(term, ox.NamedNode) and "#" in term.value:
            document, fragment = split_fragment(term.value)  # a provenance row of an entity
            owner = ox.NamedNode(document)
            if self.graph.label(owner, "en") or self.graph.label(owner, "zh"):
                return Markup("{} <code>#{}</code>").format(self.name(owner), fragment)
        if not parts:
            parts.append(f"<code>{escape(self.graph.any_label(term))}</code>")
        return Markup(" · ".join(parts))

    def link(self, term: Term, here: str) -> Markup:
        if isinstance(term, ox.Literal):
            return self.literal(term)
        href = self.href(term, here)
        inner = self.name(term)
        if href is None:
            return inner
        external = ' rel="external"' if href.startswith(("http://", "https://")) else ""
        return Markup(f'<a href="{escape(href)}"{external}>{inner}</a>')

    def predicate(self, term: ox.NamedNode, here: str) -> Markup:
        """A property: its CURIE, linked to its documentation; its English label as a title."""
        href = self.href(term, here)
        text = escape(curie(term.value).strip("<>"))
        label = self.graph.label(term, "en")
        title = f' title="{escape(label)}"' if label else ""
        if href is None:
            return Markup(f"<code{title}>{text}</code>")
        return Markup(f'<a href="{escape(href)}"{title}><code>{text}</code></a>')

    @staticmethod
    def literal(term: ox.Literal) -> Markup:
        if term.language:
            text = escape(term.value)
            if not term.language.startswith("zh"):
                text = tag_chinese(text)
            return Markup(f'<span lang="{escape(term.language)}">{text}</span>')
        datatype = term.datatype.value
        if datatype in (XSD_STRING, LANGSTRING):
            return Markup(tag_chinese(escape(term.value)))
        kind = escape(display_iri(term.datatype))
        return Markup(f'{escape(term.value)} <small class="datatype">{kind}</small>')

    # --- pages -------------------------------------------------------------------------------

    def page(self, template: str, here: str, **context: Any) -> bytes:
        """A page rendered from ``template``; ``here`` is its path from the site root."""
        root = relative("index.html", here).removesuffix("index.html")
        html = self.env.get_template(template).render(
            here=here, root=root, link=lambda t: self.link(t, here), **context
        )
        return html.encode("utf-8")
