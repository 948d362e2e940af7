"""Builders for test data: valid reports and photos, with one thing changed per test."""
from __future__ import annotations

import base64
import io
import uuid

from PIL import Image

from app.services.receipts import new_receipt


def api_report(**changes) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "receipt": new_receipt(),
        "kind": "threat",
        "description": "A student in my class said he would bring a gun on Friday.",
        "danger_now": "no",
        "language": "en",
    }
    body.update(changes)
    return body


def photo_with_gps(fmt: str = "JPEG", size=(64, 48)) -> bytes:
    """A small picture carrying EXIF with a GPS position and a camera model."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Test Camera Model"  # Model
    exif[0x8825] = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def as_attachment(data: bytes, media_type: str = "image/jpeg") -> dict:
    return {"name": "photo", "type": media_type, "data": base64.b64encode(data).decode()}
