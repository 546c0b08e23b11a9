"""ipbes-kg site: the website of the graph, built, served and loaded in a real browser.

The browser tests drive Debian's Chromium (headless, through Playwright's driver) against
``ipbes-kg site --serve`` on 127.0.0.1: every page is loaded and must give no console error and
no failed request; every internal link (HTML and SVG anchors, <link> elements, fragments) must
resolve; screenshots must show something. The other tests check the site against the graph
(the store), not against a copy of themselves.
"""

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ipbes_kg.site import build_site
from ipbes_kg.site.builder import MARKER
from ipbes_kg.site.model import Graph
from ipbes_kg.site.paths import BASE, local_name
from ipbes_kg.site.project import Home, UserError, load_store
from ipbes_kg.site.text import locate, paragraph_texts

ROOT = Path(__file__).resolve().parents[1]
SIZE_BUDGET = 15_000_000  # bytes for the whole site; README "Website" states the same figure
_spec = importlib.util.spec_from_file_location("site_browser", ROOT / "tests/site/browser.py")
assert _spec is not None and _spec.loader is not None
browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser)


@pytest.fixture(scope="module")
def store(home: Home) -> ox.Store:
    return load_store(home.graph_files())


@pytest.fixture(scope="module")
def built(home: Home, store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(store, home, out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipbes_kg", "--home", str(ROOT), "site", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


# --- the build -----------------------------------------------------------------------------


def test_two_builds_are_byte_identical(
    home: Home, store: ox.Store, built: Path, tmp_path: Path
) -> None:
    """A second build, by the command in another process with another hash seed, is identical."""
    again = tmp_path / "again"
    done = _cli("--out", str(again), env={"PYTHONHASHSEED": "12345"})
    assert done.returncode == 0, done.stderr
    first, second = _files(built), _files(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    # rebuilding over an existing site replaces it (no stale file survives)
    (again / "id" / "stale.html").write_text("old", encoding="utf-8")
    result = build_site(store, home, again)
    assert not (again / "id" / "stale.html").exists()
    assert _files(again) == second
    assert result.size == sum(len(b) for b in second.values())


def test_size_budget(built: Path) -> None:
    total = sum(len(b) for b in _files(built).values())
    assert total <= SIZE_BUDGET, f"site is {total} bytes, over the budget of {SIZE_BUDGET}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{SIZE_BUDGET // 1_000_000} MB" in readme, "README must state the size budget"


def test_every_iri_has_page_and_data_that_match_the_graph(store: ox.Store, built: Path) -> None:
    graph = Graph.from_store(store)
    subjects = [s for s in graph.subjects_all() if isinstance(s, ox.NamedNode)]
    locals_ = {s.value: local_name(s.value) for s in subjects if local_name(s.value)}
    assert len(locals_) > 300
    for iri, local in sorted(locals_.items()):
        page = built / local / "index.html"
        assert page.is_file(), iri
        html = page.read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{iri}">' in html
        assert 'rel="alternate" type="text/turtle"' in html
        ttl = ox.Store()
        ttl.load(path=str(built / f"{local}.ttl"), format=ox.RdfFormat.TURTLE)
        jsonld = ox.Store()
        jsonld.load(path=str(built / f"{local}.jsonld"), format=ox.RdfFormat.JSON_LD)
        described = {q.triple for q in store if q.subject.value.split("#")[0] == iri}
        if iri == BASE + "ontology":  # the ontology's data file is the whole vocabulary
            assert described <= {q.triple for q in ttl}
            continue
        assert {q.triple for q in ttl} == described, iri  # the entity and its hash IRIs
        assert {q.triple for q in jsonld} == described, iri


def test_nothing_is_loaded_from_outside(built: Path) -> None:
    for name, content in _files(built).items():
        if not name.endswith((".html", ".css")):
            continue
        text = content.decode("utf-8")
        assert "<script" not in text, name
        assert not re.search(
            r"<(?:img|iframe|source|link)[^>]+(?:src|href)=\"https?:",
            text.replace('rel="canonical" href="https', ""),
        ), name
        assert not re.search(r"@import|url\(\s*['\"]?https?:", text), name


def test_paragraph_page_marks_each_quote_and_entities_link_to_it(
    store: ox.Store, built: Path
) -> None:
    graph = Graph.from_store(store)
    texts = paragraph_texts(graph)
    para = "https://w3id.org/ipbes-kg/id/document/IPBES-7-2/para/10b"
    quote = (
        "在教科文组织提供的实物支助下，这一领域的工作继续获得设在教科文组织总部的技术支持小组的支持"
    )
    where = locate(texts[para], quote)
    assert where is not None
    anchor = where[2]
    entity = (built / "id/tsu/ilk/index.html").read_text(encoding="utf-8")
    assert f'href="../../document/IPBES-7-2/para/10b/index.html#{anchor}"' in entity
    page = (built / "id/document/IPBES-7-2/para/10b/index.html").read_text(encoding="utf-8")
    after = page.split(f'<span id="{anchor}"></span>', 1)[1]
    visible = re.sub(r"<[^>]+>", "", after)
    assert re.sub(r"\s", "", visible).startswith(re.sub(r"\s", "", quote))
    assert 'href="../../../../tsu/ilk/index.html"' in page  # linked from the text or the table


def test_paragraph_texts_are_the_graphs(store: ox.Store) -> None:
    graph = Graph.from_store(store)
    texts = paragraph_texts(graph)
    para = "https://w3id.org/ipbes-kg/id/document/IPBES-7-2/para/"
    assert texts[para + "1"].startswith("1. 生物多样性和生态系统服务政府间科学与政策平台")
    assert "\n" in texts[para + "table"]  # the table keeps its lines
    without = Graph(q.triple for q in store if q.predicate.value != "https://schema.org/text")
    with pytest.raises(UserError, match="no text in the graph"):
        paragraph_texts(without)


def test_paragraphs_without_text_are_a_one_line_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    for part in ("ontology", "queries", "data"):
        shutil.copytree(ROOT / part, home / part)
    documents = home / "data" / "documents.ttl"
    kept = [
        q.triple
        for q in ox.parse(path=str(documents), format=ox.RdfFormat.TURTLE)
        if q.predicate.value != "https://schema.org/text"
    ]
    documents.write_bytes(ox.serialize(kept, format=ox.RdfFormat.TURTLE) or b"")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipbes_kg",
            "--home",
            str(home),
            "site",
            "--out",
            str(tmp_path / "s"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and "no text in the graph" in done.stderr
    assert done.stderr.count("\n") == 1
    assert not (tmp_path / "s").exists()


def test_missing_dot_names_the_package(tmp_path: Path) -> None:
    bin_dir = str(Path(sys.executable).parent)
    done = _cli("--out", str(tmp_path / "s"), env={"PATH": bin_dir})
    assert done.returncode == 2, done.stderr
    assert "graphviz" in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    done = _cli("--out", str(tmp_path / "mine"))
    assert done.returncode == 2 and "not a site built by ipbes-kg" in done.stderr
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "mine" / MARKER).exists()


# --- served, in a real browser ------------------------------------------------------------


class Served:
    def __init__(self, process: "subprocess.Popen[str]", base: str, folder: Path) -> None:
        self.process, self.base, self.folder = process, base, folder


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[Served]:
    """``ipbes-kg site --serve DIR --port 0`` in a subprocess on loopback, stopped by PID."""
    process = subprocess.Popen(
        [sys.executable, "-m", "ipbes_kg", "site", "--serve", str(built), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            pytest.fail(
                f"site --serve did not start: {line!r} {process.stderr.read() if process.stderr else ''}"
            )
        yield Served(process, f"http://127.0.0.1:{match.group(1)}/", built)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail("site --serve did not stop on SIGTERM")
        assert code == 0, process.stderr.read() if process.stderr else code


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium (Debian's) with a fresh profile, shared by the browser tests."""
    from playwright.sync_api import sync_playwright

    executable = browser.chromium_path()
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=browser.FLAGS
        )
        try:
            yield context
        finally:
            context.close()


def test_every_page_loads_clean_and_every_internal_link_resolves(
    served: Served, chromium: Any
) -> None:
    pages = sorted(str(p.relative_to(served.folder)) for p in served.folder.rglob("*.html"))
    assert len(pages) > 400
    crawl = browser.visit(chromium, served.base, pages)
    assert crawl.problems == []
    assert len(crawl.facts) == len(pages)
    for url, facts in crawl.facts.items():
        assert facts["h1"] == 1, f"{url}: {facts['h1']} h1 elements"
        assert facts["lang"] == "en" and facts["text"] > 100, url
        assert facts["duplicates"] == 0, f"{url}: {facts['duplicates']} duplicate ids"
        assert facts["untagged"] == [], f"{url}: Chinese text without lang=zh: {facts['untagged']}"
    broken, internal, _external = browser.broken_links(crawl, served.base)
    assert broken == [], f"{len(broken)} broken of {internal}: {broken[:10]}"
    assert internal > 5000


def _kinds(folder: Path) -> dict[str, str]:
    """One IRI of each kind (the folder its IRI names), e.g. id/tsu -> id/tsu/africa."""
    kinds: dict[str, str] = {}
    for page in sorted(folder.rglob("index.html")):
        local = str(page.parent.relative_to(folder))
        if (folder / f"{local}.ttl").is_file():
            kinds.setdefault(os.path.dirname(local) or local, local)
    return kinds


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.mark.parametrize(
    ("accept", "suffix", "media_type"),
    [
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "/", "text/html"),
        ("text/turtle", ".ttl", "text/turtle"),
        ("application/ld+json", ".jsonld", "application/ld+json"),
    ],
)
def test_content_negotiation_for_one_iri_of_each_kind(
    served: Served, accept: str, suffix: str, media_type: str
) -> None:
    kinds = _kinds(served.folder)
    assert {"id/tsu", "id/document/IPBES-7-2/para", "code/status", "ontology"} <= set(kinds)
    no_redirect = urllib.request.build_opener(_NoRedirect)
    for local in kinds.values():
        iri = BASE + local
        request = urllib.request.Request(served.base + local, headers={"Accept": accept})
        with pytest.raises(urllib.error.HTTPError) as seen:
            no_redirect.open(request, timeout=10)
        assert seen.value.code == 303, local
        assert seen.value.headers["Location"] == f"/{local}{suffix}"
        assert "Accept" in seen.value.headers["Vary"]
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Type"].split(";")[0] == media_type, local
            body = response.read()
        if suffix == "/":
            assert f'<link rel="canonical" href="{iri}">' in body.decode("utf-8")
            continue
        store = ox.Store()
        fmt = ox.RdfFormat.TURTLE if suffix == ".ttl" else ox.RdfFormat.JSON_LD
        store.load(body, format=fmt)
        subject = ox.NamedNode(iri)
        assert any(True for _ in store.quads_for_pattern(subject, None, None, None)), local
        if suffix == ".jsonld":
            assert iri in {node.get("@id") for node in json.loads(body)}


def test_screenshots_are_not_blank(served: Served, chromium: Any, tmp_path: Path) -> None:
    for name, path in [
        ("home", "index.html"),
        ("entity", "id/tsu/ilk/index.html"),
        ("paragraph", "id/document/IPBES-7-2/para/10b/index.html"),
    ]:
        stats = browser.screenshot_stats(chromium, served.base + path, tmp_path / f"{name}.png")
        assert (stats["width"], stats["height"]) == (1200, 900), name
        assert stats["colours"] > 50, f"{name}: {stats}"
        assert 0.02 < stats["ink"] < 0.9, f"{name}: {stats}"


def test_the_crawl_catches_what_it_looks_for(chromium: Any, tmp_path: Path) -> None:
    """The checks above can fail: a page with a missing image, a console error and a dead link."""
    from ipbes_kg.site.serve import serve_in_thread

    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title><link rel="icon" href="data:,"></head>'
        '<body><h1>t</h1><img src="missing.png" alt=""><a href="nope/index.html">x</a>'
        '<a href="index.html#nowhere">y</a><script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    server, _ = serve_in_thread(tmp_path, 0)
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        crawl = browser.visit(chromium, base, ["index.html"])
        broken, _, _ = browser.broken_links(crawl, base)
    finally:
        server.shutdown()
        server.server_close()
    assert any("HTTP 404" in p and "missing.png" in p for p in crawl.problems), crawl.problems
    assert any("console error" in p and "boom" in p for p in crawl.problems), crawl.problems
    assert any("nope/index.html" in b for b in broken) and any("nowhere" in b for b in broken)


# --- per-statement provenance and the redirect rules ------------------------------------------


def test_statements_with_their_own_provenance_are_shown(home: Home, store: ox.Store) -> None:
    """An annotation resource (here a blank-node rdf:Statement) with paragraph and quote appears
    on the entity's page and marks its quote in the paragraph, without a page of its own."""
    from ipbes_kg.site.builder import render_site

    extra = ox.Store()
    extra.extend(store)
    quote = "在教科文组织提供的实物支助下"
    turtle = f"""
        @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
        [] a rdf:Statement ;
           rdf:subject <{BASE}id/tsu/ilk> ;
           rdf:predicate <https://w3id.org/ipbes-kg/ontology#hostedBy> ;
           rdf:object <{BASE}id/organization/unesco> ;
           <http://www.w3.org/ns/prov#wasDerivedFrom> <{BASE}id/document/IPBES-7-2/para/10b> ;
           <https://w3id.org/ipbes-kg/ontology#quote> "{quote}"@zh .
    """
    extra.load(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    site = render_site(extra, home)
    entity = site["id/tsu/ilk/index.html"].decode("utf-8")
    section = entity.split('id="sec-provenance"', 1)[1].split("</section>", 1)[0]
    assert "rdf:predicate" in section and "ontology/index.html#hostedBy" in section
    assert f"{quote}</a></q>" in section  # the quote, linked to its place in the paragraph
    anchor = re.search(r'href="[^"]*para/10b/index\.html#(q-\d+-\d+)"', section)
    assert anchor is not None
    paragraph = site["id/document/IPBES-7-2/para/10b/index.html"].decode("utf-8")
    assert f'<span id="{anchor.group(1)}"></span>' in paragraph


def _apache(rules: str, path: str, accept: str, exists: Any) -> tuple[str, str] | None:
    """The first RewriteRule of ``rules`` that fires for ``path``: (target, flags). A minimal
    reading of the mod_rewrite subset the generated .htaccess uses."""
    conditions: list[bool] = []
    for line in rules.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if parts[0] == "RewriteCond":
            if parts[1] == "%{HTTP_ACCEPT}":
                conditions.append(re.search(parts[2], accept) is not None)
            elif parts[1:] == ["%{REQUEST_FILENAME}", "!-f"]:
                conditions.append(not exists(path))
            else:
                pytest.fail(f"unexpected condition: {line}")
        elif parts[0] == "RewriteRule":
            match = re.search(parts[1], path)
            if match and all(conditions):
                target = parts[2].replace("$1", match.group(1))
                return target.replace("%{REQUEST_URI}", "/" + path), parts[3] if len(
                    parts
                ) > 3 else ""
            conditions = []
    return None


@pytest.mark.parametrize(
    "accept", ["text/html,*/*;q=0.8", "text/turtle", "application/ld+json", "*/*"]
)
def test_htaccess_agrees_with_the_server(served: Served, accept: str) -> None:
    from ipbes_kg.site.negotiate import htaccess

    base = "https://example.org/ipbes-kg-site/"
    w3id, folder = htaccess(base), (served.folder / ".htaccess").read_text(encoding="utf-8")
    no_redirect = urllib.request.build_opener(_NoRedirect)
    for local in _kinds(served.folder).values():
        request = urllib.request.Request(served.base + local, headers={"Accept": accept})
        with pytest.raises(urllib.error.HTTPError) as seen:
            no_redirect.open(request, timeout=10)
        location = seen.value.headers["Location"]
        assert _apache(w3id, local, accept, lambda _: False) == (
            base + location.lstrip("/"),
            "[R=303,L]",
        )
        fired = _apache(folder, local, accept, lambda p: (served.folder / p).is_file())
        assert fired is not None
        target, flags = fired
        if location.endswith("/"):  # the page: a redirect to the folder, as the server does
            assert (target, flags) == (location, "[R=303,L]")
            assert (served.folder / target.lstrip("/") / "index.html").is_file()
        else:  # a data file: rewritten internally to the file the server redirects to
            assert "R=" not in flags and target == location.lstrip("/")
            assert (served.folder / target).is_file(), target
        for existing in (f"{local}.ttl", f"{local}/index.html"):  # files are served as they are
            assert (
                _apache(folder, existing, accept, lambda p: (served.folder / p).is_file()) is None
            )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "give --out DIR"),
        (("--serve", "{tmp}"), "not a built site"),
        (("--out", "{tmp}/a", "--serve", "{tmp}/b"), "different folders"),
        (("--out", "{tmp}/a", "--base-url", "w3id.org/x"), "http(s) URL"),
    ],
)
def test_usage_errors_are_one_line_exit_2(args: tuple[str, ...], says: str, tmp_path: Path) -> None:
    done = _cli(*(a.format(tmp=tmp_path) for a in args))
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and says in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


# --- small pieces --------------------------------------------------------------------------


def test_shapes_in_words(home: Home) -> None:
    """Phrases for constraints written in ontology/shapes.ttl (read here from the Turtle)."""
    from ipbes_kg.site.shapes import describe, load_shapes, phrases

    graph = load_shapes(home.shapes_files())
    label = ox.NamedNode("https://w3id.org/ipbes-kg/shapes#NamedEntity-label")
    said = phrases(graph, label)
    assert "languages: zh, en" in said and "at most one value per language" in said
    temporal = phrases(graph, ox.NamedNode("https://w3id.org/ipbes-kg/shapes#TemporalValue"))
    assert (
        "any of: (each a literal of type xsd:date) | (each a literal of type xsd:gYearMonth)"
        " | (each a literal of type xsd:gYear)" in temporal
    )
    docs = {str(d.shape): d for d in describe(graph)}
    named = docs["<https://w3id.org/ipbes-kg/shapes#NamedEntity>"]
    assert ("instances of", ox.NamedNode(BASE + "ontology#Assessment")) in named.targets
    assert any(
        rule.path == "rdfs:label" and rule.message.startswith("must be one label")
        for rule in named.rules
    )


@pytest.mark.parametrize(
    ("accept", "suffix"),
    [
        (None, "/"),
        ("*/*", "/"),
        ("text/html", "/"),
        ("text/turtle;q=0.9, */*;q=0.1", ".ttl"),
        ("application/x-turtle", ".ttl"),
        ("application/ld+json", ".jsonld"),
        ("image/png", "/"),
    ],
)
def test_negotiation_choice(accept: str | None, suffix: str) -> None:
    from ipbes_kg.site.negotiate import choose, iri_path

    assert choose(accept) == suffix
    assert iri_path("/id/tsu/ilk") == iri_path("/id/tsu/ilk/") == "id/tsu/ilk"
    assert iri_path("/id/document/IPBES-7-1-Rev.1") == "id/document/IPBES-7-1-Rev.1"
    assert iri_path("/id/tsu/ilk.ttl") is None and iri_path("/queries/x/") is None


def test_relative_links() -> None:
    from ipbes_kg.site.paths import local_name, relative

    here = "id/tsu/ilk/index.html"
    assert relative("id/tsu/ilk.ttl", here) == "../ilk.ttl"
    assert relative("ontology/index.html#hostedBy", here) == "../../../ontology/index.html#hostedBy"
    assert relative("index.html", "index.html") == "index.html"
    assert local_name(BASE + "id/tsu/ilk") == "id/tsu/ilk"
    assert local_name(BASE + "id/../etc") is None and local_name(BASE + "ontology#x") is None
    assert local_name("https://example.org/id/x") is None
