"""Draws Noticed's icons (a speech bubble with an exclamation mark) into static/icons/.

Run once when the design changes: `python tools/make_icons.py`. The PNGs are committed.
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
BLUE, WHITE = (11, 79, 138), (255, 255, 255)


def draw(size: int, safe_zone: float) -> Image.Image:
    """safe_zone: the share of the canvas the symbol may use (maskable icons need 80%)."""
    scale = 4  # draw large, then shrink, for smooth edges
    s = size * scale
    image = Image.new("RGB", (s, s), BLUE)
    d = ImageDraw.Draw(image)
    pad = s * (1 - safe_zone) / 2 + s * 0.14 * safe_zone
    left, top, right, bottom = pad, pad, s - pad, s - pad - s * 0.12 * safe_zone
    d.rounded_rectangle((left, top, right, bottom), radius=(right - left) * 0.22, fill=WHITE)
    tail = s * 0.12 * safe_zone
    d.polygon([(left + (right - left) * 0.22, bottom - 1), (left + (right - left) * 0.42, bottom - 1),
               (left + (right - left) * 0.2, bottom + tail)], fill=WHITE)
    cx, width = s / 2, (right - left) * 0.12
    d.rounded_rectangle((cx - width / 2, top + (bottom - top) * 0.16, cx + width / 2, top + (bottom - top) * 0.6),
                        radius=width / 2, fill=BLUE)
    dot_y = top + (bottom - top) * 0.77
    d.ellipse((cx - width * 0.62, dot_y - width * 0.62, cx + width * 0.62, dot_y + width * 0.62), fill=BLUE)
    return image.resize((size, size), Image.LANCZOS)


def save(image: Image.Image, name: str) -> None:
    # Two colours and their anti-aliased edges fit a 16-colour palette: a fraction of the bytes.
    image.quantize(colors=16, dither=Image.Dither.NONE).save(OUT / name, optimize=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        save(draw(size, 1.0), f"icon-{size}.png")
        save(draw(size, 0.8), f"maskable-{size}.png")
    save(draw(180, 0.9), "apple-touch-icon.png")


if __name__ == "__main__":
    main()
