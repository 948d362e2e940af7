"""Static files: precompressed copies (brotli, gzip) written at build time and served when the
browser accepts them, so a cheap phone downloads the smallest bytes and the server does no work."""
from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path

import brotli
from flask import Flask, request, send_from_directory

COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".webmanifest", ".txt"}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def precompress(folder: Path) -> int:
    """Write name.br and name.gz beside every compressible file that lacks a fresh copy."""
    written = 0
    for path in folder.rglob("*"):
        if path.suffix not in COMPRESSIBLE or not path.is_file():
            continue
        data = path.read_bytes()
        for suffix, compress in ((".br", lambda d: brotli.compress(d, quality=11)),
                                 (".gz", lambda d: gzip.compress(d, compresslevel=9, mtime=0))):
            target = path.with_name(path.name + suffix)
            if not target.exists() or target.stat().st_mtime < path.stat().st_mtime:
                target.write_bytes(compress(data))
                written += 1
    return written


def send_static(app: Flask, filename: str):
    folder = Path(app.static_folder)
    max_age = app.get_send_file_max_age(filename)
    accepted = request.accept_encodings
    for encoding, suffix in ENCODINGS:
        compressed = folder / (filename + suffix)
        if accepted[encoding] and compressed.is_file() and compressed.resolve().is_relative_to(folder.resolve()):
            response = send_from_directory(folder, filename + suffix, max_age=max_age,
                                           mimetype=mimetypes.guess_type(filename)[0] or "application/octet-stream")
            response.headers["Content-Encoding"] = encoding
            response.vary.add("Accept-Encoding")
            return response
    response = send_from_directory(folder, filename, max_age=max_age)
    response.vary.add("Accept-Encoding")
    return response
