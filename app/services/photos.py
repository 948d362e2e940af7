"""Photos and screenshots sent with a report: checked, re-encoded, every bit of metadata dropped.

Re-encoding from pixels (rather than deleting EXIF tags) guarantees that no GPS position,
camera serial or thumbnail survives, whatever container the upload came in.
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC, where the Pillow plugin is available
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover
    pass

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Well above any phone camera (a 200-megapixel sensor is the largest sold), far below a bomb.
MAX_PIXELS = 210_000_000
MAX_STORED_SIDE = 4096
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "HEIF", "MPO"}


class PhotoError(ValueError):
    """An upload that is not a photo we can keep; the message is shown to the reporter."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    media_type: str
    extension: str


def clean_photo(raw: bytes) -> CleanPhoto:
    if len(raw) > MAX_PHOTO_BYTES:
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise PhotoError(_l("Each photo can be at most 10 MB."))
    if not raw:
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise PhotoError(_l("That photo file is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            source_format = image.format
            if source_format not in ACCEPTED_FORMATS:
                # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                raise PhotoError(_l("Photos must be JPEG, PNG, WebP or HEIC pictures."))
            if image.width * image.height > MAX_PIXELS:
                # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                raise PhotoError(_l("That picture is too large to process."))
            image.load()
            image = ImageOps.exif_transpose(image)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise PhotoError(_l("That picture is too large to process.")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        raise PhotoError(_l("Photos must be JPEG, PNG, WebP or HEIC pictures.")) from None

    image.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))
    keep_png = source_format == "PNG" or (image.mode in ("RGBA", "LA", "P") and "transparency" in image.info)
    pixels = Image.new(image.mode if image.mode in ("RGB", "RGBA", "L") else "RGB", image.size)
    pixels.paste(image.convert(pixels.mode))
    out = io.BytesIO()
    if keep_png:
        pixels.save(out, format="PNG", optimize=True)
        return CleanPhoto(out.getvalue(), "image/png", "png")
    pixels.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), "image/jpeg", "jpg")
