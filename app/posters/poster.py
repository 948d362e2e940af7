"""What a poster says and shows: its words in each language, its paper sizes, its QR code.

The words are rendered here, under each poster language's locale, so the HTML poster and the
SVG download say exactly the same thing, and a bilingual poster can hold two languages at once.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.i18n import html_lang, text_direction
from app.models.place import Place
from app.public_address import public_url_for

# The QR spec asks for a quiet zone of four modules around the code, or phones may not find it.
QUIET_ZONE = 4


@dataclass(frozen=True)
class PaperSize:
    key: str
    label: object  # a lazy string: the form shows it in the page's language
    width_mm: float
    height_mm: float
    # Type and QR code scale with the sheet: the table tent is half the A4 poster.
    scale: float


PAPER_SIZES = {
    size.key: size
    for size in (
        PaperSize("a4", _l("A4 poster"), 210, 297, 1.0),
        PaperSize("letter", _l("US Letter poster"), 215.9, 279.4, 1.0),
        # A6 is the usual card for table tents and a common sticker sheet.
        PaperSize("tent", _l("Table tent or sticker (A6)"), 105, 148, 0.5),
    )
}


@dataclass(frozen=True)
class PosterText:
    """Everything a poster says in one language."""

    lang: str
    dir: str
    heading: str
    lead: str
    signs_title: str
    signs: tuple[str, ...]
    scan_title: str
    scan_help: str
    danger: str


def poster_text(lang: str) -> PosterText:
    with force_locale(lang):
        return PosterText(
            lang=html_lang(lang),  # for lang= attributes: zh-Hans, not the catalog's zh_Hans
            dir=text_direction(lang),
            heading=_("Worried about someone?"),
            lead=_("If someone may be heading toward violence, tell a prevention team. They help the person "
                   "before anyone is hurt. You do not have to give your name."),
            signs_title=_("Warning signs"),
            # One short line each: read from across a room, not studied.
            signs=(
                _("Threats to hurt people, even as a joke"),
                _("Talk of a plan, a date or a target"),
                _("Getting weapons while angry at someone"),
                _("Admiring people who carried out attacks"),
            ),
            scan_title=_("Report a concern"),
            scan_help=_("Scan the code with your phone's camera, or type:"),
            danger=_("Someone in danger now? Call 911"),
        )


@dataclass(frozen=True)
class Poster:
    place_name: str
    size: PaperSize
    texts: tuple[PosterText, ...]  # one language, or two side by side
    short_link: str  # what the QR code holds
    shown_link: str  # the same, written for people to type: no "https://"

    @property
    def dir(self) -> str:
        return self.texts[0].dir

    @property
    def lang(self) -> str:
        return self.texts[0].lang


def short_link_for(place: Place) -> str:
    # On the public address: a poster outlives the request that printed it.
    return public_url_for("posters.short_link", code=place.code)


def make_poster(place: Place, size_key: str, languages: list[str]) -> Poster:
    link = short_link_for(place)
    return Poster(
        place_name=place.name,
        size=PAPER_SIZES[size_key],
        texts=tuple(poster_text(lang) for lang in languages),
        short_link=link,
        shown_link=link.split("://", 1)[-1],
    )


def qr_code(url: str) -> segno.QRCode:
    # Level M at least (15% of the code can be damaged); segno raises it for free when the
    # version allows, which helps a poster behind scratched plastic.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str) -> Markup:
    """The QR code as an inline <svg> with a viewBox, sized by the stylesheet, on a white quiet
    zone. segno writes presentation attributes only, never style=, so the CSP allows it."""
    return Markup(qr_code(url).svg_inline(border=QUIET_ZONE, omitsize=True, light="#fff", svgclass="qr",
                                          lineclass=None))


def qr_svg_at(url: str, units_per_module: float) -> Markup:
    """The QR code as a nested <svg> of a fixed size, for the SVG poster (units are millimetres)."""
    return Markup(qr_code(url).svg_inline(scale=units_per_module, border=QUIET_ZONE, light="#fff", svgclass=None,
                                          lineclass=None))


def qr_modules(url: str) -> int:
    """Width of the code in modules, quiet zone included."""
    return qr_code(url).symbol_size(border=QUIET_ZONE)[0]


def qr_png(url: str, scale: int = 16) -> bytes:
    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=QUIET_ZONE, light="#fff")
    return out.getvalue()
