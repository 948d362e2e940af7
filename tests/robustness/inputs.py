"""Shared by the property-based robustness tests: how many inputs to try, the tally printed at the
end of the run, the invariants checked after every input, and strategies for hostile input.

The default run tries a few hundred inputs per test; NOTICED_SLOW=1 (`make test-slow`) runs the
same tests with SLOW_FACTOR times as many (well over 10,000 in all)."""
from __future__ import annotations

import base64
import io
import json
import os
import re
import struct
import uuid
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import func, select

from app.extensions import db
from app.models.report import Attachment, Report
from app.services.receipts import ALPHABET, format_receipt, new_receipt

SLOW = os.environ.get("NOTICED_SLOW", "").strip() not in ("", "0")
SLOW_FACTOR = 10
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png)")
DATABASE_FILES = re.compile(r"noticed\.db(-wal|-shm|-journal)?")


def examples(default: int) -> int:
    return default * SLOW_FACTOR if SLOW else default


def fuzz(default_examples: int) -> settings:
    """Hypothesis settings for a robustness test: example count from the environment, no
    deadline (a slow CI machine is not a failure), no example database left in the work tree."""
    return settings(max_examples=examples(default_examples), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example],
                    print_blob=True)


@dataclass
class Tally:
    """What the robustness tests sent, printed at the end of the run (see conftest.py)."""

    tried: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    server_errors: Counter = field(default_factory=Counter)

    def record(self, family: str, status: int) -> None:
        self.tried[family] += 1
        self.statuses[status] += 1
        if status >= 500:
            self.server_errors[family] += 1


TALLY = Tally()


class State(NamedTuple):
    reports: int
    stored_names: frozenset[str]  # attachment files the database refers to
    files: frozenset[str]  # every file under the app's folder, but the database's own


def state(app, root: Path) -> State:
    with app.app_context():
        reports = db.session.execute(select(func.count()).select_from(Report)).scalar_one()
        names = frozenset(db.session.execute(select(Attachment.stored_name)).scalars())
        db.session.remove()
    files = frozenset(str(p.relative_to(root)) for p in root.rglob("*")
                      if p.is_file() and not DATABASE_FILES.fullmatch(p.name))
    return State(reports, names, files)


def check_storage(app, root: Path, before: State, status: int, *, success: bool, rows_added=(0, 1)) -> State:
    """The invariants after any input: no 5xx; the attachment folder holds exactly the files the
    database refers to, with our own names (no partial file, no name taken from the upload, nothing
    written anywhere else); a refused input changed nothing; an accepted one added `rows_added`
    rows (1 for a new report; 0 for a replay)."""
    assert status < 500, f"server error {status}"
    after = state(app, root)
    folder = Path(app.config["UPLOAD_FOLDER"]).relative_to(root)
    assert after.files == frozenset(str(folder / name) for name in after.stored_names)
    assert all(STORED_NAME.fullmatch(name) for name in after.stored_names)
    if success:
        assert after.reports - before.reports in rows_added
    else:
        assert after == before, "a refused input changed what is stored"
    return after


# --- Hostile text ----------------------------------------------------------------------------

ODD_STRINGS = [
    "", " ", "\t\n\r ", "\x00", "a\x00b", "\u200f\u202eevil\u202c", "\u202e‮gpj.exe", "\ufeff", "\u2028\u2029",
    "e\u0301\u0302\u0303\u0304" * 50, "Z̷̧̛͈̈́a̸̡͝l̵̛g̴o̵", "مرحبا بالعالم", "שלום", "😀" * 100, "\U0010ffff",
    "\ud800", "\udfff", "a\ud83db", "\ud83d\ude00", "%s%(x)s{0}{}", "<script>alert(1)</script>", "' OR 1=1 --",
    "../../etc/passwd", "\\\\server\\share", "null", "None", "true", "0", "-1", "1e309", "NaN",
    "x" * 5000, "x" * 5001, "y" * 20000, " " * 5001, "\x1c\x1d\x1e\x1f",
]

characters = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogate halves
    st.characters(categories=["Mn", "Me", "Cf", "Cc", "Zl", "Zp"]),  # combining, bidi, controls
)
odd_text = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(characters, max_size=60),
    st.builds(lambda s, n: s * n, st.text(characters, min_size=1, max_size=3), st.integers(0, 7000)),
)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63),
                         st.floats(allow_nan=True, allow_infinity=True), odd_text)
json_values = st.recursive(json_scalars,
                           lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.text(max_size=10), children, max_size=4),
                           max_leaves=12)

# Mostly fresh ones (so most valid reports are new and get stored); sometimes drawn by Hypothesis,
# which repeats them, so replays and conflicts with earlier inputs get tried too.
report_ids = st.one_of(st.builds(lambda: str(uuid.uuid4())), st.builds(lambda: str(uuid.uuid4()).upper()),
                       st.uuids().map(str))
receipts = st.one_of(st.builds(new_receipt), st.builds(new_receipt),
                     st.text(alphabet=ALPHABET, min_size=12, max_size=12).map(format_receipt))
KINDS = ["threat", "online", "weapons", "self_harm", "other"]


def deep_nesting(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- Hostile files ---------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declaring(width: int, height: int, colour_type: int = 2, rows: int = 4) -> bytes:
    """A PNG whose header declares width x height, followed by a few rows of pixel data: opening
    it must not allocate what the header claims."""
    bit_depth = 8
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    row = b"\x00" + b"\x00" * min(width * channels, 4096)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(row * rows))
            + _png_chunk(b"IEND", b""))


@cache
def real_png_bomb() -> bytes:
    """A complete, valid 1-bit PNG of 12,000 x 12,000 pixels (144 megapixels) that weighs ~20 kB."""
    width = height = 12_000
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    raw = (b"\x00" + b"\x00" * (width // 8)) * height
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(raw, 9))
            + _png_chunk(b"IEND", b""))


def jpeg_declaring(width: int, height: int) -> bytes:
    """A JPEG start (SOI, a baseline frame header declaring the size) and nothing after it."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + sof + b"\xff\xd9"


def picture(fmt: str, size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


ACCEPTED = ["JPEG", "PNG", "WEBP"]
REFUSED = ["GIF", "BMP", "TIFF", "ICO", "PPM"]

pictures = st.builds(picture, st.sampled_from(ACCEPTED + REFUSED),
                     st.tuples(st.integers(1, 80), st.integers(1, 80)),
                     st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(0, 255)))
bombs = st.one_of(
    st.builds(png_declaring, st.integers(10_000, 2**31 - 1), st.integers(10_000, 2**31 - 1),
              st.sampled_from([0, 2, 4, 6])),
    st.builds(jpeg_declaring, st.integers(10_000, 65_535), st.integers(10_000, 65_535)),
    st.builds(real_png_bomb),
    st.builds(png_declaring, st.integers(1, 3_000), st.integers(1, 3_000), st.sampled_from([0, 2])),  # truncated
)
not_pictures = st.one_of(
    st.binary(max_size=3000),
    st.sampled_from([b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj", b"<svg onload=alert(1)/>", b"<?php system($_GET['c']); ?>",
                     b"PK\x03\x04" + b"\x00" * 26, b"GIF89a", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBPVP8 "]),
)
truncated_pictures = st.builds(lambda data, cut: data[:max(1, int(len(data) * cut))], pictures,
                               st.floats(0.05, 0.95))
# Real pictures twice as often as each kind of bad file, so that photos get stored too.
uploads = st.one_of(pictures, pictures, truncated_pictures, bombs, not_pictures, st.just(b""))

FILE_NAMES = ["../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "photo.jpg\x00.php", "a/b/../../c.png",
              "", ".", "..", "CON", "x" * 300 + ".jpg", "ф.jpg", "\u202egpj.exe", ".htaccess", "~/.ssh/id_rsa", "IMG_0042.JPG"]
file_names = st.one_of(st.sampled_from(FILE_NAMES), st.text(characters, max_size=40))
MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "application/pdf", "text/html", "image/svg+xml",
               "application/octet-stream", "", "image/jpeg; charset=utf-8", "x" * 200]
media_types = st.one_of(st.sampled_from(MEDIA_TYPES), st.text(max_size=30))


def as_base64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# --- Multipart, by hand: any bytes anywhere --------------------------------------------------

class Part(NamedTuple):
    name: bytes
    value: bytes
    filename: bytes | None = None
    content_type: bytes | None = None


def multipart(parts: list[Part], boundary: bytes) -> bytes:
    out = bytearray()
    for part in parts:
        out += b"--" + boundary + b"\r\n"
        out += b'Content-Disposition: form-data; name="' + part.name + b'"'
        if part.filename is not None:
            out += b'; filename="' + part.filename + b'"'
        out += b"\r\n"
        if part.content_type is not None:
            out += b"Content-Type: " + part.content_type + b"\r\n"
        out += b"\r\n" + part.value + b"\r\n"
    out += b"--" + boundary + b"--\r\n"
    return bytes(out)


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def to_json(body, ascii_only: bool) -> bytes:
    return encode(json.dumps(body, ensure_ascii=ascii_only))
