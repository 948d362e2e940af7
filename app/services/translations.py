"""Translations suggested and reviewed in the back office: reading the catalogs, who may translate
what, checking a suggestion, the second person's review, each language's progress, and writing
approved translations back into the catalogs. Plain functions over a session; no Flask request.

A suggestion goes live only when a second person approves it: another translator of the
language, or a lead or an admin, never its author. Approving bumps the catalog version, which
tells every process to reload the approved translations (app/i18n_overrides.py).
"""
from __future__ import annotations

import difflib
import enum
import gettext
import hashlib
import linecache
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT
from app.models.staff import Role, StaffUser
from app.models.translation import (SuggestionStatus, TranslationCatalogVersion, TranslationLanguage,
                                    TranslationSuggestion)
from app.services import audit
from app.services.translation_checks import Problem, check_plural_forms, check_translation, render_as_allowed
# The ship policy's own tests of a message, so that the counts here agree with the switcher's.
from app.translation_policy import (AWAITING_REVIEW, COMMENT_TAG, Readiness, _is_safety_critical, _translated,
                                    is_listed)
from app.services.clock import now_utc

TRANSLATION_ROLES = frozenset({Role.TRANSLATOR, Role.LEAD, Role.ADMIN})
REVIEWS_EVERY_LANGUAGE = frozenset({Role.LEAD, Role.ADMIN})
SOURCE_LANGUAGE = "en"
# A button's text has little room: check_translation warns when a translation is much longer.
BUTTON_MARKS = ("<button", "SubmitField(", 'type="submit"', 'class="button')
EMPTY = Problem("empty", "Write the translation.")
UNCHANGED = Problem("unchanged", "This is already the translation readers see.")



class TranslationError(ValueError):
    """A request about translations that cannot be carried out; `code` names the reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class SuggestionRefused(TranslationError):
    """The translation fails a blocking check: nothing is saved."""

    def __init__(self, problems: list[Problem]):
        super().__init__("checks_failed")
        self.problems = problems


# Reading the catalogs ----------------------------------------------------------------------

def message_key(msgid: str, msgctxt: str | None = None) -> str:
    """A message's short, stable address (URLs, lookups); it changes when the English does."""
    return hashlib.sha1(f"{msgctxt or ''}\x04{msgid}".encode()).hexdigest()[:12]


def looks_like_button(msgid: str, locations) -> bool:
    """Whether the message labels a button somewhere, read from the source files it comes from.
    The lines that hold it are searched, not the catalog's line numbers, which drift as the
    code changes between extractions."""
    return _labels_a_button(msgid, tuple(sorted({path for path, _ in locations})))


@cache
def _labels_a_button(msgid: str, paths: tuple[str, ...]) -> bool:
    # The same for every language's catalog: searched once per process (it was half the time
    # reading all the catalogs takes), from source files linecache keeps anyway.
    quoted = (f'"{msgid}"', f"'{msgid}'")
    for path in paths:
        for line in linecache.getlines(str(PROJECT_ROOT / path)):
            if any(text in line for text in quoted) and any(mark in line for mark in BUTTON_MARKS):
                return True
    return False


@dataclass(frozen=True)
class CatalogMessage:
    key: str
    msgid: str
    msgid_plural: str | None
    msgctxt: str | None
    forms: tuple[str, ...]  # the catalog's translation: one form, or one per plural form
    fuzzy: bool
    translated: bool  # as the ship policy counts it: complete, not fuzzy, passing the checks
    safety_critical: bool
    is_button: bool
    comments: tuple[str, ...]
    locations: tuple[tuple[str, int], ...]

    @property
    def is_plural(self) -> bool:
        return self.msgid_plural is not None


@dataclass(frozen=True)
class LanguageCatalog:
    language: str
    num_plurals: int
    plural_expr: str
    messages: dict[str, CatalogMessage]  # by key, in the catalog's order
    # Machine drafts say so in the catalog header until a fluent speaker has reviewed them.
    awaiting_review: bool = False
    # False for a language started in the back office: its messages come from messages.pot.
    has_file: bool = True


def translations_dir_of(config) -> Path:
    """The folder of catalogs an app serves (the first of BABEL_TRANSLATION_DIRECTORIES)."""
    return Path(config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0])


def catalog_path(translations_dir: Path, lang: str) -> Path:
    return Path(translations_dir) / lang / "LC_MESSAGES" / "messages.po"


def catalog_languages(translations_dir: Path) -> list[str]:
    """Every language with a catalog, whether or not it is offered to readers yet."""
    return sorted(path.parent.parent.name for path in Path(translations_dir).glob("*/LC_MESSAGES/messages.po")
                  if path.parent.parent.name != SOURCE_LANGUAGE)


def _translator_notes(message) -> tuple[str, ...]:
    """The notes for translators, whole: a catalog wraps a long note over several comment lines."""
    note = " ".join(line.removeprefix(COMMENT_TAG).strip() for line in message.auto_comments)
    return ((note,) if note else ()) + tuple(message.user_comments)


def _catalog_message(message) -> CatalogMessage:
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return CatalogMessage(
        key=message_key(ids[0], message.context), msgid=ids[0], msgid_plural=ids[1] if len(ids) > 1 else None,
        msgctxt=message.context, forms=tuple(form or "" for form in forms), fuzzy=message.fuzzy,
        translated=_translated(message), safety_critical=_is_safety_critical(message),
        is_button=looks_like_button(ids[0], message.locations),
        comments=_translator_notes(message), locations=tuple(message.locations))


def template_path(translations_dir: Path) -> Path:
    return Path(translations_dir) / "messages.pot"


@lru_cache(maxsize=32)
def _load_catalog(path: Path, modified: float, lang: str) -> LanguageCatalog:
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang)  # a .pot takes the language's plural forms from CLDR
    messages = [_catalog_message(message) for message in catalog if message.id]
    return LanguageCatalog(language=lang, num_plurals=catalog.num_plurals, plural_expr=catalog.plural_expr,
                           messages={message.key: message for message in messages},
                           awaiting_review=AWAITING_REVIEW in (catalog.last_translator or "").lower(),
                           has_file=path.suffix == ".po")


def load_catalog(translations_dir: Path, lang: str) -> LanguageCatalog | None:
    """The language's catalog as it is on disk now (read again whenever the file changes)."""
    path = catalog_path(translations_dir, lang)
    if lang == SOURCE_LANGUAGE or not path.exists():
        return None
    return _load_catalog(path, path.stat().st_mtime, lang)


def load_catalog_or_template(translations_dir: Path, lang: str) -> LanguageCatalog | None:
    """The language's catalog; for a language started in the back office, which has none yet,
    every message of messages.pot, untranslated."""
    catalog = load_catalog(translations_dir, lang)
    template = template_path(translations_dir)
    if catalog is not None or lang == SOURCE_LANGUAGE or not template.exists():
        return catalog
    return _load_catalog(template, template.stat().st_mtime, lang)


def served_forms(message: CatalogMessage, num_plurals: int) -> list[str]:
    """What the compiled catalog serves for the message: its forms, or "" for each when it is
    untranslated or outdated (compiling leaves those out, so readers get the English)."""
    if message.fuzzy or not all(message.forms):
        return [""] * (num_plurals if message.is_plural else 1)
    return list(message.forms)


def is_in_force(catalog_forms: list[str] | None, served: list[str]) -> bool:
    """Whether an approved translation still overrides the catalog: only while the catalog
    serves what it served when the translation was approved. Once the approved text is exported
    and deployed, or a newer translation arrives through the repository (Weblate, a pull
    request), the catalog is the newer word and the database steps aside."""
    return catalog_forms is None or list(catalog_forms) == served


def plural_examples(catalog: LanguageCatalog, per_form: int = 4) -> list[list[int]]:
    """A few numbers that use each plural form, so a translator knows which form is which."""
    rule = gettext.c2py(catalog.plural_expr)
    examples: list[list[int]] = [[] for _ in range(catalog.num_plurals)]
    for number in range(1000):
        form = rule(number)
        if form < len(examples) and len(examples[form]) < per_form:
            examples[form].append(number)
    return examples


# Who may do what ---------------------------------------------------------------------------

def parse_languages(codes: str) -> list[str]:
    """"es, vi" or "es vi" -> ["es", "vi"], without repeats."""
    found = [code.strip() for code in codes.replace(" ", ",").split(",") if code.strip()]
    return list(dict.fromkeys(found))


def may_use_translation_pages(staff: StaffUser) -> bool:
    """Translators, and the leads and admins who review them; not the viewers and members, whose
    work is reports and cases."""
    return staff.is_authenticated and staff.active and staff.role in TRANSLATION_ROLES


def may_translate(staff: StaffUser, lang: str) -> bool:
    if not may_use_translation_pages(staff) or lang == SOURCE_LANGUAGE:
        return False
    return staff.role in REVIEWS_EVERY_LANGUAGE or lang in parse_languages(staff.languages)


def workable_languages(session: Session, staff: StaffUser, translations_dir: Path) -> list[str]:
    return [lang for lang in translatable_languages(session, translations_dir) if may_translate(staff, lang)]


def review_refusal(staff: StaffUser, suggestion: TranslationSuggestion) -> str | None:
    """Why this person may not approve or reject this suggestion; None when they may."""
    if suggestion.status != SuggestionStatus.SUGGESTED:
        return "not_waiting"
    if suggestion.author_id == staff.id:
        return "own_suggestion"  # the point of review is a second pair of eyes
    if not may_translate(staff, suggestion.language):
        return "not_your_language"
    return None


def may_review(staff: StaffUser, suggestion: TranslationSuggestion) -> bool:
    return review_refusal(staff, suggestion) is None


def set_staff_languages(session: Session, staff: StaffUser, codes: str, translations_dir: Path,
                        actor: StaffUser | None) -> list[str]:
    wanted = parse_languages(codes)
    if any(code not in translatable_languages(session, translations_dir) for code in wanted):
        raise TranslationError("unknown_language")
    staff.languages = ",".join(wanted)
    audit.record(session, actor, "staff.languages_changed", "staff", staff.id, staff.languages)
    session.commit()
    return wanted


# Languages started in the back office, and reviewed by a fluent speaker ----------------------

def language_records(session: Session) -> dict[str, TranslationLanguage]:
    return {record.code: record for record in session.execute(select(TranslationLanguage)).scalars()}


def started_languages(session: Session) -> list[str]:
    return sorted(code for code, record in language_records(session).items() if record.started_at)


def translatable_languages(session: Session, translations_dir: Path) -> list[str]:
    """Every language but English with a catalog or started in the back office."""
    return sorted({*catalog_languages(translations_dir), *started_languages(session)})


def language_catalog(session: Session, translations_dir: Path, lang: str) -> LanguageCatalog | None:
    """The catalog translators work on: the file, or messages.pot for a started language."""
    if lang in catalog_languages(translations_dir) or lang in started_languages(session):
        return load_catalog_or_template(translations_dir, lang)
    return None


def parse_language_code(code: str) -> str | None:
    """A language code as the catalogs spell it ("pt-br" -> "pt_BR"), or None when CLDR does
    not know the language, so that dates, plural forms and its own name all work."""
    try:
        locale = Locale.parse(code.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    return str(locale)


def start_language(session: Session, actor: StaffUser, code: str, translations_dir: Path,
                   now: datetime | None = None) -> str:
    """Let translators start on a language that has no catalog. Its pages are served by URL at
    once, in English until strings are approved; the ship policy decides when it is listed."""
    if actor.role not in REVIEWS_EVERY_LANGUAGE:
        raise TranslationError("not_allowed")
    lang = parse_language_code(code)
    if lang is None:
        raise TranslationError("unknown_language")
    if lang == SOURCE_LANGUAGE or lang in translatable_languages(session, translations_dir):
        raise TranslationError("already_there")
    _record_language_event(session, actor, lang, "started", now or now_utc())
    return lang


def mark_reviewed(session: Session, actor: StaffUser, lang: str, now: datetime | None = None) -> None:
    """A lead confirms a fluent speaker has read the whole language: its pages stop saying it
    awaits community review (and, when the installation requires review, it may be listed)."""
    if actor.role not in REVIEWS_EVERY_LANGUAGE:
        raise TranslationError("not_allowed")
    _record_language_event(session, actor, lang, "reviewed", now or now_utc())


def _record_language_event(session: Session, actor: StaffUser, lang: str, event: str, now: datetime) -> None:
    """Set <event>_at and <event>_by_id on the language's record, and tell every process."""
    record = session.get(TranslationLanguage, lang) or TranslationLanguage(code=lang)
    setattr(record, f"{event}_at", now)
    setattr(record, f"{event}_by_id", actor.id)
    session.add(record)
    bump_catalog_version(session, now)
    audit.record(session, actor, f"translation.language_{event}", "translation_language", None, lang, at=now)
    session.commit()


# Checking a translation --------------------------------------------------------------------

def normalise_forms(forms: list[str]) -> list[str]:
    # Browsers send a textarea's line breaks as \r\n; the catalogs use \n.
    return [(form or "").replace("\r\n", "\n").strip() for form in forms]


def _unique(problems: list[Problem]) -> list[Problem]:
    return list({problem.code: problem for problem in problems}.values())


def check_forms(message: CatalogMessage, forms: list[str], num_plurals: int) -> list[Problem]:
    """What is wrong with this translation of the message (blocking or not); [] when it may ship."""
    if message.is_plural:
        problems = check_plural_forms(forms, num_plurals)
        # As in the catalog checks: each form is held to the English plural's placeholders.
        pairs = [(message.msgid_plural, form) for form in forms if form]
    else:
        problems = [] if len(forms) == 1 and forms[0] else [EMPTY]
        pairs = [(message.msgid, forms[0])] if forms and forms[0] else []
    for source, form in pairs:
        problems += check_translation(source, form, is_button=message.is_button)
    return _unique(problems)


def blocking(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.blocking]


# Suggestions -------------------------------------------------------------------------------

def approved_suggestions(session: Session, lang: str) -> dict[str, TranslationSuggestion]:
    """The latest approved suggestion of each message, whether or not still in force."""
    rows = session.execute(select(TranslationSuggestion).where(
        TranslationSuggestion.language == lang, TranslationSuggestion.status == SuggestionStatus.APPROVED)
        .order_by(TranslationSuggestion.reviewed_at, TranslationSuggestion.id)).scalars()
    return {suggestion.message_key: suggestion for suggestion in rows}


def still_in_force(catalog: LanguageCatalog, approved: dict) -> dict:
    """Of the approved translations by message key (suggestions, or rows with catalog_forms),
    those readers see: for a message of this catalog, not yet overtaken by it (is_in_force)."""
    return {key: suggestion for key, suggestion in approved.items() if key in catalog.messages
            and is_in_force(suggestion.catalog_forms, served_forms(catalog.messages[key], catalog.num_plurals))}


def approved_in_force(session: Session, catalog: LanguageCatalog) -> dict[str, TranslationSuggestion]:
    return still_in_force(catalog, approved_suggestions(session, catalog.language))


def waiting_suggestions(session: Session, lang: str) -> dict[str, list[TranslationSuggestion]]:
    rows = session.execute(select(TranslationSuggestion).where(
        TranslationSuggestion.language == lang, TranslationSuggestion.status == SuggestionStatus.SUGGESTED)
        .order_by(TranslationSuggestion.created_at, TranslationSuggestion.id)).scalars()
    waiting: dict[str, list[TranslationSuggestion]] = {}
    for suggestion in rows:
        waiting.setdefault(suggestion.message_key, []).append(suggestion)
    return waiting


def suggestion_history(session: Session, lang: str, key: str) -> list[TranslationSuggestion]:
    return list(session.execute(select(TranslationSuggestion).where(
        TranslationSuggestion.language == lang, TranslationSuggestion.message_key == key)
        .order_by(TranslationSuggestion.id.desc())).scalars())


def live_forms(message: CatalogMessage, approved: TranslationSuggestion | None) -> list[str] | None:
    """What readers of the language see now, or None when they see the English."""
    if approved is not None:
        return list(approved.forms)
    return list(message.forms) if message.translated else None


@dataclass(frozen=True)
class Suggested:
    suggestion: TranslationSuggestion
    warnings: list[Problem]


def suggest(session: Session, author: StaffUser, catalog: LanguageCatalog, key: str, forms: list[str],
            now: datetime | None = None) -> Suggested:
    """Save a translation for review, or refuse it (SuggestionRefused) when a check blocks it."""
    message = catalog.messages.get(key)
    if message is None:
        raise TranslationError("unknown_message")
    if not may_translate(author, catalog.language):
        raise TranslationError("not_your_language")
    forms = normalise_forms(forms)
    problems = check_forms(message, forms, catalog.num_plurals)
    if forms == live_forms(message, approved_in_force(session, catalog).get(key)):
        problems.append(UNCHANGED)
    if blocking(problems):
        raise SuggestionRefused(problems)
    suggestion = TranslationSuggestion(
        language=catalog.language, message_key=key, msgctxt=message.msgctxt, msgid=message.msgid,
        msgid_plural=message.msgid_plural, forms=forms, status=SuggestionStatus.SUGGESTED,
        author_id=author.id, created_at=now or now_utc())
    session.add(suggestion)
    session.commit()
    return Suggested(suggestion, problems)


def bump_catalog_version(session: Session, now: datetime) -> None:
    """Tell every process the approved translations changed (an atomic increment)."""
    changed = session.execute(update(TranslationCatalogVersion).where(TranslationCatalogVersion.id == 1)
                              .values(version=TranslationCatalogVersion.version + 1, changed_at=now))
    if changed.rowcount == 0:  # migration 0005 creates the row; a hand-made database may lack it
        session.add(TranslationCatalogVersion(id=1, version=1, changed_at=now))


def _reviewable(reviewer: StaffUser, suggestion: TranslationSuggestion) -> None:
    refusal = review_refusal(reviewer, suggestion)
    if refusal:
        raise TranslationError(refusal)


def approve(session: Session, reviewer: StaffUser, suggestion: TranslationSuggestion, catalog: LanguageCatalog,
            now: datetime | None = None) -> None:
    """Make the suggestion live, in place of any earlier approved translation of the message."""
    _reviewable(reviewer, suggestion)
    message = catalog.messages.get(suggestion.message_key)
    if message is None or message.msgid != suggestion.msgid:
        raise TranslationError("source_changed")
    # Checked again: the English may have changed its markup since, or the checks grown stricter.
    problems = blocking(check_forms(message, list(suggestion.forms), catalog.num_plurals))
    if problems:
        raise SuggestionRefused(problems)
    now = now or now_utc()
    previous = approved_suggestions(session, suggestion.language).get(suggestion.message_key)
    if previous is not None:
        previous.status = SuggestionStatus.REPLACED
    suggestion.status = SuggestionStatus.APPROVED
    suggestion.reviewer_id = reviewer.id
    suggestion.reviewed_at = now
    suggestion.catalog_forms = served_forms(message, catalog.num_plurals)
    bump_catalog_version(session, now)
    audit.record(session, reviewer, "translation.approved", "translation", suggestion.id, suggestion.language, at=now)
    session.commit()


REJECTION_REASON_MAX = 300


def reject(session: Session, reviewer: StaffUser, suggestion: TranslationSuggestion, reason: str,
           now: datetime | None = None) -> None:
    """Turn the suggestion down with a short reason, which its author sees: a volunteer told only
    "rejected" does not know what to do better."""
    _reviewable(reviewer, suggestion)
    reason = " ".join((reason or "").split())
    if not reason:
        raise TranslationError("reason_needed")
    now = now or now_utc()
    suggestion.review_note = reason[:REJECTION_REASON_MAX]
    suggestion.status = SuggestionStatus.REJECTED
    suggestion.reviewer_id = reviewer.id
    suggestion.reviewed_at = now
    audit.record(session, reviewer, "translation.rejected", "translation", suggestion.id, suggestion.language, at=now)
    session.commit()


# What the reviewer sees --------------------------------------------------------------------

# A word, a run of spaces, or one sign; Chinese and Japanese, written without spaces, by character.
WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]|\w+|\s+|[^\w\s]")


class Change(enum.StrEnum):
    SAME = "same"
    REMOVED = "removed"
    ADDED = "added"


def word_diff(current: str, suggested: str) -> list[tuple[Change, str]]:
    """The suggestion against what readers see now, word by word: what stays, goes and comes."""
    before, after = WORD.findall(current), WORD.findall(suggested)
    changes: list[tuple[Change, str]] = []
    for operation, start, end, new_start, new_end in difflib.SequenceMatcher(None, before, after,
                                                                              autojunk=False).get_opcodes():
        if operation == "equal":
            changes.append((Change.SAME, "".join(before[start:end])))
            continue
        if start < end:
            changes.append((Change.REMOVED, "".join(before[start:end])))
        if new_start < new_end:
            changes.append((Change.ADDED, "".join(after[new_start:new_end])))
    return changes


@dataclass(frozen=True)
class FormReview:
    changes: list[tuple[Change, str]]
    rendered: str  # HTML: only the English's own tags render (render_as_allowed)


def review_of(message: CatalogMessage, current: list[str] | None, suggestion: TranslationSuggestion) -> list[FormReview]:
    """For each form of a suggestion: its word diff against what readers see now (nothing, when
    they see the English), and how it will render."""
    current = current or []
    sources = [message.msgid_plural if message.is_plural else message.msgid] * len(suggestion.forms)
    return [FormReview(word_diff(current[index] if index < len(current) else "", form),
                       render_as_allowed(sources[index], form))
            for index, form in enumerate(suggestion.forms)]


# Progress ----------------------------------------------------------------------------------

def readiness_of(catalog: LanguageCatalog, approved_keys, reviewed_in_app: bool) -> Readiness:
    """The ship policy's readiness of a catalog, counting the approved suggestions in force
    (readers already see them) for the messages the catalog itself lacks."""
    messages = list(catalog.messages.values())
    live = [message for message in messages if message.translated or message.key in approved_keys]
    return Readiness(safety_translated=sum(message.safety_critical for message in live),
                     safety_total=sum(message.safety_critical for message in messages),
                     translated=len(live), total=len(messages),
                     reviewed=reviewed_in_app or not catalog.awaiting_review)


def readiness_with_approved(session: Session, translations_dir: Path, lang: str) -> Readiness | None:
    catalog = language_catalog(session, translations_dir, lang)
    if catalog is None:
        return None
    record = session.get(TranslationLanguage, lang)
    return readiness_of(catalog, approved_in_force(session, catalog),
                        reviewed_in_app=bool(record and record.reviewed_at))


@dataclass(frozen=True)
class LanguageProgress:
    language: str
    readiness: Readiness
    listed: bool
    waiting_for_review: int


def language_progress(session: Session, translations_dir: Path, lang: str, min_share: float,
                      require_review: bool) -> LanguageProgress | None:
    ready = readiness_with_approved(session, translations_dir, lang)
    if ready is None:
        return None
    waiting = sum(map(len, waiting_suggestions(session, lang).values()))
    return LanguageProgress(lang, ready, is_listed(ready, min_share, require_review), waiting)


# Listing the messages ----------------------------------------------------------------------

class MessageState(enum.StrEnum):
    MISSING = "missing"
    OUTDATED = "outdated"  # fuzzy: the English changed since it was translated
    FAILS_CHECKS = "fails_checks"
    APPROVED = "approved"  # live from the database, not yet exported into the catalog
    TRANSLATED = "translated"


NEEDS_WORK = (MessageState.MISSING, MessageState.OUTDATED, MessageState.FAILS_CHECKS)


def message_state(message: CatalogMessage, approved: TranslationSuggestion | None) -> MessageState:
    if approved is not None:
        return MessageState.APPROVED
    if message.translated:
        return MessageState.TRANSLATED
    if message.fuzzy:
        return MessageState.OUTDATED
    return MessageState.FAILS_CHECKS if all(message.forms) else MessageState.MISSING


class Show(enum.StrEnum):
    NEEDS_WORK = "needs_work"
    WAITING = "waiting"
    ALL = "all"


@dataclass(frozen=True)
class MessageFilter:
    show: Show = Show.NEEDS_WORK
    safety_only: bool = False
    search: str = ""


@dataclass(frozen=True)
class MessageRow:
    message: CatalogMessage
    state: MessageState
    approved: TranslationSuggestion | None
    waiting: list[TranslationSuggestion] = field(default_factory=list)


def _matches(row: MessageRow, wanted: MessageFilter) -> bool:
    if wanted.show == Show.NEEDS_WORK and row.state not in NEEDS_WORK:
        return False
    if wanted.show == Show.WAITING and not row.waiting:
        return False
    if wanted.safety_only and not row.message.safety_critical:
        return False
    if not wanted.search:
        return True
    message = row.message
    texts = [message.msgid, message.msgid_plural or "", message.msgctxt or "", *message.forms, *message.comments,
             *(row.approved.forms if row.approved else []), *(form for s in row.waiting for form in s.forms)]
    needle = wanted.search.casefold()
    return any(needle in text.casefold() for text in texts)


def default_show(session: Session, catalog: LanguageCatalog) -> Show:
    """What a language's page lists when nothing is chosen: what needs work, or, once nothing does,
    every string, so that a volunteer who came to fix a wording finds it."""
    return Show.NEEDS_WORK if message_rows(session, catalog, MessageFilter(show=Show.NEEDS_WORK)) else Show.ALL


def message_rows(session: Session, catalog: LanguageCatalog, wanted: MessageFilter) -> list[MessageRow]:
    approved = approved_in_force(session, catalog)
    waiting = waiting_suggestions(session, catalog.language)
    rows = (MessageRow(message, message_state(message, approved.get(key)), approved.get(key), waiting.get(key, []))
            for key, message in catalog.messages.items())
    return [row for row in rows if _matches(row, wanted)]


# Writing approved translations back into the catalog ---------------------------------------

@dataclass(frozen=True)
class Exported:
    path: Path
    written: int
    skipped: int  # approved for English that is no longer in the catalog


def apply_approved(catalog: Catalog, suggestions: list[TranslationSuggestion]) -> list[TranslationSuggestion]:
    """Put the approved translations into the catalog, as reviewed (not fuzzy); returns those
    whose English is still there."""
    written = []
    for suggestion in suggestions:
        message = catalog.get(suggestion.msgid, context=suggestion.msgctxt)
        if message is None or message.pluralizable != suggestion.is_plural:
            continue
        message.string = tuple(suggestion.forms) if suggestion.is_plural else suggestion.forms[0]
        message.flags.discard("fuzzy")
        message.previous_id = []
        written.append(suggestion)
    return written


def _write_po_atomically(path: Path, catalog: Catalog) -> None:
    # Written beside the catalog, then renamed: a reader never sees half a file. No wrapping
    # and the previous msgids kept, as `flask translate update` writes it, so diffs stay small.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".messages-", suffix=".po")
    try:
        with os.fdopen(handle, "wb") as out:
            write_po(out, catalog, width=None, include_previous=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_approved(session: Session, translations_dir: Path, lang: str, now: datetime | None = None) -> Exported:
    """Write the approved translations in force into LANG's messages.po; a language started in
    the back office gets its first catalog, made from messages.pot as `flask translate init` would."""
    current = language_catalog(session, translations_dir, lang)
    if current is None:
        raise TranslationError("no_catalog")
    path = catalog_path(translations_dir, lang)
    with open(path if current.has_file else template_path(translations_dir), "rb") as handle:
        catalog = read_po(handle, locale=lang)
    if not current.has_file:
        catalog.fuzzy = False  # the header of a template is fuzzy; a catalog's is not
        path.parent.mkdir(parents=True, exist_ok=True)
    suggestions = list(approved_in_force(session, current).values())
    written = apply_approved(catalog, suggestions)
    _write_po_atomically(path, catalog)
    for suggestion in written:
        suggestion.exported_at = now or now_utc()
    session.commit()
    return Exported(path, len(written), len(suggestions) - len(written))


# Checking every catalog (CI) ---------------------------------------------------------------

@dataclass(frozen=True)
class CatalogProblem:
    language: str
    msgid: str
    problem: Problem


def catalog_problems(translations_dir: Path) -> list[CatalogProblem]:
    """Every problem in every translated entry of every catalog. Untranslated entries are the ship
    policy's business, and fuzzy ones are never served, so neither is checked here."""
    found = []
    for lang in catalog_languages(translations_dir):
        catalog = load_catalog(translations_dir, lang)
        for message in catalog.messages.values():
            if message.fuzzy or not any(message.forms):
                continue
            found += [CatalogProblem(lang, message.msgid, problem)
                      for problem in check_forms(message, list(message.forms), catalog.num_plurals)]
    return found
