"""Every public page is valid HTML in every shipped language, by the W3C Nu HTML checker (the
npm package vnu-jar, pinned in tools/vnu/, run with Java): home, each content page, the report
form, its receipt, the status page (asked and answered), the places pages (register, registered,
manage), the offline page and a 404. Invalid markup is how screen readers and translation tools
go wrong quietly (duplicate ids once broke the labels on the place's manage page).

`make test-slow` installs the checker (`npm ci` in tools/vnu/) and runs this test; elsewhere it
skips, and in CI (NOTICED_CI=1) a missing Java or checker fails it."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT, shipped_languages
from app.public.views import CONTENT_PAGES
from tests.conftest import hidden_fields
from tests.posters.conftest import registration_answers

VNU_JAR = PROJECT_ROOT / "tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SLOW = os.environ.get("NOTICED_SLOW", "").strip() not in ("", "0")
IN_CI = os.environ.get("NOTICED_CI", "").strip() not in ("", "0")

pytestmark = pytest.mark.slow


def java() -> str:
    """The java command, or skip (fail in CI) when it or the checker is missing."""
    found = shutil.which("java")
    missing = [what for what, there in (("java (apt-get install default-jre-headless)", found),
                                        (f"{VNU_JAR} (make test-slow runs npm ci in tools/vnu)", VNU_JAR.exists()))
               if not there]
    if missing:
        message = "the Nu HTML checker needs " + " and ".join(missing)
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def public_pages(client, lang: str) -> dict[str, str]:
    """Each public page in one language, as a browser gets it: {name: html}."""
    pages = {"home": client.get(f"/{lang}/"), "report": client.get(f"/{lang}/report"),
             "status": client.get(f"/{lang}/status"), "offline": client.get(f"/{lang}/offline"),
             "places-new": client.get(f"/{lang}/places/new"), "404": client.get(f"/{lang}/no-such-page")}
    pages.update({f"page-{slug}": client.get(f"/{lang}/{slug}") for slug in CONTENT_PAGES})

    form = hidden_fields(pages["report"].get_data(as_text=True))
    receipt = client.post(f"/{lang}/report", data={**form, "kind": "weapons", "danger_now": "no",
                                                   "description": "He showed a knife and said Friday."})
    pages["receipt"] = receipt
    code = re.search(r'class="receipt-code"[^>]*>([^<]+)<', receipt.get_data(as_text=True)).group(1)
    token = hidden_fields(pages["status"].get_data(as_text=True))["csrf_token"]
    pages["status-answered"] = client.post(f"/{lang}/status", data={"csrf_token": token, "receipt": code})

    registered = client.post(f"/{lang}/places/new", data=registration_answers(client, lang))
    pages["places-registered"] = registered
    key = re.search(r"/places/manage\?key=([A-Za-z0-9_-]+)", registered.get_data(as_text=True)).group(1)
    pages["places-manage"] = client.get(f"/{lang}/places/manage?key={key}")

    expected = {"404": 404}
    for name, response in pages.items():
        assert response.status_code == expected.get(name, 200), (lang, name, response.status_code)
    return {name: response.get_data(as_text=True) for name, response in pages.items()}


def nu_errors(java_command: str, folder: Path) -> list[str]:
    """The checker's errors for every .html file in the folder, one JVM for all of them."""
    done = subprocess.run([java_command, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
                           *sorted(str(path) for path in folder.glob("*.html"))],
                          capture_output=True, text=True, timeout=600)
    messages = json.loads(done.stderr or done.stdout)["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '').strip()}]"
            for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]


@pytest.mark.skipif(not SLOW, reason="the Nu HTML checker runs in `make test-slow` (NOTICED_SLOW=1)")
def test_every_public_page_in_every_language_is_valid_html(app, client, tmp_path):
    java_command = java()
    written = 0
    for lang in shipped_languages():
        for name, html in public_pages(client, lang).items():
            (tmp_path / f"{lang}-{name}.html").write_text(html, encoding="utf-8")
            written += 1
    assert written == len(shipped_languages()) * (10 + len(CONTENT_PAGES))
    errors = nu_errors(java_command, tmp_path)
    assert errors == [], f"{len(errors)} errors from the Nu HTML checker:\n" + "\n".join(errors)
