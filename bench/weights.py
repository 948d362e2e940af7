"""Bytes a phone downloads: each page and everything it loads, compressed as a server would send it.

Pages are fetched through the Flask test client (no server, no network). A page "loads" what
its HTML links to: stylesheets, scripts, images, icons, the web manifest and the icons the
manifest lists, and anything a stylesheet refers to with url(). Text bodies (HTML, CSS, JS,
JSON, SVG) are compressed with gzip level 9 and brotli quality 11; formats that are already
compressed (PNG, JPEG, WebP...) are counted as stored, because no server compresses them again.
"""
from __future__ import annotations

import gzip
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import brotli

from bench.servers import create_bench_app, log, sqlite_database, workspace
from bench.table import KB, ERROR, MeasurementError, Row, kb, verdict

LANGUAGES = ("en", "es", "ar")
PAGES = (("home", "/{lang}/"), ("warning signs", "/{lang}/signs"), ("report form", "/{lang}/report"),
         ("status", "/{lang}/status"), ("long content", "/{lang}/why-report"))
CATEGORIES = ("HTML", "CSS", "JS", "img/icons")

HOME_BUDGET = 30 * KB
REPORT_BUDGET = 40 * KB
HTML_BUDGET = 14 * KB
QUEUE_BUDGET = 8 * KB
PRECACHE_BUDGET = 200 * KB

ALREADY_COMPRESSED = re.compile(r"\.(png|jpe?g|webp|gif|avif|woff2?|ico)$", re.IGNORECASE)
HOW = "test client; gzip -9, brotli q11"


@dataclass(frozen=True)
class Size:
    raw: int
    gzip: int
    brotli: int

    def __add__(self, other: "Size") -> "Size":
        return Size(self.raw + other.raw, self.gzip + other.gzip, self.brotli + other.brotli)

    def describe(self) -> str:
        return f"gz {kb(self.gzip):>5} · br {kb(self.brotli):>5} · raw {kb(self.raw):>5} KB"


ZERO = Size(0, 0, 0)


def measure(path: str, body: bytes) -> Size:
    if ALREADY_COMPRESSED.search(urlsplit(path).path):
        return Size(len(body), len(body), len(body))
    return Size(len(body), len(gzip.compress(body, compresslevel=9, mtime=0)),
                len(brotli.compress(body, quality=11)))


class _Links(HTMLParser):
    """Every URL in the page that the browser fetches while loading it, by category."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.manifests: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        rel = set(attributes.get("rel", "").lower().split())
        if tag == "link" and attributes.get("href"):
            href = attributes["href"]
            if "stylesheet" in rel:
                self.found.append(("CSS", href))
            elif "manifest" in rel:
                self.manifests.append(href)
            elif rel & {"icon", "apple-touch-icon", "mask-icon"}:
                self.found.append(("img/icons", href))
            elif "preload" in rel or "modulepreload" in rel:
                self.found.append(("JS" if attributes.get("as") == "script" or "modulepreload" in rel else
                                   "CSS" if attributes.get("as") == "style" else "img/icons", href))
        elif tag == "script" and attributes.get("src"):
            self.found.append(("JS", attributes["src"]))
        elif tag in ("img", "source", "input") and (attributes.get("src") or attributes.get("srcset")):
            if attributes.get("src") and (tag != "input" or attributes.get("type") == "image"):
                self.found.append(("img/icons", attributes["src"]))
            for candidate in attributes.get("srcset", "").split(","):
                if candidate.strip():
                    self.found.append(("img/icons", candidate.split()[0]))


class Fetcher:
    """GETs through the test client, once per URL; only our own origin (the app ships no third-party assets)."""

    def __init__(self, client) -> None:
        self.client = client
        self.cache: dict[str, bytes] = {}

    def get(self, url: str, base: str = "/") -> tuple[str, bytes]:
        absolute = urljoin(f"http://localhost{base}", url)
        parts = urlsplit(absolute)
        if parts.netloc != "localhost":
            raise MeasurementError(f"{base} loads {url} from another origin")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in self.cache:
            response = self.client.get(path, headers={"Accept-Language": "en"})
            if response.status_code != 200:
                raise MeasurementError(f"GET {path} answered {response.status_code}")
            self.cache[path] = response.get_data()
        return path, self.cache[path]


@dataclass
class PageWeight:
    sizes: dict[str, Size]
    urls: dict[str, list[str]]
    manifest_icons: Size  # the part of img/icons that only the web manifest asks for

    @property
    def complete(self) -> Size:
        return sum(self.sizes.values(), ZERO)


def page_weight(fetcher: Fetcher, page: str) -> PageWeight:
    """Per category: the page's compressed size, and which URLs were counted."""
    sizes = {category: ZERO for category in CATEGORIES}
    urls: dict[str, list[str]] = {category: [] for category in CATEGORIES}
    path, html = fetcher.get(page)
    sizes["HTML"] = measure(path, html)
    urls["HTML"].append(path)
    parser = _Links()
    parser.feed(html.decode("utf-8"))

    wanted = list(parser.found)
    manifest_icons: list[str] = []
    for manifest_url in parser.manifests:
        manifest_path, manifest = fetcher.get(manifest_url, page)
        wanted.append(("img/icons", manifest_path))
        for icon in json.loads(manifest).get("icons", []):
            manifest_icons.append(fetcher.get(urljoin(manifest_path, icon["src"]), page)[0])
            wanted.append(("img/icons", manifest_icons[-1]))

    seen: set[str] = {path}
    while wanted:
        category, url = wanted.pop(0)
        asset_path, body = fetcher.get(url, page)
        if asset_path in seen:
            continue
        seen.add(asset_path)
        sizes[category] += measure(asset_path, body)
        urls[category].append(asset_path)
        if category == "CSS":
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", body.decode("utf-8")):
                if not ref.startswith("data:"):
                    wanted.append(("img/icons", urljoin(asset_path, ref)))
    only_manifest = set(manifest_icons) - {fetcher.get(url, page)[0] for _, url in parser.found}
    return PageWeight(sizes, urls, sum((measure(p, fetcher.cache[p]) for p in only_manifest), ZERO))


@contextmanager
def _test_client(workdir: Path) -> Iterator:
    """create_app().test_client() with SECRET_KEY (and a throwaway database) in the environment."""
    with sqlite_database(workdir) as database_url:
        app = create_bench_app(database_url, workdir)
        yield app, app.test_client()


def precache_lists(fetcher: Fetcher) -> dict:
    """The PRECACHE object embedded in the rendered /sw.js."""
    _, script = fetcher.get("/sw.js")
    match = re.search(r"^const PRECACHE = (.*);$", script.decode("utf-8"), re.MULTILINE)
    if not match:
        raise MeasurementError("no `const PRECACHE = {...};` line in /sw.js")
    return json.loads(match.group(1))


def run(rows: list[Row], options) -> None:
    log("weights: rendering pages through the Flask test client")
    with workspace("weights") as workdir, _test_client(workdir) as (app, client):
        fetcher = Fetcher(client)
        languages = [lang for lang in LANGUAGES if lang in app.config["LANGUAGES"]]
        missing = [lang for lang in LANGUAGES if lang not in app.config["LANGUAGES"]]
        for lang in missing:
            rows.append(Row("weights", f"/{lang}/ pages", "language not shipped", result=ERROR,
                            how="LANGUAGES has no catalog for it: cannot measure"))
        _page_rows(rows, fetcher, languages)
        _content_page_rows(rows, fetcher, languages)
        with app.app_context():
            _queue_row(rows, fetcher)
        _precache_rows(rows, fetcher, languages)
        if missing:
            raise MeasurementError(f"languages not shipped: {', '.join(missing)}")


def _page_rows(rows: list[Row], fetcher: Fetcher, languages: list[str]) -> None:
    for name, pattern in PAGES:
        for lang in languages:
            page = pattern.format(lang=lang)
            weight = page_weight(fetcher, page)
            sizes, urls, complete = weight.sizes, weight.urls, weight.complete
            for category in CATEGORIES:
                budget, within = "", None
                if category == "HTML":
                    budget, within = "≤ 14 KB gz", sizes["HTML"].gzip <= HTML_BUDGET
                counted = ", ".join(u if category == "HTML" else Path(urlsplit(u).path).name
                                    for u in urls[category]) or "none"
                note = "; PNGs as stored" if category == "img/icons" else ""
                rows.append(Row("weights", f"{name} {page} {category}", sizes[category].describe(), budget,
                                "" if within is None else verdict(within), f"{HOW}{note}: {counted}"))
            budget, within = "", None
            if name == "home":
                budget, within = "≤ 30 KB gz", complete.gzip <= HOME_BUDGET
            elif name == "report form":
                budget, within = "≤ 40 KB gz", complete.gzip <= REPORT_BUDGET
            rows.append(Row("weights", f"{name} {page} complete", complete.describe(), budget,
                            "" if within is None else verdict(within),
                            f"sum of the four rows above, each URL once; of it, "
                            f"{kb(weight.manifest_icons.gzip)} KB gz are icons only the web manifest lists "
                            f"(complete without them: {kb(complete.gzip - weight.manifest_icons.gzip)} KB gz)"))


def _content_page_rows(rows: list[Row], fetcher: Fetcher, languages: list[str]) -> None:
    from app.public.views import CONTENT_PAGES

    for lang in languages:
        sizes = {slug: measure(*fetcher.get(f"/{lang}/{slug}")) for slug in CONTENT_PAGES}
        largest = max(sizes, key=lambda slug: sizes[slug].gzip)
        rows.append(Row("weights", f"largest of {len(sizes)} content pages /{lang}/*", sizes[largest].describe(),
                        "≤ 14 KB gz", verdict(sizes[largest].gzip <= HTML_BUDGET),
                        f"HTML only, every slug in CONTENT_PAGES; largest is /{lang}/{largest}"))


def _queue_row(rows: list[Row], fetcher: Fetcher) -> None:
    from app.extensions import assets

    urls = [u for u in assets["js_queue"].urls() if re.search(r"/gen/queue\.[^/]*\.js$", u)]
    if not urls:
        raise MeasurementError("the js_queue bundle has no gen/queue.*.js URL")
    path, body = fetcher.get(urls[0])
    size = measure(path, body)
    rows.append(Row("weights", f"offline queue {path}", size.describe(), "≤ 8 KB gz",
                    verdict(size.gzip <= QUEUE_BUDGET), f"the js_queue bundle's URL, as served; {HOW}"))


def _precache_rows(rows: list[Row], fetcher: Fetcher, languages: list[str]) -> None:
    precache = precache_lists(fetcher)
    asset_size = sum((measure(*fetcher.get(u)) for u in precache["assets"]), ZERO)
    for lang in languages:
        pages = precache["pages"].get(lang)
        if not pages:
            rows.append(Row("weights", f"precache {lang}", "no pages listed", result=ERROR,
                            how="PRECACHE.pages in /sw.js has no entry for this language"))
            continue
        page_size = sum((measure(*fetcher.get(u)) for u in pages), ZERO)
        total = asset_size + page_size
        over = [label for label, size in (("raw", total.raw), ("gz", total.gzip)) if size > PRECACHE_BUDGET]
        rows.append(Row("weights", f"precache {lang}", total.describe(), "≤ 200 KB raw & gz",
                        verdict(not over),
                        f"PRECACHE from the rendered /sw.js: {len(precache['assets'])} assets "
                        f"({kb(asset_size.raw)} KB raw) + {len(pages)} {lang} pages ({kb(page_size.raw)} KB raw); "
                        f"raw is what the phone stores, gz what it downloads"
                        + (f"; over in {', '.join(over)}" if over else "")))
