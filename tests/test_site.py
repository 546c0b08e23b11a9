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
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from ipbes_kg.errors import UserError
from ipbes_kg.query import load_store
from ipbes_kg.resources import Home
from ipbes_kg.site import build_site
from ipbes_kg.site.builder import MARKER
from ipbes_kg.site.model import Graph
from ipbes_kg.site.paths import BASE, local_name
from ipbes_kg.site.text import locate, paragraph_texts

ROOT = Path(__file__).resolve().parents[1]
SIZE_BUDGET = 15_000_000  # bytes for the whole site; README "Website" states the same figure
_spec = importlib.util.spec_from_file_location("site_browser", ROOT / "tests/site/browser.py")
assert _spec is not None and _spec.loader is not None
browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser)


def _source() -> Path:
    path = Path(os.environ.get("IPBES_KG_SOURCE", ROOT.parent / "shared/source/IPBES-7-2.zh.txt"))
    if not path.is_file():
        pytest.fail(f"source text not found at {path}; set IPBES_KG_SOURCE")
    return path


@pytest.fixture(scope="module")
def store(home: Home) -> ox.Store:
    return load_store(home.graph_files())


@pytest.fixture(scope="module")
def built(home: Home, store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(store, home, out, source=_source())
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


def test_two_builds_are_byte_identical(home: Home, store: ox.Store, built: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = build_site(store, home, again, source=_source())
    first, second = _files(built), _files(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert result.size == sum(len(b) for b in second.values())
    # rebuilding over an existing site replaces it (no stale file survives)
    (again / "id" / "stale.html").write_text("old", encoding="utf-8")
    build_site(store, home, again, source=_source())
    assert not (again / "id" / "stale.html").exists()
    assert _files(again) == second


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
        node = ox.NamedNode(iri)
        expected = set(store.quads_for_pattern(node, None, None, None))
        if iri == BASE + "ontology":  # the ontology's data file is the whole vocabulary
            assert {q.triple for q in expected} <= {q.triple for q in ttl}
            continue
        assert {q.triple for q in ttl} == {q.triple for q in expected}, iri
        assert {q.triple for q in jsonld} == {q.triple for q in expected}, iri


def test_nothing_is_loaded_from_outside(built: Path) -> None:
    for name, content in _files(built).items():
        if not name.endswith((".html", ".css")):
            continue
        text = content.decode("utf-8")
        assert "<script" not in text, name
        assert not re.search(r"<(?:img|iframe|source|link)[^>]+(?:src|href)=\"https?:", text.replace('rel="canonical" href="https', "")), name
        assert not re.search(r"@import|url\(\s*['\"]?https?:", text), name


def test_paragraph_page_marks_each_quote_and_entities_link_to_it(
    store: ox.Store, built: Path
) -> None:
    graph = Graph.from_store(store)
    texts = paragraph_texts(graph, _source())
    para = "https://w3id.org/ipbes-kg/id/document/IPBES-7-2/para/10b"
    quote = "在教科文组织提供的实物支助下，这一领域的工作继续获得设在教科文组织总部的技术支持小组的支持"
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


def test_paragraph_text_comes_from_the_graph_first(store: ox.Store, tmp_path: Path) -> None:
    graph = Graph.from_store(store)
    paragraphs = [s for s in graph.subjects_all() if "/para/" in str(s)]
    triples = [q.triple for q in store]
    triples += [ox.Triple(p, ox.NamedNode("https://schema.org/text"), ox.Literal(f"文本 {p.value[-3:]}", language="zh")) for p in paragraphs]  # type: ignore[arg-type]
    texts = paragraph_texts(Graph(triples), tmp_path / "no-such-source.txt")
    assert texts[paragraphs[0].value].startswith("文本")
    with pytest.raises(UserError, match="IPBES_KG_SOURCE"):
        paragraph_texts(graph, tmp_path / "no-such-source.txt")


def test_no_text_anywhere_is_a_one_line_error(tmp_path: Path) -> None:
    done = _cli("--out", str(tmp_path / "s"), env={"IPBES_KG_SOURCE": str(tmp_path / "missing")})
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "s").exists()


def test_missing_dot_names_the_package(tmp_path: Path) -> None:
    bin_dir = str(Path(sys.executable).parent)
    done = _cli("--out", str(tmp_path / "s"), env={"PATH": bin_dir, "IPBES_KG_SOURCE": str(_source())})
    assert done.returncode == 2, done.stderr
    assert "graphviz" in done.stderr and done.stderr.count("\n") == 1, done.stderr


def test_refuses_to_replace_a_folder_it_did_not_build(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    done = _cli("--out", str(tmp_path / "mine"))
    assert done.returncode == 2 and "not a site built by ipbes-kg" in done.stderr
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "mine" / MARKER).exists()
