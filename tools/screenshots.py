"""Takes the screenshots in docs/: the README's phone screenshots (English and Arabic home pages,
side by side) and printed posters (English, Arabic, Spanish beside Arabic) of a sample place.

Run `python tools/screenshots.py` after `make assets translations`; needs /usr/bin/chromium.
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "screenshots")

from datetime import datetime, timezone  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models.place import PlaceKind  # noqa: E402
from app.services.places import PlaceDetails, register_place  # noqa: E402

POSTERS = {"poster-en.png": "language=en", "poster-ar.png": "language=ar", "poster-es-ar.png": "language=es&second=ar"}

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main(paths=("/en/", "/ar/"), out=ROOT / "docs" / "screenshot-home.png") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/shots.db", "SESSION_COOKIE_SECURE": False})
        with app.app_context():
            db.create_all()
            details = PlaceDetails(name="Main Street Pharmacy", kind=PlaceKind.BUSINESS, area="Springfield")
            key = register_place(db.session, details, datetime.now(timezone.utc)).manage_token
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        shots = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                    service_workers="block")
            for index, path in enumerate(paths):
                page.goto(base + path)
                shot = Path(tmp) / f"{index}.png"
                page.screenshot(path=str(shot))
                shots.append(Image.open(shot).convert("RGB"))
            poster_page = browser.new_page(viewport={"width": 794, "height": 1123}, service_workers="block")
            for name, query in POSTERS.items():
                poster_page.goto(f"{base}/en/places/poster?key={key}&size=a4&{query}")
                poster_page.emulate_media(media="print")
                poster_page.screenshot(path=str(out.parent / name), full_page=True)
                print(f"wrote {out.parent / name}")
            browser.close()
        server.shutdown()
        gap = 24
        sheet = Image.new("RGB", (sum(s.width for s in shots) + gap * (len(shots) - 1), shots[0].height), "white")
        x = 0
        for shot in shots:
            sheet.paste(shot, (x, 0))
            x += shot.width + gap
        sheet = sheet.resize((sheet.width // 2, sheet.height // 2), Image.LANCZOS)
        out.parent.mkdir(exist_ok=True)
        sheet.save(out, optimize=True)
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
