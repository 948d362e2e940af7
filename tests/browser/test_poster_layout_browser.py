"""Every SVG poster stays on its paper, drawn by a real Chromium with the fonts the poster names:
each shipped language alone and with every other one beside it, on every paper size. A line
that runs past the printable area, into the other language's column, into the red band or over
the QR code fails, and so does a line drawn in a font whose widths the layout did not measure.
The print page holds Chinese and Korean side by side without cutting any of it off."""
from __future__ import annotations

from datetime import datetime, timezone
from itertools import combinations

import pytest

from app.extensions import db
from app.models.place import PlaceKind
from app.posters.poster import PAPER_SIZES
from app.posters.svg_layout import FACE_FAMILIES
from app.services.places import PlaceDetails, register_place
from tests.conftest import make_app

# Most printers cannot print the outer 3 to 5 millimetres of a sheet.
PRINTABLE_MARGIN_MM = 5
SVG_URL = "http://poster.invalid/poster.svg"
MEASURED_FAMILIES = {family for families in FACE_FAMILIES.values() for family in families}

# Every <text>'s box, the red band's and the QR code's, in CSS pixels, with the paper's size.
BOXES = """() => {
  const box = e => {
    const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  const svg = document.documentElement;
  return {
    sheet: box(svg),
    widthMm: svg.viewBox.baseVal.width,
    band: box(document.querySelector('rect[fill="#b3261e"]')),
    qr: box(document.querySelector('g[transform] svg')),
    texts: [...document.querySelectorAll('text')].map(t => ({
      ...box(t), text: t.textContent, fill: t.getAttribute('fill'),
      baseline: t.y.baseVal[0].value, size: parseFloat(t.getAttribute('font-size'))})),
  };
}"""


def manage_key(app, language: str = "en") -> str:
    """A newly registered place's manage key."""
    with app.app_context():
        details = PlaceDetails("Main Street Pharmacy", PlaceKind.BUSINESS, "Springfield", language=language)
        key = register_place(db.session, details, datetime.now(timezone.utc)).manage_token
        db.session.commit()
        db.session.remove()
    return key


@pytest.fixture(scope="module")
def poster_app(tmp_path_factory, migrated_database):
    app = make_app(tmp_path_factory.mktemp("posters"), migrated_database)
    return app, manage_key(app)


@pytest.fixture(scope="module")
def svg_page(browser):
    context = browser.new_context(viewport={"width": 900, "height": 1200})
    page = context.new_page()
    svg = {}
    page.route(SVG_URL, lambda route: route.fulfill(body=svg["body"], content_type="image/svg+xml"))
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")

    def open_svg(body: bytes) -> dict:
        svg["body"] = body
        page.goto(SVG_URL)
        page.evaluate("document.fonts.ready.then(() => true)")
        return page.evaluate(BOXES)

    def fonts_used() -> set[str]:
        """The fonts Chromium drew the poster's text with, as it reports them."""
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        used = set()
        for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "text"})["nodeIds"]:
            for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                used.add(font["familyName"])
        return used

    yield open_svg, fonts_used
    context.close()


def poster_svg(poster_app, size: str, languages: tuple[str, ...]) -> bytes:
    app, key = poster_app
    second = languages[1] if len(languages) > 1 else ""
    response = app.test_client().get(
        f"/en/places/poster.svg?key={key}&size={size}&language={languages[0]}&second={second}")
    assert response.status_code == 200
    return response.data


def problems_on(sheet: dict) -> list[str]:
    """What a reader of the printed sheet would see go wrong."""
    per_mm = (sheet["sheet"]["right"] - sheet["sheet"]["left"]) / sheet["widthMm"]
    margin = PRINTABLE_MARGIN_MM * per_mm
    paper, band, qr = sheet["sheet"], sheet["band"], sheet["qr"]
    texts = sheet["texts"]
    problems = []
    for t in texts:
        if (t["left"] < paper["left"] + margin or t["right"] > paper["right"] - margin
                or t["top"] < paper["top"] + margin or t["bottom"] > paper["bottom"] - margin):
            problems.append(f"off the printable area: {t['text']!r}")
        in_band = t["fill"] == "#ffffff"
        if in_band and not (band["top"] <= t["top"] and t["bottom"] <= band["bottom"]):
            problems.append(f"out of the red band: {t['text']!r}")
        if not in_band and t["bottom"] > band["top"] + 0.5:
            problems.append(f"over the red band: {t['text']!r}")
        if overlap(t, qr, "left", "right") > 0.5 and overlap(t, qr, "top", "bottom") > 0.5:
            problems.append(f"over the QR code: {t['text']!r}")
    for a, b in combinations(texts, 2):
        # A line's box is taller than the line height in some fonts (Arabic, CJK), so lines one
        # above the other may overlap a little; lines side by side on one row must not touch.
        shared_row = abs(a["baseline"] - b["baseline"]) < 0.5 * min(a["size"], b["size"])
        if shared_row and overlap(a, b, "left", "right") > 0:
            problems.append(f"lines collide: {a['text']!r} and {b['text']!r}")
    return problems


def overlap(a: dict, b: dict, start: str, end: str) -> float:
    return min(a[end], b[end]) - max(a[start], b[start])


@pytest.mark.parametrize("size", sorted(PAPER_SIZES))
def test_every_poster_language_alone_and_in_pairs_stays_on_the_paper(poster_app, svg_page, size):
    open_svg, fonts_used = svg_page
    languages = poster_app[0].config["LANGUAGES"]
    posters = [(lang,) for lang in languages] + list(combinations(languages, 2))
    problems, fonts = [], set()
    for poster in posters:
        sheet = open_svg(poster_svg(poster_app, size, poster))
        problems += [f"{size} {'+'.join(poster)}: {problem}" for problem in problems_on(sheet)]
        fonts |= fonts_used()
    assert not problems, "\n".join(problems)
    assert fonts and fonts <= MEASURED_FAMILIES, f"drawn in fonts not measured: {fonts - MEASURED_FAMILIES}"


@pytest.mark.parametrize("size", sorted(PAPER_SIZES))
def test_the_print_page_holds_chinese_and_korean_side_by_side_on_its_sheet(live_server, browser_page, size):
    page = browser_page
    page.goto(f"/en/places/poster?key={manage_key(live_server.app)}&size={size}&language=zh_Hans&second=ko")
    page.emulate_media(media="print")
    # The sheet hides what overflows it (overflow: hidden), so a longer text would be cut silently.
    overflow = page.evaluate("""() => [...document.querySelectorAll('.sheet, .sheet *')]
        .filter(e => e.scrollWidth > e.clientWidth + 1 || (e.matches('.sheet') && e.scrollHeight > e.clientHeight + 1))
        .map(e => e.className || e.tagName)""")
    assert overflow == []
