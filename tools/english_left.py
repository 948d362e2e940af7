"""How much English a reader of each listed language still meets, page by page.

    PYTHONPATH=. .venv/bin/python tools/english_left.py

Uses the measure of tests/public/test_served_languages.py (the visible text of each page compared
with the English page's, names and cited English titles left out) and prints, per language, the
share of visible characters that are English, and how much of that English the catalog already
translates (which that test fails on)."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "english-left-not-secret")


def main() -> int:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from tests.conftest import make_app
    from tests.public.test_served_languages import PAGES, TRANSLATED, Catalog, compare

    folder = Path(tempfile.mkdtemp())
    database = folder / "template.db"
    builder = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "TESTING": True})
    with builder.app_context():
        upgrade()
        db.engine.dispose()
    app = make_app(folder, database)
    client = app.test_client()
    english = {name: page(client, "en") for name, page in PAGES.items()}
    print(f"{'language':10} {'English left':>12} {'of which translated in the catalog':>36}  pages with English")
    for lang in TRANSLATED:
        catalog = Catalog(lang)
        left = total = failing = 0
        pages_with_english = []
        for name, page in PAGES.items():
            served = compare(page(client, lang), english[name], lang, catalog)
            left += served.english_chars
            total += served.total_chars
            failing += sum(map(len, served.untranslated))
            if served.english_runs:
                pages_with_english.append(f"{name} ({', '.join(served.english_runs[:3])})")
        print(f"{lang:10} {left / total:>11.2%} {failing / total:>36.2%}  {'; '.join(pages_with_english) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
