"""The SVG poster's line breaking and widths, without a browser (tests/browser/
test_poster_layout_browser.py draws every poster in Chromium): Chinese breaks between characters
but never before its closing punctuation, Korean breaks between words, every line fits its column
by the fonts' own metrics, and those metrics are the installed fonts' real ones."""
from __future__ import annotations

import importlib.util
from itertools import combinations
from pathlib import Path

import pytest

from app import create_app
from app.posters.poster import PAPER_SIZES, Poster, PosterText, poster_text
from app.posters.svg_layout import (FACE_FAMILIES, FILL, faces_for, font_family, font_metrics,
                                    layout_poster, text_width, wrap)

ROOT = Path(__file__).resolve().parents[2]
# Where UAX #14 forbids a line to start (closing punctuation) or end (opening punctuation).
NEVER_STARTS_A_LINE = set("，。、：；？！）」』》")
NEVER_ENDS_A_LINE = set("（「『《")


@pytest.fixture(scope="module")
def texts():
    """Every shipped language's poster words, as the app renders them."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        return {lang: poster_text(lang) for lang in app.config["LANGUAGES"]}


def poster(size: str, *texts) -> Poster:
    return Poster("Main Street Pharmacy", PAPER_SIZES[size], texts, "http://localhost/r/AB12CD34",
                  "localhost/r/AB12CD34")


def test_every_language_alone_and_in_pairs_fits_every_paper_size(texts):
    problems = []
    for size in PAPER_SIZES:
        for languages in [(lang,) for lang in texts] + list(combinations(texts, 2)):
            layout = layout_poster(poster(size, *(texts[lang] for lang in languages)), qr_modules=37)
            name = f"{size} {'+'.join(languages)}"
            if not layout.fits:
                problems.append(f"{name}: does not fit even at half size")
            for line in layout.lines:
                half = text_width(line.text, faces_for(line.lang, line.mono), line.bold) * line.size / 2
                if line.x - half < 0 or line.x + half > layout.width:
                    problems.append(f"{name}: off the paper: {line.text!r}")
                # Side by side, the first column's lines stay left of the gutter, the second's right.
                if line.x < layout.width / 2 - 1 and line.x + half > layout.width / 2:
                    problems.append(f"{name}: into the right column: {line.text!r}")
                if line.x > layout.width / 2 + 1 and line.x - half < layout.width / 2:
                    problems.append(f"{name}: into the left column: {line.text!r}")
    assert not problems, "\n".join(problems)


def test_a_chinese_paragraph_breaks_between_characters_but_not_before_its_punctuation(texts):
    lead = texts["zh_Hans"].lead
    lines = wrap(lead, 60, 5.5, "zh-Hans")
    assert len(lines) >= 3  # the whole paragraph on one line is what ran off the paper
    assert "".join(lines) == lead  # no character lost, none added
    assert all(text_width(line, faces_for("zh-Hans")) * 5.5 <= 60 for line in lines)
    assert not any(line[0] in NEVER_STARTS_A_LINE for line in lines[1:])
    assert not any(line[-1] in NEVER_ENDS_A_LINE for line in lines[:-1])


@pytest.mark.parametrize("width", [40, 60, 90])
def test_korean_breaks_between_words_not_inside_them(texts, width):
    lead = texts["ko"].lead
    lines = wrap(lead, width, 5.5, "ko")
    assert len(lines) >= 2
    # Every line ends where a word ends: the lines joined by spaces give back the sentence.
    assert " ".join(lines) == lead


def test_a_korean_word_wider_than_the_line_is_still_broken_to_fit():
    word = "예방팀" * 12  # one "word" with no space: kept whole, it would run off the line
    lines = wrap(word, 40, 5.5, "ko")
    assert len(lines) > 1 and "".join(lines) == word
    assert all(text_width(line, faces_for("ko")) * 5.5 <= 40 * FILL for line in lines)


def test_english_and_arabic_break_at_spaces(texts):
    for lang in ("en", "ar"):
        lead = texts[lang].lead
        lines = wrap(lead, 60, 5.5, lang)
        assert len(lines) >= 3 and " ".join(lines) == lead


def test_an_unbroken_link_too_long_for_the_sheet_gets_smaller_type_not_cut():
    long_link = "reports.prevention-team.example-county.example.org/r/AB12CD34"
    sheet = Poster("Main Street Pharmacy", PAPER_SIZES["tent"], (english(),), "https://" + long_link, long_link)
    layout = layout_poster(sheet, qr_modules=41)
    [link] = [line for line in layout.lines if line.mono]
    assert link.text == long_link
    assert layout.fits
    assert text_width(link.text, faces_for("en", mono=True), True) * link.size <= layout.width


def english() -> PosterText:
    return PosterText("en", "ltr", "Worried about someone?", "Tell a prevention team.", "Warning signs",
                      ("Threats to hurt people",), "Report a concern", "Scan the code, or type:",
                      "Someone in danger now? Call 911")


@pytest.mark.parametrize("lang, first_family", [
    ("en", "Noto Sans"), ("vi", "Noto Sans"), ("ar", "Noto Sans Arabic"),
    ("zh-Hans", "Noto Sans CJK SC"), ("ko", "Noto Sans CJK KR"),
])
def test_each_line_names_first_the_font_it_was_measured_with(lang, first_family):
    assert font_family(lang).startswith(f"'{first_family}',")
    assert FACE_FAMILIES[faces_for(lang)[0]][0] == first_family
    assert font_family(lang).endswith(", sans-serif")


def test_the_metrics_table_holds_the_installed_fonts_real_advances(texts):
    """The committed table against the fonts themselves, for every character a poster prints: a
    newer Noto that draws wider fails here, and `python tools/poster_font_metrics.py` mends it."""
    pytest.importorskip("fontTools")
    spec = importlib.util.spec_from_file_location("poster_font_metrics", ROOT / "tools" / "poster_font_metrics.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    printed = {char for text in texts.values() for field in vars(text).values()
               for char in ("".join(field) if isinstance(field, tuple) else field)}
    for face, (family, regular, _bold, language) in tool.FACES.items():
        if not regular.exists():
            pytest.skip(f"{regular} is not installed (Debian's fonts-noto-core, fonts-noto-cjk, fonts-dejavu-core)")
        measured = {code: advance for start, count, advance in tool.advance_runs(tool.open_face(regular, family),
                                                                                 language)
                    for code in range(start, start + count)}
        table = {code: advance for start, count, advance in font_metrics()["faces"][face]["regular"]
                 for code in range(start, start + count)}
        for char in printed:
            assert table.get(ord(char)) == measured.get(ord(char)), f"{face} {char!r}"
