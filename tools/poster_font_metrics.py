"""Measures the fonts the SVG poster names and writes their advance widths to
app/posters/font_metrics.json, so that app/posters/svg_layout.py can wrap lines by real widths on
a server that has no font files.

Run when a font the poster names changes: `python tools/poster_font_metrics.py` (needs fontTools,
from the test extra, and Debian's fonts-noto-core, fonts-noto-cjk and fonts-dejavu-core). The JSON
is committed.

Each face is stored as runs of code points that share one advance, in thousandths of an em,
rounded up: a line measured from the table is never narrower than the font draws it. A face with
a language applies that language's `locl` substitutions first, as a browser does for a line
marked with it: Noto Sans CJK's Korean space is wider than its Chinese one.

Arabic letters are measured in their isolated form, the widest: joined text is narrower, so an
Arabic line is never wider than measured, only a little shorter than it could have been.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont

OUT = Path(__file__).resolve().parent.parent / "app" / "posters" / "font_metrics.json"
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

# face key -> (family name the SVG names, regular file, bold file, OpenType language or None);
# a .ttc is searched for the family.
FACES = {
    "latin": ("Noto Sans", NOTO / "NotoSans-Regular.ttf", NOTO / "NotoSans-Bold.ttf", None),
    "arabic": ("Noto Sans Arabic", NOTO / "NotoSansArabic-Regular.ttf", NOTO / "NotoSansArabic-Bold.ttf", None),
    "cjk_sc": ("Noto Sans CJK SC", NOTO_CJK / "NotoSansCJK-Regular.ttc", NOTO_CJK / "NotoSansCJK-Bold.ttc", "ZHS "),
    "cjk_kr": ("Noto Sans CJK KR", NOTO_CJK / "NotoSansCJK-Regular.ttc", NOTO_CJK / "NotoSansCJK-Bold.ttc", "KOR "),
    "mono": ("DejaVu Sans Mono", DEJAVU / "DejaVuSansMono.ttf", DEJAVU / "DejaVuSansMono-Bold.ttf", None),
}


def open_face(path: Path, family: str) -> TTFont:
    if path.suffix != ".ttc":
        return TTFont(path, lazy=True)
    for font in TTCollection(path, lazy=True).fonts:
        if font["name"].getDebugName(1) == family:
            return font
    raise SystemExit(f"{family} is not in {path}")


def local_forms(font: TTFont, language: str | None) -> dict[str, str]:
    """glyph -> glyph: the single substitutions of the `locl` feature for `language`, in any script."""
    if language is None or "GSUB" not in font:
        return {}
    gsub = font["GSUB"].table
    features = set()
    for script in gsub.ScriptList.ScriptRecord:
        for langsys in script.Script.LangSysRecord:
            if langsys.LangSysTag == language:
                features.update(langsys.LangSys.FeatureIndex)
    forms: dict[str, str] = {}
    for index in sorted(features):
        record = gsub.FeatureList.FeatureRecord[index]
        if record.FeatureTag != "locl":
            continue
        for lookup_index in record.Feature.LookupListIndex:
            for subtable in gsub.LookupList.Lookup[lookup_index].SubTable:
                if subtable.LookupType == 7:  # an extension: the real subtable is inside
                    subtable = subtable.ExtSubTable
                forms.update(getattr(subtable, "mapping", None) or {})
    return forms


def advance_runs(font: TTFont, language: str | None) -> list[list[int]]:
    """[[first code point, how many, advance in 1/1000 em], ...] over the font's whole cmap."""
    scale = 1000 / font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap()
    forms = local_forms(font, language)
    runs: list[list[int]] = []
    for code in sorted(cmap):
        glyph = forms.get(cmap[code], cmap[code])
        advance = math.ceil(metrics[glyph][0] * scale)
        last = runs[-1] if runs else None
        if last and last[0] + last[1] == code and last[2] == advance:
            last[1] += 1
        else:
            runs.append([code, 1, advance])
    return runs


def face_metrics(family: str, regular: Path, bold: Path, language: str | None) -> dict:
    fonts = {"regular": open_face(regular, family), "bold": open_face(bold, family)}
    return {
        "family": family,
        "version": fonts["regular"]["name"].getDebugName(5),
        **{weight: advance_runs(font, language) for weight, font in fonts.items()},
    }


def main() -> None:
    table = {"faces": {key: face_metrics(*face) for key, face in FACES.items()}}
    with OUT.open("w", encoding="utf-8") as out:
        json.dump(table, out, separators=(",", ":"))
        out.write("\n")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
