"""Posters in every shipped language and size, alone or two side by side: the place's name, the
QR code, the short link written out, the 911 line, four warning signs; Arabic right to left."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from app.posters.poster import PAPER_SIZES, Poster, PosterText
from app.posters.svg_layout import layout_poster

SVG = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def poster_page(client, place, **options) -> str:
    query = "&".join(f"{name}={value}" for name, value in options.items())
    response = client.get(f"/en/places/poster?key={place.key}&{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def sheet(html: str) -> str:
    return html[html.index('<article class="sheet'):html.index("</article>")]


@pytest.mark.parametrize("lang, direction, words", [
    ("en", "ltr", "Warning signs"),
    ("es", "ltr", "Señales de alerta"),
    ("ar", "rtl", "العلامات التحذيرية"),
])
def test_poster_in_one_language(client, register, lang, direction, words):
    place = register()
    poster = sheet(poster_page(client, place, size="a4", language=lang))
    assert f'lang="{lang}" dir="{direction}"' in poster.split(">", 1)[0]
    assert words in poster
    assert "Main Street Pharmacy" in poster
    assert f"localhost/r/{place.code}" in poster
    assert "911" in poster
    assert len(re.findall(r"<li>", poster)) == 4
    assert '<svg viewBox="0 0 ' in poster and 'class="qr"' in poster


def test_bilingual_poster_puts_both_languages_side_by_side(client, register):
    place = register()
    poster = sheet(poster_page(client, place, size="a4", language="es", second="ar"))
    sections = re.findall(r'<section class="sheet-text" lang="(\w+)" dir="(\w+)">', poster)
    assert sections == [("es", "ltr"), ("ar", "rtl")]
    assert "Señales de alerta" in poster and "العلامات التحذيرية" in poster
    assert len(re.findall(r"<li>", poster)) == 8
    assert poster.count('class="qr"') == 1  # one code serves both languages


def test_the_same_language_twice_is_one_language(client, register):
    poster = sheet(poster_page(client, register(), language="en", second="en"))
    assert poster.count('<section class="sheet-text"') == 1


@pytest.mark.parametrize("size", sorted(PAPER_SIZES))
def test_each_paper_size_has_its_own_sheet(client, register, size):
    poster = sheet(poster_page(client, register(), size=size, language="en"))
    assert f'class="sheet sheet-{size}"' in poster


def test_a_hand_edited_address_falls_back_to_the_places_poster(client, register):
    place = register(language="es")
    poster = sheet(poster_page(client, place, size="poster-XXL", language="klingon"))
    assert 'class="sheet sheet-a4" lang="es"' in poster


def test_the_print_page_needs_nothing_from_another_host_and_no_inline_style(client, register):
    html = poster_page(client, register(), language="ar", second="en")
    assert "style=" not in html
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert re.search(r'<link rel="stylesheet" href="/static/gen/poster\.[0-9a-f]+\.css">', html)


def test_the_poster_stylesheet_prints_each_size_on_its_own_paper(client, register):
    html = poster_page(client, register())
    href = re.search(r'href="(/static/gen/poster\.[0-9a-f]+\.css)"', html).group(1)
    css = client.get(href).get_data(as_text=True)
    assert "@media print" in css
    assert "@page a4{size:A4" in css and "@page letter{size:letter" in css


def svg_poster(client, place, **options) -> ET.Element:
    query = "&".join(f"{name}={value}" for name, value in options.items())
    response = client.get(f"/en/places/poster.svg?key={place.key}&{query}")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert b"style=" not in response.data
    return ET.fromstring(response.data)


def test_svg_poster_is_a_whole_poster_in_one_file(client, register):
    place = register()
    root = svg_poster(client, place, size="letter", language="en")
    assert (root.get("width"), root.get("height")) == ("215.9mm", "279.4mm")
    words = [t.text for t in root.iter(f"{SVG}text")]
    assert "Main Street Pharmacy" in words
    assert f"localhost/r/{place.code}" in words
    assert "Someone in danger now? Call 911" in words
    assert sum(1 for w in words if w.startswith("• ")) == 4
    assert root.find(f".//{SVG}path[@stroke='#000']") is not None  # the QR code's modules


def test_svg_poster_in_arabic_runs_right_to_left(client, register):
    root = svg_poster(client, register(), size="a4", language="ar", second="en")
    texts = list(root.iter(f"{SVG}text"))
    assert any(t.get("direction") == "rtl" and t.get(XML_LANG) == "ar" for t in texts)
    assert any(t.get("direction") == "ltr" and t.get(XML_LANG) == "en" for t in texts)


def longer(text: str) -> str:
    """A translation 1.8 times the length of the English, as German or Arabic often is."""
    return text + " " + text[: int(len(text) * 0.8)]


def english_text(stretch=lambda text: text) -> PosterText:
    return PosterText(
        "en", "ltr", stretch("Worried about someone?"),
        stretch("If someone may be heading toward violence, tell a prevention team. They help the person "
                "before anyone is hurt. You do not have to give your name."),
        stretch("Warning signs"),
        tuple(stretch(sign) for sign in ("Threats to hurt people, even as a joke", "Talk of a plan, a date or a target",
                                         "Getting weapons while angry at someone",
                                         "Admiring people who carried out attacks")),
        stretch("Report a concern"), stretch("Scan the code with your phone's camera, or type:"),
        stretch("Someone in danger now? Call 911"))


def svg_layout(size: str, *texts: PosterText):
    poster = Poster("Main Street Pharmacy", PAPER_SIZES[size], texts, "https://noticed.example/r/AB12CD34",
                    "noticed.example/r/AB12CD34")
    return layout_poster(poster, qr_modules=37)


def test_svg_layout_of_an_english_a4_poster_fits_at_full_size():
    layout = svg_layout("a4", english_text())
    assert layout.fits
    assert layout.lines[0].size == 7  # the place's name, unshrunk


@pytest.mark.parametrize("size", sorted(PAPER_SIZES))
def test_svg_layout_shrinks_two_long_translations_to_fit_the_sheet(size):
    layout = svg_layout(size, english_text(longer), english_text(longer))
    assert layout.fits
    above_the_band = [line for line in layout.lines if line.fill != "#ffffff"]
    assert max(line.y for line in above_the_band) < layout.band_y
    assert layout.band_y + layout.band_height <= layout.height
