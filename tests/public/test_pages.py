"""Every public page, in every shipped language: reachable, right language and direction,
emergency line first, translated errors, strict headers, nothing loaded from another host."""
from __future__ import annotations

import re
from pathlib import Path

import brotli
import pytest

from app import create_app
from app.config import shipped_languages
from app.i18n import language_state, text_direction
from app.public.views import CONTENT_PAGES
from app.translation_policy import Readiness
from app.static_files import precompress

LANGUAGES = shipped_languages()
PAGES = ["/", "/report", "/status", "/offline", *[f"/{slug}" for slug in CONTENT_PAGES]]
DIRECTION = {"ar": "rtl"}


def test_english_spanish_and_arabic_are_shipped_and_offered(app):
    assert {"en", "es", "ar"} <= set(LANGUAGES)
    assert all(language_state(lang)["listed"] for lang in ("en", "es", "ar"))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_page_answers_in_its_language_with_the_emergency_line_first(client, lang, path):
    response = client.get(f"/{lang}{path}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang.replace("_", "-")}" dir="{DIRECTION.get(lang, "ltr")}">' in html
    main = html.index('<main id="main"')
    assert 'href="tel:911"' in html[:main]
    assert 'href="tel:988"' in html[:main] and 'href="sms:988"' in html[:main]


@pytest.mark.parametrize("path", PAGES)
def test_page_links_every_offered_language_version(app, client, path):
    html = client.get(f"/en{path}").get_data(as_text=True)
    for lang in LANGUAGES:
        offered, tag = language_state(lang)["listed"], lang.replace("_", "-")
        assert (f'hreflang="{tag}" href="http://localhost/{lang}{path}"' in html) == offered
        assert (f'<a href="/{lang}{path}" lang="{tag}"' in html) == offered  # the switcher keeps the page


def test_an_incomplete_language_is_left_out_of_the_switcher_but_still_served(client, monkeypatch):
    incomplete = Readiness(safety_translated=9, safety_total=10, translated=90, total=100, reviewed=True)
    monkeypatch.setattr("app.i18n.live_readiness", lambda lang: incomplete if lang == "es" else None)
    assert ">Español</a>" not in client.get("/en/").get_data(as_text=True)
    spanish = client.get("/es/signs")
    assert spanish.status_code == 200
    assert "some parts are in English" in spanish.get_data(as_text=True) or "partes" in spanish.get_data(as_text=True)


def test_language_switcher_names_each_language_in_itself(client):
    html = client.get("/en/").get_data(as_text=True)
    assert ">Español</a>" in html and ">العربية</a>" in html and ">English</a>" in html


@pytest.mark.parametrize("header, expected", [
    ("es-MX,es;q=0.9,en;q=0.5", "/es/"),
    ("ar-EG,ar;q=0.9", "/ar/"),
    ("fr-FR,de;q=0.8", "/en/"),
    ("", "/en/"),
    # CLDR's aliases and likely scripts: Filipino is Tagalog's catalog, zh-CN is Simplified.
    ("fil-PH,fil;q=0.9", "/tl/"),
    ("zh-CN,zh;q=0.9", "/zh_Hans/"),
    ("zh", "/zh_Hans/"),
    ("zh-SG", "/zh_Hans/"),
    ("es-419", "/es/"),
    # A preferred language we lack does not hide a later one we have.
    ("fr-FR,ko;q=0.5", "/ko/"),
    # Traditional Chinese readers get Simplified only when nothing else they read is offered.
    ("zh-TW,en;q=0.5", "/en/"),
    ("zh-TW", "/zh_Hans/"),
])
def test_root_redirects_to_the_best_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]


@pytest.mark.parametrize("path", ["/xx/", "/zz/signs", "/es/no-such-page"])
def test_unknown_language_or_page_gets_a_translated_404_with_a_way_on(client, path):
    response = client.get(path, headers={"Accept-Language": "es"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="es"' in html
    assert "We could not find that page." not in html  # in Spanish
    assert 'href="/es/"' in html and 'href="/es/help"' in html
    assert 'href="tel:911"' in html


@pytest.mark.parametrize("path", ["/en/", "/en/report", "/api/v1/openapi.json", "/sw.js", "/en/nope"])
def test_security_headers_are_present(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"


URL_IN_HTML = re.compile(r'(?:href|src|action)="([^"]+)"')
URL_IN_CSS_JS = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.I)


def _served_assets(client, html: str) -> list[str]:
    return [u for u in URL_IN_HTML.findall(html) if u.startswith("/static/")]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_pages_refer_to_no_other_host(client, lang, path):
    html = client.get(f"/{lang}{path}").get_data(as_text=True)
    for url in URL_IN_HTML.findall(html):
        if url.startswith(("tel:", "sms:", "#", "/")) and not url.startswith("//"):
            continue
        if path == "/sources" or url.startswith("http://localhost/"):
            continue
        pytest.fail(f"{lang}{path} refers to another host: {url}")


def test_css_js_and_service_worker_refer_to_no_other_host(client):
    html = client.get("/en/").get_data(as_text=True)
    bodies = [client.get(url).get_data(as_text=True) for url in _served_assets(client, html) if url.endswith((".css", ".js"))]
    bodies.append(client.get("/sw.js").get_data(as_text=True))
    bodies.append(client.get("/en/manifest.webmanifest").get_data(as_text=True))
    assert len(bodies) >= 4
    for body in bodies:
        assert URL_IN_CSS_JS.findall(body) == []


def test_hashed_assets_are_cached_for_a_year(client):
    html = client.get("/en/").get_data(as_text=True)
    css = next(u for u in _served_assets(client, html) if re.search(r"/gen/app\.[0-9a-f]{8}\.css$", u))
    cache_control = client.get(css).headers["Cache-Control"]
    assert "max-age=31536000" in cache_control


def test_healthz_answers_200_when_the_database_is_reachable(client):
    assert client.get("/healthz").status_code == 200


def test_healthz_answers_503_when_the_database_is_not(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/noticed.db", "TESTING": True})
    assert app.test_client().get("/healthz").status_code == 503


@pytest.mark.parametrize("lang", LANGUAGES)
def test_manifest_is_per_language_and_installable(client, lang):
    manifest = client.get(f"/{lang}/manifest.webmanifest").get_json(force=True)
    assert manifest["lang"] == lang.replace("_", "-")
    assert manifest["dir"] == DIRECTION.get(lang, "ltr")
    assert manifest["start_url"] == f"/{lang}/"
    assert manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_service_worker_is_served_at_the_root_and_always_revalidated(client):
    response = client.get("/sw.js")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    for lang in LANGUAGES:
        assert f'"/{lang}/report"' in body and f'"/{lang}/offline"' in body


def test_no_page_uses_the_trademarked_slogan(client):
    for lang in LANGUAGES:
        for path in PAGES:
            html = client.get(f"/{lang}{path}").get_data(as_text=True).lower()
            assert "see something, say something" not in html


def test_pages_carry_an_etag_and_answer_304_when_unchanged(client):
    first = client.get("/en/signs")
    assert first.headers["ETag"]
    again = client.get("/en/signs", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.data == b""


def test_static_files_are_served_precompressed_when_the_browser_accepts_it(client, app):
    html = client.get("/en/").get_data(as_text=True)
    css = next(u for u in _served_assets(client, html) if u.endswith(".css"))
    precompress(Path(app.static_folder) / "gen")
    plain = client.get(css, headers={"Accept-Encoding": "identity"})
    brotli_response = client.get(css, headers={"Accept-Encoding": "gzip, br"})
    assert brotli_response.headers["Content-Encoding"] == "br"
    assert brotli_response.mimetype == "text/css"
    assert len(brotli_response.data) < len(plain.data)
    assert brotli.decompress(brotli_response.data) == plain.data


@pytest.mark.parametrize("lang, direction", [("ar", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("ps", "rtl"),
                                             ("es", "ltr"), ("so", "ltr"), ("zh_Hans", "ltr"), ("zh-Hans", "ltr")])
def test_text_direction_comes_from_cldr_so_a_started_language_is_laid_out_right(lang, direction):
    assert text_direction(lang) == direction
