"""The QR code, read back by a real decoder (zxing-cpp), as a phone's camera would."""
from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from app.posters.poster import QUIET_ZONE, qr_png

MODULE_PIXELS = 16  # qr_png's default scale


def decode(png: bytes) -> zxingcpp.Barcode:
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return barcode


def test_the_downloaded_qr_code_reads_as_the_places_short_link(client, register):
    place = register()
    response = client.get(f"/en/places/qr.png?key={place.key}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "no-store"
    barcode = decode(response.data)
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.text == f"http://localhost/r/{place.code}"


def test_error_correction_is_level_m_or_higher():
    barcode = decode(qr_png("https://noticed.example/r/AB12CD34"))
    assert barcode.ec_level in {"M", "Q", "H"}


def test_the_code_has_a_white_quiet_zone_of_four_modules():
    image = Image.open(io.BytesIO(qr_png("https://noticed.example/r/AB12CD34"))).convert("L")
    margin = QUIET_ZONE * MODULE_PIXELS
    width, height = image.size
    for box in [(0, 0, width, margin), (0, height - margin, width, height),
                (0, 0, margin, height), (width - margin, 0, width, height)]:
        assert image.crop(box).getextrema() == (255, 255)
    # ...and the code starts right after it: the finder pattern's dark corner.
    assert image.getpixel((margin, margin)) == 0
    assert QUIET_ZONE >= 4
