"""What gunicorn does with the app before it serves anyone (the hooks in gunicorn.conf.py): refuse
to run several workers over rate-limit counters each worker would keep for itself, and read,
check and compile-load every catalog once, so that the first reader waits no longer than the
hundredth. Plain functions of the app; gunicorn.conf.py only calls them."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

# limits' storages that live in the process that made them: each gunicorn worker its own.
PER_PROCESS_STORAGES = {"memory", "async+memory"}


def counters_are_per_process(storage_uri: str) -> bool:
    return urlsplit(storage_uri).scheme in PER_PROCESS_STORAGES


def several_workers_refusal(config, workers: int) -> str | None:
    """Why these settings cannot run `workers` processes, or None. With memory:// every worker
    counts on its own, so two workers let twice the report limit through, and twice the sign-in
    guesses. An app built with RATELIMIT_ENABLED=False (the benchmarks; no setting turns it off)
    counts no reports, and signs nobody in."""
    storage = config.get("RATELIMIT_STORAGE_URI", "memory://")
    if workers <= 1 or not config.get("RATELIMIT_ENABLED", True) or not counters_are_per_process(storage):
        return None
    return (f"{workers} workers (WEB_CONCURRENCY) would each keep their own rate-limit and sign-in counters "
            f"with RATELIMIT_STORAGE_URI={storage}, letting {workers} times the report limit through. "
            "Share the counters with RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (a Redis server without "
            "persistence, see DEPLOYING.md), or run one worker: WEB_CONCURRENCY=1 (the default without Redis).")


def warm_up(app: Flask) -> None:
    """Read everything the first request in each language would otherwise read or work out: the
    catalogs (parsed and checked against the ship policy), the compiled catalogs served to
    readers, CLDR's data on each language, the templates and the models' mappings. No database:
    gunicorn calls it in its master before forking the workers, which must not share a
    connection. Calling it again costs nothing."""
    from babel import Locale
    from sqlalchemy.orm import configure_mappers

    from app.i18n import (
        _compiled_catalog_found,
        language_subtags,
        native_name,
        reader_catalog,
        text_direction,
    )
    from app.i18n_overrides import DOMAIN, catalog_code
    from app.services.translations import translations_dir_of

    with app.app_context():
        translations_dir = str(translations_dir_of(app.config))
        for lang in app.config["LANGUAGES"]:
            reader_catalog(app, lang)
            _compiled_catalog_found(translations_dir, lang)
            DOMAIN.compiled_catalog(catalog_code(app, Locale.parse(lang)))
            native_name(lang), text_direction(lang), language_subtags(lang)
        for name in app.jinja_env.list_templates(extensions=["html", "js", "svg"]):
            app.jinja_env.get_template(name)  # compiled once; not looked at again (no auto-reload)
    configure_mappers()  # the models' relationships, worked out at the first query otherwise


def warm_up_worker(app: Flask) -> None:
    """In each worker, after the fork, before its first request: what warm_up leaves to the
    database, the approved translations and each language's state (listed or not). A database
    that does not answer yet is logged and left to the first request, as before."""
    from app.extensions import db
    from app.i18n import available_languages, language_state
    from app.i18n_overrides import refresh_approved_translations

    warm_up(app)
    with app.app_context():
        refresh_approved_translations(app)
        for lang in available_languages():
            language_state(lang)
        db.session.remove()
