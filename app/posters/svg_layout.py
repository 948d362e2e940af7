"""Placing a poster's lines on an SVG sheet. SVG has no line wrapping, so lines are wrapped and
stacked here (in millimetres, one SVG user unit each), and templates/posters/poster.svg only
draws them.

Widths are estimated from the font size, not measured: a font we do not ship is used by whoever
opens the file. Text is centred, which looks right in both directions, and the whole layout
shrinks step by step (down to half size) until it fits the sheet, so a translation twice as
long as the English still fits on the page.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from app.posters.poster import Poster

INK = "#111111"
ACCENT = "#0b4f8a"
DANGER = "#b3261e"
WHITE = "#ffffff"
LINE_HEIGHT = 1.3
# Average advance of a character, as a share of the font size, in a sans-serif font.
CHAR_WIDTH = {False: 0.53, True: 0.58}  # regular, bold
SHRINK_STEPS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)


@dataclass(frozen=True)
class SvgLine:
    x: float
    y: float  # baseline
    size: float
    text: str
    lang: str
    dir: str
    bold: bool = False
    fill: str = INK
    mono: bool = False


@dataclass
class SvgLayout:
    width: float
    height: float
    lines: list[SvgLine] = field(default_factory=list)
    qr_x: float = 0
    qr_y: float = 0
    qr_scale: float = 1  # millimetres per module
    band_y: float = 0
    band_height: float = 0
    fits: bool = True


def wrap(text: str, width_mm: float, size: float, bold: bool = False) -> list[str]:
    per_line = max(8, int(width_mm / (size * CHAR_WIDTH[bold])))
    return textwrap.wrap(text, per_line) or [""]


class _Stack:
    """A column of centred lines, growing downwards from `top`."""

    def __init__(self, layout: SvgLayout, centre: float, width: float, top: float):
        self.layout, self.centre, self.width, self.y = layout, centre, width, top

    def add(self, text: str, size: float, lang: str, dir: str, bold=False, fill=INK, mono=False, wrap_it=True):
        for line in (wrap(text, self.width, size, bold) if wrap_it else [text]):
            self.y += size * LINE_HEIGHT
            # The baseline sits about a fifth of the size above the bottom of the line box.
            self.layout.lines.append(SvgLine(self.centre, round(self.y - size * 0.3, 2), size, line, lang, dir,
                                             bold, fill, mono))

    def gap(self, height: float):
        self.y += height


def layout_poster(poster: Poster, qr_modules: int) -> SvgLayout:
    for shrink in SHRINK_STEPS:
        layout = _layout(poster, qr_modules, poster.size.scale * shrink)
        if layout.fits:
            return layout
    return layout


def _layout(poster: Poster, qr_modules: int, k: float) -> SvgLayout:
    size = poster.size
    layout = SvgLayout(size.width_mm, size.height_mm)
    margin = 14 * size.scale
    content = size.width_mm - 2 * margin
    first = poster.texts[0]

    top = _Stack(layout, size.width_mm / 2, content, margin)
    top.add(poster.place_name, 7 * k, first.lang, first.dir, bold=True, fill=ACCENT)
    top.gap(5 * k)
    bottom_of_columns = _columns(layout, poster, margin, content, top.y, k)

    qr_width = 70 * k
    layout.qr_scale = round(qr_width / qr_modules, 4)
    layout.qr_x = round((size.width_mm - qr_width) / 2, 2)
    layout.qr_y = round(bottom_of_columns + 6 * k, 2)

    scan = _Stack(layout, size.width_mm / 2, content, layout.qr_y + qr_width + 1 * k)
    for text in poster.texts:
        scan.add(text.scan_title, 7 * k, text.lang, text.dir, bold=True)
    for text in poster.texts:
        scan.add(text.scan_help, 4.5 * k, text.lang, text.dir)
    scan.gap(1 * k)
    scan.add(poster.shown_link, 8 * k, "en", "ltr", bold=True, fill=ACCENT, mono=True, wrap_it=False)

    _danger_band(layout, poster, margin, content, k)
    layout.fits = scan.y + 4 * k <= layout.band_y and _widest_line_fits(layout, content)
    return layout


def _columns(layout: SvgLayout, poster: Poster, margin: float, content: float, top: float, k: float) -> float:
    """The words of each language, side by side; returns where the longest column ends."""
    count = len(poster.texts)
    gap = 8 * k
    width = (content - gap * (count - 1)) / count
    centres = [margin + width / 2 + i * (width + gap) for i in range(count)]
    if poster.dir == "rtl":  # the first language reads first: on the right in a right-to-left poster
        centres.reverse()
    bottoms = []
    for text, centre in zip(poster.texts, centres):
        column = _Stack(layout, centre, width, top)
        column.add(text.heading, 13 * k, text.lang, text.dir, bold=True)
        column.gap(3 * k)
        column.add(text.lead, 5.5 * k, text.lang, text.dir)
        column.gap(5 * k)
        column.add(text.signs_title, 6 * k, text.lang, text.dir, bold=True, fill=ACCENT)
        for sign in text.signs:
            column.gap(1 * k)
            column.add(f"• {sign}", 5.5 * k, text.lang, text.dir)
        bottoms.append(column.y)
    return max(bottoms)


def _danger_band(layout: SvgLayout, poster: Poster, margin: float, content: float, k: float) -> None:
    size = 7 * k
    padding = 4 * k
    lines = sum(len(wrap(t.danger, content, size, bold=True)) for t in poster.texts)
    layout.band_height = round(lines * size * LINE_HEIGHT + 2 * padding, 2)
    layout.band_y = round(layout.height - margin - layout.band_height, 2)
    band = _Stack(layout, layout.width / 2, content, layout.band_y + padding)
    for text in poster.texts:
        band.add(text.danger, size, text.lang, text.dir, bold=True, fill=WHITE)


def _widest_line_fits(layout: SvgLayout, content: float) -> bool:
    # Only the unwrapped short link can be too wide; wrapped lines fit by construction.
    return all(len(line.text) * line.size * CHAR_WIDTH[True] <= content for line in layout.lines if line.mono)
