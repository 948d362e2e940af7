"""Languages in the URL: every public page lives under /<lang>/..., the locale comes from there."""
from __future__ import annotations

import gettext
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from flask import Flask, abort, current_app, g, request, url_for
from flask_babel import refresh

from app.i18n_overrides import approved_translations, refresh_approved_translations
from app.translation_policy import Readiness, is_listed


def available_languages() -> list[str]:
    """Every language served by URL: the configured catalogs, and the languages started in the
    back office, which are served (in English until strings are approved) before they have one."""
    refresh_approved_translations(current_app)
    started = approved_translations(current_app).started
    configured = current_app.config["LANGUAGES"]
    return [*configured, *sorted(started.difference(configured))]


def listed_languages() -> list[str]:
    """The languages the ship policy offers: in the switcher, for posters, by Accept-Language."""
    return [lang for lang in available_languages() if language_state(lang)["listed"]]


def best_language() -> str:
    """The best listed language for this browser's Accept-Language, English otherwise."""
    return match_language(request.accept_languages.values(), listed_languages()) or "en"


@cache
def language_subtags(tag: str) -> tuple[str, str | None, str | None] | None:
    """(language, script, region) of a BCP 47 tag or catalog code, by CLDR: aliases resolved
    (`tl` is Filipino, `iw` Hebrew) and the script filled in from the likely subtags (`zh-CN` and
    `zh` are Simplified, `zh-TW` Traditional). The region is kept only when the tag names one.
    None for what CLDR does not know (`*`, `x-klingon`)."""
    try:
        locale = Locale.parse(tag.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    script = locale.script
    if script is None:
        likely = get_global("likely_subtags")
        for key in (f"{locale.language}_{locale.territory}", locale.language):
            if key in likely:
                script = Locale.parse(likely[key]).script
                break
    region = locale.territory if "_" in tag.replace("-", "_") and locale.territory else None
    return locale.language, script, region


def match_language(wanted: Iterable[str], offered: Iterable[str]) -> str | None:
    """The offered catalog that best serves a reader who asked for `wanted` (most preferred
    first), by language and script as CLDR sees them: a phone set to `fil-PH` gets Tagalog
    (`tl`), `zh-CN` or `zh` gets `zh_Hans`, `es-MX` gets `es`, `pt-BR` gets `pt_BR`. A region
    only breaks ties. A reader of another script of the same language (Traditional Chinese when
    only Simplified is offered) is served it only if nothing else they asked for is offered."""
    offered_subtags = [(code, language_subtags(code)) for code in offered]
    wanted_subtags = [tags for tags in map(language_subtags, wanted) if tags is not None]

    def same_language(asked, same_script: bool) -> str | None:
        language, script, region = asked
        candidates = [(code, tags) for code, tags in offered_subtags
                      if tags and tags[0] == language and (not same_script or tags[1] == script)]
        # The same region first, then the language's own catalog (no region), then any other.
        candidates.sort(key=lambda item: (item[1][2] != region, item[1][2] is not None))
        return candidates[0][0] if candidates else None

    for same_script in (True, False):
        for asked in wanted_subtags:
            code = same_language(asked, same_script)
            if code is not None:
                return code
    return None


def current_language() -> str:
    lang = g.get("lang")
    if lang:
        return lang
    return best_language() if request else "en"


@cache
def text_direction(lang: str) -> str:
    """From CLDR, so that a language started in the back office (Persian, Urdu, Pashto...) is
    laid out right to left without a code change."""
    try:
        order = Locale.parse(lang.replace("-", "_")).character_order
    except (ValueError, UnknownLocaleError):
        return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"


# CLDR files Tagalog under Filipino; its speakers look for "Tagalog".
NATIVE_NAME_OVERRIDES = {"tl": "Tagalog"}


@cache
def native_name(lang: str) -> str:
    """A language named in itself ("Español", "العربية"), as a reader looks for it."""
    name = NATIVE_NAME_OVERRIDES.get(lang) or Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def html_lang(lang: str) -> str:
    """The BCP 47 tag for HTML's lang and hreflang: catalogs say zh_Hans, browsers zh-Hans."""
    return lang.replace("_", "-")


READER_CATALOGS = "noticed.reader_catalogs"
_reading_catalogs = threading.Lock()


def reader_catalog(app: Flask, lang: str):
    """The language's catalog (or messages.pot, for a language started in the back office) as
    the pages' language states count it: read and checked once per process, at start-up
    (app/serving.py) or by the first thread that needs it while the others wait, and never looked
    at on disk again. The compiled catalogs readers are served are read once per process too, so
    both describe the same deploy (a changed .po is served after `flask translate compile` and a
    restart). The back office's translation pages read the files afresh instead."""
    from app.services import translations

    catalogs = app.extensions.setdefault(READER_CATALOGS, {})
    if lang not in catalogs:
        with _reading_catalogs:
            if lang not in catalogs:
                catalogs[lang] = translations.load_catalog_or_template(translations.translations_dir_of(app.config),
                                                                       lang)
    return catalogs[lang]


def live_readiness(lang: str) -> Readiness | None:
    """The language's readiness as readers see it: the catalog with the approved translations in
    force (None for English). Worked out once per catalog and approval."""
    from app.services import translations

    catalog = reader_catalog(current_app, lang)
    if catalog is None:
        return None
    state = approved_translations(current_app)
    worked_out = state.derived.get(("readiness", lang))
    if worked_out is not None and worked_out[0] is catalog:
        return worked_out[1]
    in_force = translations.still_in_force(catalog, state.by_language.get(lang, {}))
    ready = translations.readiness_of(catalog, in_force, lang in state.reviewed)
    state.derived[("readiness", lang)] = (catalog, ready)
    return ready


def catalog_is_served(lang: str) -> bool:
    """Whether readers of `lang` get its compiled catalog: a language with a catalog file (.po)
    whose compiled catalog (.mo) cannot be loaded by its own code would be served in English
    behind a correct `lang` (as Tagalog once was), so it is never listed. A language started in
    the back office has no file yet: its approved strings are served without one."""
    from app.services import translations

    return lang == "en" or _compiled_catalog_found(str(translations.translations_dir_of(current_app.config)), lang)


@cache
def _compiled_catalog_found(translations_dir: str, lang: str) -> bool:
    """Looked up as Flask-Babel's domain looks it up (gettext, by our code), once per process."""
    if not (Path(translations_dir) / lang / "LC_MESSAGES" / "messages.po").exists():
        return True
    return gettext.find("messages", translations_dir, [lang]) is not None


def language_state(lang: str) -> dict:
    """Whether a language is offered in the switcher, and the notes its pages must carry."""
    config = current_app.config
    ready = live_readiness(lang)
    return {
        "listed": catalog_is_served(lang)
        and is_listed(ready, config["SHIP_MIN_TRANSLATED"], config["REQUIRE_REVIEWED_LANGUAGES"]),
        "partly_translated": ready is not None and ready.share_translated < 1,
        "awaiting_review": ready is not None and not ready.reviewed,
    }


def language_links() -> list[dict]:
    """The same page in every offered language, for the switcher and hreflang alternates."""
    endpoint = request.endpoint
    view_args = dict(request.view_args or {})
    if not endpoint or not g.get("lang"):
        return []
    links = []
    for code in available_languages():
        if code != current_language() and not language_state(code)["listed"]:
            continue
        try:
            href = url_for(endpoint, **{**view_args, "lang": code})
        except Exception:  # an endpoint outside the language tree has no alternates
            return []
        links.append({"code": code, "tag": html_lang(code), "name": native_name(code), "href": href,
                      "dir": text_direction(code), "current": code == current_language()})
    return links


def register_language_routing(app: Flask) -> None:
    @app.url_value_preprocessor
    def take_language_from_url(endpoint, values):
        # A request never inherits another's language, even when they share an app context
        # (the test client does): forget the language and the translations cached for it.
        g.lang = None
        refresh()
        # View functions don't take `lang`: url_for and templates read it from g.
        if values and "lang" in values:
            lang = values.pop("lang")
            if lang not in available_languages():
                abort(404)
            g.lang = lang

    @app.url_defaults
    def add_language_to_urls(endpoint, values):
        if "lang" in values or not g.get("lang"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang

    @app.context_processor
    def language_context():
        lang = current_language()
        return {
            "lang": lang,
            "html_lang": html_lang(lang),
            "text_dir": text_direction(lang),
            "language_links": language_links,
            "language_state": language_state(lang),
        }
