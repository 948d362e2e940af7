"""Placing a poster's lines on an SVG sheet. SVG has no line wrapping, so lines are wrapped and
stacked here (in millimetres, one SVG user unit each), and templates/posters/poster.svg only
draws them.

Lines break where the Unicode line-breaking algorithm (UAX #14, from uniseg) allows: at spaces,
between Chinese characters, never before a closing "。". Korean keeps its words whole, as CSS
`word-break: keep-all` does, and breaks inside a word only when the word alone is wider than the
line. Widths are measured, not guessed: app/posters/font_metrics.json holds the advance of every
character of the fonts the SVG names (Noto Sans, Noto Sans Arabic, Noto Sans CJK, DejaVu Sans
Mono), made by tools/poster_font_metrics.py, so the server needs no font file. Each line keeps a
small margin for what the table cannot know: Arabic joining, and the fallback font of a reader
without Noto.

Text is centred, which looks right in both directions, and the whole layout shrinks step by step
(down to half size) until it fits the sheet, so a translation twice as long as the English still
fits on the page.
"""
from __future__ import annotations

import json
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from uniseg.graphemecluster import grapheme_clusters
from uniseg.linebreak import line_break_units

from app.posters.poster import Poster

INK = "#111111"
ACCENT = "#0b4f8a"
DANGER = "#b3261e"
WHITE = "#ffffff"
LINE_HEIGHT = 1.3
SHRINK_STEPS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
# A line may fill this share of its column: kerning, Arabic joining and a reader's fallback font
# (Arial, Malgun Gothic...) draw a little wider or narrower than the table says.
FILL = 0.94
FONT_METRICS = Path(__file__).with_name("font_metrics.json")

# What the SVG's font-family names for each measured face: the family measured first, then the
# same design under the name other systems install it by.
FACE_FAMILIES = {
    "latin": ("Noto Sans",),
    "arabic": ("Noto Sans Arabic",),
    "cjk_sc": ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC"),
    "cjk_kr": ("Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR"),
    "mono": ("DejaVu Sans Mono",),
}
# Common system fonts of each script, for a reader with no Noto at all, before the generic family.
SYSTEM_FALLBACKS = {
    "latin": ("Arial", "Helvetica", "Liberation Sans"),
    "arabic": ("Tahoma", "Arial"),
    "cjk_sc": ("PingFang SC", "Microsoft YaHei"),
    "cjk_kr": ("Apple SD Gothic Neo", "Malgun Gothic"),
    "mono": ("Menlo", "Consolas"),
}
# The face a script's text is drawn in; the others follow it for characters it lacks (a Chinese
# place name on an English poster, the Latin "911" on an Arabic one).
SCRIPT_FACES = {"Arab": "arabic", "Hans": "cjk_sc", "Hant": "cjk_sc", "Hani": "cjk_sc", "Jpan": "cjk_sc",
                "Kore": "cjk_kr", "Hang": "cjk_kr"}
FALLBACK_ORDER = ("latin", "arabic", "cjk_sc")
# Scripts whose words must not be broken between letters (CSS word-break: keep-all).
KEEP_WORDS_WHOLE = {"Kore", "Hang"}


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

    @property
    def font_family(self) -> str:
        return font_family(self.lang, self.mono)


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


# --- Fonts and widths --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Advances:
    """One face in one weight: runs of code points sharing an advance (1/1000 em)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]  # exclusive
    advances: tuple[int, ...]

    def get(self, code: int) -> int | None:
        i = bisect_right(self.starts, code) - 1
        return self.advances[i] if i >= 0 and code < self.ends[i] else None


@cache
def _advances(face: str, bold: bool) -> _Advances:
    runs = font_metrics()["faces"][face]["bold" if bold else "regular"]
    return _Advances(tuple(r[0] for r in runs), tuple(r[0] + r[1] for r in runs), tuple(r[2] for r in runs))


@cache
def font_metrics() -> dict:
    """The table tools/poster_font_metrics.py wrote: each face's family, version and advances."""
    with FONT_METRICS.open(encoding="utf-8") as table:
        return json.load(table)


@cache
def script_of(lang: str) -> str:
    """The ISO 15924 script a language is written in, from CLDR: zh-Hans -> Hans, ko -> Kore."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return "Latn"
    if locale.script:
        return locale.script
    likely = get_global("likely_subtags").get(locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else "Latn"


def faces_for(lang: str, mono: bool = False) -> tuple[str, ...]:
    """The measured faces a line in `lang` is drawn with, first choice first."""
    if mono:
        return ("mono",) + FALLBACK_ORDER
    first = SCRIPT_FACES.get(script_of(lang), "latin")
    return (first,) + tuple(face for face in FALLBACK_ORDER if face != first)


def font_family(lang: str, mono: bool = False) -> str:
    """The SVG font-family for a line in `lang`: the faces it was measured with, in the order
    measured, then the system fonts of its script, then the generic family."""
    faces = ("mono",) if mono else faces_for(lang)  # the link is ASCII: a monospace font has it all
    names = [name for face in faces for name in FACE_FAMILIES[face]] + list(SYSTEM_FALLBACKS[faces[0]])
    generic = "monospace" if mono else "sans-serif"
    return ", ".join(f"'{name}'" if " " in name else name for name in names) + f", {generic}"


def text_width(text: str, faces: tuple[str, ...], bold: bool = False) -> float:
    """Width in ems, as a browser draws it: each character from the first face that has it."""
    tables = [_advances(face, bold) for face in faces]
    total = 0
    for char in text:
        code = ord(char)
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # marks and joiners take no room
            continue
        advance = next((a for a in (table.get(code) for table in tables) if a is not None), 1000)
        total += advance
    return total / 1000


# --- Breaking lines --------------------------------------------------------------------------------

def wrap(text: str, width_mm: float, size: float, lang: str = "en", bold: bool = False) -> list[str]:
    """`text` cut into lines no wider than width_mm at font size `size` (both in millimetres)."""
    faces = faces_for(lang)
    room = width_mm * FILL / size

    def fits(line: str) -> bool:
        return text_width(line.rstrip(), faces, bold) <= room

    lines: list[str] = []
    line = ""
    for piece in _pieces(text.strip(), lang, fits):
        if line and not fits(line + piece):
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return lines


def _pieces(text: str, lang: str, fits: Callable[[str], bool]) -> list[str]:
    """The text cut at each place a line may break; a piece too wide for a line of its own is cut
    again where UAX #14 allows, and as a last resort between characters."""
    pieces: list[str] = []
    for word in _words(text, lang):
        if fits(word):
            pieces.append(word)
            continue
        for unit in _units(word):
            pieces.extend([unit] if fits(unit) else grapheme_clusters(unit))
    return pieces


def _words(text: str, lang: str) -> tuple[str, ...]:
    """UAX #14's line-breaking units; for Korean, rejoined wherever a break would split a word
    (a letter on both sides), so that lines break at the spaces between words."""
    units = _units(text)
    if script_of(lang) not in KEEP_WORDS_WHOLE:
        return units
    words: list[str] = []
    for unit in units:
        if words and _is_letter(words[-1][-1]) and _is_letter(unit[0]):
            words[-1] += unit
        else:
            words.append(unit)
    return tuple(words)


# uniseg is pure Python and slow; the same few sentences are cut again at every shrink step.
@lru_cache(maxsize=4096)
def _units(text: str) -> tuple[str, ...]:
    """The text cut after each line break opportunity of UAX #14."""
    return tuple(line_break_units(text))


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


# --- Laying out the sheet ------------------------------------------------------------------------

class _Stack:
    """A column of centred lines, growing downwards from `top`."""

    def __init__(self, layout: SvgLayout, centre: float, width: float, top: float):
        self.layout, self.centre, self.width, self.y = layout, centre, width, top

    def add(self, text: str, size: float, lang: str, dir: str, bold=False, fill=INK, mono=False, wrap_it=True):
        lines = wrap(text, self.width, size, lang, bold) if wrap_it else [text]
        for line in lines:
            if text_width(line, faces_for(lang, mono), bold) * size > self.width * FILL + 1e-6:
                self.layout.fits = False  # a link, or one character, wider than the column
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

    # Room for accents and Arabic letters, which reach up to 1.37 em above the baseline: nothing may
    # touch the code's quiet zone, or phones may not find the code.
    scan = _Stack(layout, size.width_mm / 2, content, layout.qr_y + qr_width + 3 * k)
    for text in poster.texts:
        scan.add(text.scan_title, 7 * k, text.lang, text.dir, bold=True)
    for text in poster.texts:
        scan.add(text.scan_help, 4.5 * k, text.lang, text.dir)
    scan.gap(1 * k)
    # The link is typed from the poster, so it stays on one line: a long public address gets
    # smaller type rather than shrinking the whole poster.
    link_size = min(8 * k, content * FILL / max(text_width(poster.shown_link, faces_for("en", mono=True), True), 1))
    scan.add(poster.shown_link, link_size, "en", "ltr", bold=True, fill=ACCENT, mono=True, wrap_it=False)

    _danger_band(layout, poster, margin, content, k)
    layout.fits = layout.fits and scan.y + 4 * k <= layout.band_y
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
    lines = sum(len(wrap(t.danger, content, size, t.lang, bold=True)) for t in poster.texts)
    layout.band_height = round(lines * size * LINE_HEIGHT + 2 * padding, 2)
    layout.band_y = round(layout.height - margin - layout.band_height, 2)
    band = _Stack(layout, layout.width / 2, content, layout.band_y + padding)
    for text in poster.texts:
        band.add(text.danger, size, text.lang, text.dir, bold=True, fill=WHITE)

