"""The installable, offline side: service worker, per-language manifests, offline page."""
from __future__ import annotations

import hashlib
import json

from flask import current_app, g, jsonify, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import Engine, NullPool, create_engine, text

from app.extensions import assets, db
from app.i18n import available_languages, best_language, html_lang, text_direction
from app.pwa import bp

ICON_SIZES = (192, 512)
# Pages kept on the phone for each language the reader uses, so they open with no signal.
CORE_PAGES = (("public.home", {}), ("public.page", {"slug": "signs"}), ("reporting.form", {}),
              ("reporting.status", {}), ("pwa.offline", {}))


@bp.get("/")
def root():
    response = redirect(url_for("public.home", lang=best_language()), code=302)
    response.vary.add("Accept-Language")
    return response


@bp.get("/healthz")
def healthz():
    try:
        with _unpooled_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means: not healthy
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok"})


def _unpooled_engine() -> Engine:
    """An engine that opens a new connection each time (NullPool). A connection kept in the pool
    can go on working while the database refuses new ones (restarted, full, a changed password),
    and the next worker or request would find out; the health check must find out first."""
    engine = current_app.extensions.get("noticed.healthz_engine")
    if engine is None:
        connect_args = current_app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})
        engine = create_engine(db.engine.url, poolclass=NullPool, connect_args=connect_args)
        current_app.extensions["noticed.healthz_engine"] = engine
    return engine


def asset_urls() -> list[str]:
    urls = []
    for name in ("css_all", "js_queue", "js_app"):
        urls.extend(assets[name].urls())
    urls += [url_for("static", filename=f"icons/icon-{size}.png") for size in ICON_SIZES]
    urls.append(url_for("static", filename="icons/icon.svg"))
    return urls


def core_pages() -> dict[str, list[str]]:
    return {lang: [url_for(endpoint, lang=lang, **args) for endpoint, args in CORE_PAGES]
            for lang in available_languages()}


@bp.get("/sw.js")
def service_worker():
    precache = {"assets": asset_urls(), "pages": core_pages(),
                "revision": current_app.config["SERVICE_WORKER_REVISION"]}
    # The worker's bytes change whenever an asset or the set of pages does, so browsers update it.
    version = hashlib.sha256(json.dumps(precache, sort_keys=True).encode()).hexdigest()[:12]
    body = render_template("pwa/sw.js", version=version, precache=precache,
                           queue_script=assets["js_queue"].urls()[0],
                           api_url=url_for("api.submit_report_json"))
    response = make_response(body)
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/<lang>/manifest.webmanifest")
def manifest():
    icons = []
    for size in ICON_SIZES:
        src = url_for("static", filename=f"icons/icon-{size}.png")
        icons.append({"src": src, "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"})
        icons.append({"src": url_for("static", filename=f"icons/maskable-{size}.png"),
                      "sizes": f"{size}x{size}", "type": "image/png", "purpose": "maskable"})
    start = url_for("public.home", lang=g.lang)
    document = {
        "id": start,
        "name": _("Noticed: report a concern"),
        "short_name": "Noticed",
        "description": _("Notice the warning signs, report a concern, and help someone before anyone is hurt."),
        "lang": html_lang(g.lang),
        "dir": text_direction(g.lang),
        "start_url": start,
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f8a",
        "icons": icons,
    }
    response = make_response(json.dumps(document, ensure_ascii=False))
    response.headers["Content-Type"] = "application/manifest+json; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<lang>/offline")
def offline():
    return render_template("pwa/offline.html")
