"""Test helpers: Debian's Chromium driven by Playwright, and a crawl of every page of a site.

Real browser, no mocks: each page is loaded by Chromium from the local server, and anything the
browser complains about (console errors, uncaught exceptions, failed requests, HTTP errors) is
collected with the page it happened on. Links are read from the DOM (HTML and inline-SVG
anchors, <link> elements) and checked afterwards: every internal target must answer 200, and a
fragment must name an element of the target page.
"""

import os
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest

CHROMIUM_ENV = "IPBES_KG_CHROMIUM"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]

_PAGE_FACTS = """() => {
  const links = [];
  for (const a of document.querySelectorAll('a, link')) {
    const raw = a.getAttribute('href') ?? a.getAttribute('xlink:href');
    if (raw !== null) links.push(new URL(raw, document.baseURI).href);
  }
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  const untagged = [];  // Chinese text whose nearest lang attribute is not zh
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!/[\u3400-\u9fff]/.test(node.data)) continue;
    const tagged = node.parentElement.closest('[lang]');
    if (!tagged || !tagged.lang.startsWith('zh')) untagged.push(node.data.trim().slice(0, 20));
  }
  return {links, ids, duplicates: ids.length - new Set(ids).size, untagged: untagged.slice(0, 3),
          h1: document.querySelectorAll('h1').length,
          lang: document.documentElement.lang, text: document.body.innerText.length};
}"""

_COLOURS = """async (data) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + data;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, img.width, img.height).data;
  const colours = new Set();
  let ink = 0;
  for (let i = 0; i < px.length; i += 4) {
    colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) ink++;
  }
  return {colours: colours.size, ink: ink / (px.length / 4), width: img.width, height: img.height};
}"""


def chromium_path() -> str:
    """Debian's Chromium (or $IPBES_KG_CHROMIUM); fails the test, never skips it, when absent."""
    chosen = os.environ.get(CHROMIUM_ENV) or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chosen).is_file():
        pytest.fail(
            f"Chromium not found ({chosen}); install it: apt-get install chromium "
            f"(.ci/run does), or set {CHROMIUM_ENV}"
        )
    return chosen


@dataclass
class Crawl:
    """What the browser saw on every page of a site."""

    problems: list[str] = field(default_factory=list)
    links: dict[str, set[str]] = field(default_factory=dict)  # page URL -> link URLs
    ids: dict[str, set[str]] = field(default_factory=dict)  # page URL -> element ids
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)


def visit(context: Any, base: str, paths: list[str]) -> Crawl:
    """Load every page in one tab, recording what the browser reports on each."""
    crawl = Crawl()
    page = context.new_page()
    current = {"url": ""}

    def note(message: str) -> None:
        crawl.problems.append(f"{current['url']}: {message}")

    page.on("console", lambda m: note(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: note(f"page error: {e}"))
    page.on("requestfailed", lambda r: note(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: note(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    for path in paths:
        url = base + path
        current["url"] = url
        response = page.goto(url, wait_until="load")
        if response is None or response.status != 200:
            note(f"status {response.status if response else 'none'}")
            continue
        facts = page.evaluate(_PAGE_FACTS)
        crawl.links[url] = set(facts.pop("links"))
        crawl.ids[url] = set(facts.pop("ids"))
        crawl.facts[url] = facts
    page.close()
    return crawl


def broken_links(crawl: Crawl, base: str) -> tuple[list[str], int, int]:
    """(broken internal links, internal links checked, external links not followed)."""
    origin = urlsplit(base).netloc
    broken: list[str] = []
    status: dict[str, int] = {}
    internal = external = 0
    for page_url in sorted(crawl.links):
        for link in sorted(crawl.links[page_url]):
            if urlsplit(link).netloc != origin:
                external += 1
                continue
            internal += 1
            target, fragment = urldefrag(link)
            if target not in crawl.ids and target not in status:
                status[target] = _status(target)
            if target not in crawl.ids and status[target] != 200:
                broken.append(f"{page_url} -> {link} (HTTP {status[target]})")
            elif fragment and fragment not in crawl.ids.get(target, set()):
                broken.append(f"{page_url} -> {link} (no element id={fragment!r})")
    return broken, internal, external


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def screenshot_stats(context: Any, url: str, path: Path) -> dict[str, Any]:
    """Screenshot ``url`` into ``path`` and measure it (distinct colours, share of ink)."""
    import base64

    page = context.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(url, wait_until="load")
    data = page.screenshot(path=str(path))
    page.goto("about:blank")
    stats: dict[str, Any] = page.evaluate(_COLOURS, base64.b64encode(data).decode("ascii"))
    page.close()
    return stats
