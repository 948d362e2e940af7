"""Approved translations from the database, served on top of the compiled catalogs (.mo files)
without a redeploy.

Flask-Babel asks its Domain for the translations of the current locale. The Domain here takes
the compiled catalog Flask-Babel would have used and lays the approved suggestions over it,
under the same keys gettext itself uses (msgid; "msgctxt\\x04msgid" with a context; (msgid, n)
for plural form n), so contexts and plural forms behave exactly as they do from a .mo file.
A suggestion steps aside once the compiled catalog serves something other than what it served
when the suggestion was approved (is_in_force): the exported translation, or a newer one.

The same load brings the languages started in the back office (served by URL before they have
a catalog file) and those a lead has marked as reviewed.

Each process keeps the approved suggestions in memory, with the number of the
translation_catalog_version row it loaded them at. Before a request, at most every
VERSION_CHECK_SECONDS, it reads that number (one tiny query on its own connection) and reloads
everything when it moved. An approval bumps the number, so every other process serves it within
a few seconds; the process that approved reloads at its next request.
"""
from __future__ import annotations

import copy
import gettext
import threading
import time
from functools import cache

from babel.messages.plurals import get_plural
from babel.support import Translations
from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_babel import Domain, get_locale
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

VERSION_CHECK_SECONDS = 3.0
STATE = "noticed.approved_translations"
PAGE_CACHE = "noticed.page_cache"  # see render_public_page in app/public/views.py
CONTEXT_GLUE = "\x04"  # how gettext joins msgctxt and msgid in a catalog's keys


def catalog_entries(msgid: str, msgctxt: str | None, msgid_plural: str | None, forms: list[str]) -> dict:
    """A translation as the entries of a gettext catalog (`GNUTranslations._catalog`)."""
    key = f"{msgctxt}{CONTEXT_GLUE}{msgid}" if msgctxt else msgid
    if msgid_plural is None:
        return {key: forms[0]}
    return {(key, index): form for index, form in enumerate(forms)}


@cache
def plural_rule(locale: str):
    """The language's plural rule, for a language that has no compiled catalog yet (gettext
    would otherwise apply English's)."""
    return gettext.c2py(get_plural(locale).plural_expr)


def read_version(connection: Connection) -> int:
    from app.models.translation import TranslationCatalogVersion

    version = connection.execute(select(TranslationCatalogVersion.version)
                                 .where(TranslationCatalogVersion.id == 1)).scalar_one_or_none()
    return version or 0


def read_approved(connection: Connection) -> dict[str, dict]:
    """Every approved suggestion, per language, by message key (the newest wins)."""
    from app.models.translation import SuggestionStatus, TranslationSuggestion as Suggestion

    rows = connection.execute(
        select(Suggestion.language, Suggestion.message_key, Suggestion.msgid, Suggestion.msgctxt,
               Suggestion.msgid_plural, Suggestion.forms, Suggestion.catalog_forms)
        .where(Suggestion.status == SuggestionStatus.APPROVED)
        .order_by(Suggestion.reviewed_at, Suggestion.id))
    by_language: dict[str, dict] = {}
    for row in rows:
        by_language.setdefault(row.language, {})[row.message_key] = row
    return by_language


def read_languages(connection: Connection) -> tuple[frozenset[str], frozenset[str]]:
    """(languages started in the back office, languages a lead marked as reviewed)."""
    from app.models.translation import TranslationLanguage

    rows = connection.execute(select(TranslationLanguage.code, TranslationLanguage.started_at,
                                     TranslationLanguage.reviewed_at)).all()
    return (frozenset(row.code for row in rows if row.started_at),
            frozenset(row.code for row in rows if row.reviewed_at))


class ApprovedTranslations:
    """One app's approved suggestions in this process, and the catalogs merged with them."""

    def __init__(self):
        self.version: int | None = None  # None until loaded
        self.by_language: dict[str, dict] = {}  # language -> message key -> approved row
        self.started: frozenset[str] = frozenset()
        self.reviewed: frozenset[str] = frozenset()
        self.derived: dict = {}  # worked out from what is loaded, e.g. each language's readiness
        self._merged: dict[str, tuple[Translations, Translations]] = {}
        self._checked_at = float("-inf")
        self._failing = False
        self._lock = threading.Lock()

    def refresh_if_due(self, engine: Engine, page_cache: dict) -> None:
        now = time.monotonic()
        if now - self._checked_at < VERSION_CHECK_SECONDS:
            return
        with self._lock:
            if now - self._checked_at < VERSION_CHECK_SECONDS:
                return  # another thread checked while this one waited
            self._checked_at = now
            self._reload_if_changed(engine, page_cache)

    def _reload_if_changed(self, engine: Engine, page_cache: dict) -> None:
        try:
            with engine.connect() as connection:
                # The version is read first: an approval committed in between is loaded now and
                # merely loaded again at the next check, never missed.
                version = read_version(connection)
                if version == self.version:
                    return
                self.by_language, (self.started, self.reviewed) = read_approved(connection), read_languages(connection)
                self._merged, self.derived, self.version = {}, {}, version
        except SQLAlchemyError:
            # E.g. the code is deployed before `flask db upgrade`: readers keep the compiled
            # catalogs (and any approvals already loaded) rather than an error page.
            if not self._failing:
                current_app.logger.warning("approved translations could not be read; serving the compiled catalogs")
            self._failing = True
            return
        self._failing = False
        page_cache.clear()  # pages rendered with the old translations

    def expire(self) -> None:
        """Check the version at the next request, whatever the time."""
        self._checked_at = float("-inf")

    def over(self, base: Translations, locale: str) -> Translations:
        """The compiled catalog with this language's approved translations on top."""
        overrides = self.by_language.get(locale)
        if not overrides:
            return base
        merged = self._merged.get(locale)
        if merged is None or merged[0] is not base:
            merged = (base, _merge(base, overrides, locale))
            self._merged[locale] = merged
        return merged[1]


def _merge(base: Translations, approved: dict, locale: str) -> Translations:
    from app.services.translations import is_in_force

    merged = copy.copy(base)
    if not base.files:  # no .mo for this language yet
        merged.plural = plural_rule(locale)
    merged._catalog = dict(base._catalog)
    for row in approved.values():
        entries = catalog_entries(row.msgid, row.msgctxt, row.msgid_plural, row.forms)
        served = [base._catalog.get(key, "") for key in entries]
        if is_in_force(row.catalog_forms, served):
            merged._catalog.update(entries)
    return merged


def approved_translations(app: Flask) -> ApprovedTranslations:
    # Looked up on every gettext call: build the state only the first time.
    state = app.extensions.get(STATE)
    return state if state is not None else app.extensions.setdefault(STATE, ApprovedTranslations())


class ApprovedFirstDomain(Domain):
    """Flask-Babel's domain, with the approved suggestions in front of the compiled catalogs.

    Catalogs are looked up by our own language code (the folder under translations/ and the URL
    prefix), not by the name CLDR gives the locale: CLDR files Tagalog under Filipino, so
    Flask-Babel alone would look for `fil` and serve Tagalog readers English."""

    _loading = threading.Lock()

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        if not has_request_context():  # a command, or mail sent from cron: no before_request checks
            refresh_approved_translations(current_app)
        locale = get_locale()
        if locale is None:
            return super().get_translations()
        code = catalog_code(current_app, locale)
        return approved_translations(current_app).over(self.compiled_catalog(code), code)

    def compiled_catalog(self, code: str) -> Translations:
        """The language's compiled catalog (.mo), read once per process: at start-up
        (app/serving.py) or by the first thread that needs it, while the others wait for it."""
        cache = self.get_translations_cache(current_app)
        key = (code, self.domain[0])
        base = cache.get(key)
        if base is not None:
            return base
        with self._loading:
            base = cache.get(key)
            if base is None:
                base = Translations()
                for directory in self.translation_directories:
                    loaded = Translations.load(directory, [code], self.domain[0])
                    base.merge(loaded)
                    if hasattr(loaded, "plural"):  # merge() keeps neither the plural rule nor _info
                        base.plural = loaded.plural
                cache[key] = base
        return base


def catalog_code(app: Flask, locale) -> str:
    """Our code for a Babel locale: the served language that parses to it (`tl` for Filipino)."""
    from app.i18n import available_languages

    codes = app.extensions.setdefault("noticed.catalog_codes", {})
    key = str(locale)
    if key not in codes:
        served = app.config["LANGUAGES"] if not has_request_context() else available_languages()
        codes[key] = next((code for code in served if _parses_to(code, locale)), key)
    return codes[key]


def _parses_to(code: str, locale) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code) == locale
    except (ValueError, UnknownLocaleError):
        return False


# One instance for every app: its .mo cache is keyed by locale, the approved ones live per app.
DOMAIN = ApprovedFirstDomain()


def refresh_approved_translations(app: Flask) -> None:
    """Load newer approvals and languages if any (reads the version at most every few seconds)."""
    from app.extensions import db

    approved_translations(app).refresh_if_due(db.engine, app.extensions.setdefault(PAGE_CACHE, {}))


def publish_approved_translations(app: Flask) -> None:
    """After an approval: drop the pages rendered with the old translations, and reload the
    approved ones at this process's next request (the others notice the bumped version)."""
    approved_translations(app).expire()
    app.extensions.get(PAGE_CACHE, {}).clear()


def use_approved_translations(app: Flask) -> None:
    """Wire the database layer into Flask-Babel; called once in create_app, after babel.init_app."""
    from app.extensions import babel

    babel.domain_instance = DOMAIN

    @app.before_request
    def notice_newer_approvals():
        refresh_approved_translations(app)
        g.approved_translations_version = approved_translations(app).version

    @app.after_request
    def forget_pages_rendered_with_older_approvals(response):
        # A page rendered while another thread loaded newer translations may have been cached
        # after that thread cleared the cache: clear it again (rare: only around a change).
        if g.get("approved_translations_version") != approved_translations(app).version:
            app.extensions.get(PAGE_CACHE, {}).clear()
        return response
