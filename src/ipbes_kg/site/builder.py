"""``build_site``: the whole website as a pure function of the graph, written atomically.

Every page is rendered into memory first (a few megabytes), then written into a temporary
folder beside the target, which replaces the target in two renames: a failed build leaves the
previous site as it was, and a reader never sees half a site. Nothing depends on the clock, the
machine or the store's internal order (all iteration is sorted), so two builds are identical
byte for byte. A folder that was not built by this function is never replaced.
"""

import posixpath
import shutil
import tempfile
from collections import defaultdict
from functools import partial
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from ipbes_kg.site import diagrams, negotiate, queries, rdfout, report, vocab
from ipbes_kg.site.entities import entity_context
from ipbes_kg.site.model import ONTOLOGY, PARAGRAPH, Graph
from ipbes_kg.site.paths import data_path, local_name, page_path, relative
from ipbes_kg.site.project import Home, UserError
from ipbes_kg.site.provenance import Statements
from ipbes_kg.site.render import Renderer
from ipbes_kg.site.shapes import describe, load_shapes
from ipbes_kg.site.text import paragraph_texts

MARKER = ".ipbes-kg-site"  # marks a folder this builder may replace
FORMATS = [("ttl", "text/turtle", "Turtle"), ("jsonld", "application/ld+json", "JSON-LD")]


class SiteResult(NamedTuple):
    out: Path
    pages: int  # HTML pages
    files: int  # all files
    size: int  # bytes, all files


def _alternates(local: str, here: str) -> list[dict[str, str]]:
    return [
        {"type": media, "href": relative(data_path(local, ext), here), "name": name}
        for ext, media, name in FORMATS
    ]


def _data_files(local: str, triples: list[ox.Triple]) -> dict[str, bytes]:
    return {
        data_path(local, "ttl"): rdfout.turtle(triples),
        data_path(local, "jsonld"): rdfout.jsonld(triples),
    }


def render_site(store: ox.Store, home: Home, base_url: str | None = None) -> dict[str, bytes]:
    """Path (relative to the site root) → content, for every file of the site."""
    graph = Graph.from_store(store)
    shapes = describe(load_shapes(home.shapes_files()))
    texts = paragraph_texts(graph)
    subjects = [s for s in graph.subjects_all() if isinstance(s, ox.NamedNode)]
    locals_ = {s.value: name for s in subjects if (name := local_name(s.value)) is not None}
    st = Statements(graph, lambda iri: iri in locals_, exclude={ONTOLOGY.value})
    r = Renderer(graph, locals_.values(), [*vocab.anchors(graph), *st.anchors()])
    order = report.reading_order(graph)
    out: dict[str, bytes] = {MARKER: b"a website built by 'ipbes-kg site'\n"}
    out["assets/style.css"] = files("ipbes_kg.site").joinpath("static/style.css").read_bytes()
    out[".htaccess"] = negotiate.htaccess(base_url).encode("utf-8")

    # Diagrams first: one dot process draws them all.
    entities = [s for s in subjects if s.value in locals_ and s != ONTOLOGY]
    sources: dict[str, str] = {}
    for subject in entities:
        here = page_path(locals_[subject.value])
        dot = diagrams.neighbourhood(graph, subject, partial(r.href, here=here))
        if dot is not None:
            sources[subject.value] = dot
    programme_here = "programme/index.html"
    sources[""] = diagrams.programme(graph, lambda t: r.href(t, programme_here))
    keys = sorted(sources)
    drawn = dict(zip(keys, diagrams.render([sources[k] for k in keys]), strict=True))

    def page(template: str, here: str, **context: Any) -> None:
        context.setdefault("alternates", [])
        context.setdefault("canonical", None)
        out[here] = r.page(template, here, **context)

    for subject in entities:
        local = locals_[subject.value]
        here = page_path(local)
        context = entity_context(r, st, subject, here, texts)
        paragraph = None
        if graph.is_a(subject, PARAGRAPH) and subject.value in texts:
            text = texts[subject.value]
            paragraph = report.paragraph_context(r, st, subject, text, here, order)
        page(
            "entity.html",
            here,
            alternates=_alternates(local, here),
            canonical=subject.value,
            paragraph=paragraph,
            diagram=_markup(drawn.get(subject.value)),
            **context,
        )
        triples = graph.bounded_description(subject)
        for owned in st.owned.get(subject.value, []):  # its hash IRIs are described with it
            triples += graph.bounded_description(owned)
        out.update(_data_files(local, triples))

    here = page_path("ontology")
    context = vocab.ontology_context(r, here, shapes)
    page(
        "ontology.html",
        here,
        alternates=_alternates("ontology", here),
        canonical=ONTOLOGY.value,
        **context,
    )
    out.update(_data_files("ontology", vocab.vocabulary_triples(graph)))

    canned = queries.all_queries(home)
    for query in canned:
        here = queries.query_page_path(query.name)
        page("query.html", here, **queries.query_context(r, query, store, here))
    here = "queries/index.html"
    rows = [
        {
            "name": q.name,
            "href": relative(queries.query_page_path(q.name), here),
            "summary": q.summary,
            "signature": q.signature(),
        }
        for q in canned
    ]
    page("queries.html", here, title="Canned queries", queries=rows)

    here = "report/index.html"
    page("report.html", here, **report.index_context(r, st, texts, here))
    page("programme.html", programme_here, title="Work programme", diagram=_markup(drawn[""]))

    kinds: dict[str, list[ox.NamedNode]] = defaultdict(list)
    for subject in entities:
        kinds[posixpath.dirname(locals_[subject.value]).replace("/", "-")].append(subject)
    here = "entities/index.html"
    kind_rows = [
        {"name": name, "count": len(members), "items": [r.link(m, here) for m in members]}
        for name, members in sorted(kinds.items())
    ]
    page("entities.html", here, title="Entities", kinds=kind_rows)
    page(
        "home.html",
        "index.html",
        title="IPBES knowledge graph",
        triples=graph.triple_count,
        entities=len(entities),
        paragraphs=len(order),
        classes=len(vocab.terms(graph, vocab.CLASS_TYPES)),
        properties=len(vocab.terms(graph, vocab.PROPERTY_TYPES)),
        shapes=len(shapes),
        queries=len(canned),
        kinds=kind_rows,
    )
    return out


def _markup(svg: str | None) -> Any:
    from markupsafe import Markup

    return Markup(svg) if svg is not None else None


def write_atomically(out: Path, content: dict[str, bytes]) -> None:
    """Replace ``out`` with exactly ``content``; refuse to replace a folder we did not build."""
    out = out.resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UserError(
            f"{out}: exists and is not a site built by ipbes-kg (no {MARKER}); "
            "choose a new or empty folder"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name in sorted(content):
            path = temp / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content[name])
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            out.rename(old / "site")
        temp.rename(out)
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def build_site(store: ox.Store, home: Home, out: Path, base_url: str | None = None) -> SiteResult:
    """Build the website of the graph in ``store`` (vocabulary + data) into ``out``.

    ``home`` gives the shapes and canned queries; ``base_url`` is where the site will be
    hosted, for the w3id.org redirect rules (default: rules for the folder itself).
    """
    content = render_site(store, home, base_url)
    try:
        write_atomically(out, content)
    except OSError as exc:
        raise UserError(f"{out}: cannot write the site ({exc.strerror or exc})") from exc
    return SiteResult(
        out=out,
        pages=sum(1 for name in content if name.endswith(".html")),
        files=len(content),
        size=sum(len(data) for data in content.values()),
    )
