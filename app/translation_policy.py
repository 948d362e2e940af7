"""Which languages are offered in the switcher: only those whose safety-critical strings (the
emergency line, the report form, the receipt, offline and error messages) are all translated
and pass the machine checks, and whose other strings are mostly translated. Other languages are
still served by URL, with English for what is missing and a note saying so.

A string is safety-critical when its source says so, next to the string, with a translator
comment starting "Translators: SAFETY" (babel.cfg's comment tag; `flask translate extract` copies
it into the catalogs): moving a template or a form to another file changes nothing."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.pofile import read_po

from app.services.translation_checks import check_translation

COMMENT_TAG = "Translators:"
SAFETY_MARK = "SAFETY"
AWAITING_REVIEW = "awaiting community review"


@dataclass(frozen=True)
class Readiness:
    safety_translated: int
    safety_total: int
    translated: int
    total: int
    reviewed: bool

    @property
    def safety_complete(self) -> bool:
        return self.safety_translated == self.safety_total

    @property
    def share_translated(self) -> float:
        return self.translated / self.total if self.total else 1.0


def is_safety_mark(comment: str) -> bool:
    # Jinja's extractor drops the comment tag and Python's keeps it: both are read the same.
    return comment.removeprefix(COMMENT_TAG).lstrip().startswith(SAFETY_MARK)


def _is_safety_critical(message) -> bool:
    return any(map(is_safety_mark, message.auto_comments))


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    sources = message.id if isinstance(message.id, (list, tuple)) else [message.id]
    if message.fuzzy or not all(strings):
        return False
    return not any(p.blocking for s in strings for p in check_translation(sources[-1], s))


@lru_cache(maxsize=64)
def _readiness(po_path: Path, modified: float) -> Readiness:
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    safety = [m for m in messages if _is_safety_critical(m)]
    return Readiness(
        safety_translated=sum(map(_translated, safety)),
        safety_total=len(safety),
        translated=sum(map(_translated, messages)),
        total=len(messages),
        reviewed=AWAITING_REVIEW not in (catalog.last_translator or "").lower(),
    )


def readiness(translations_dir: Path, lang: str) -> Readiness | None:
    """How far a language's catalog is; None for English, the source language."""
    po_path = translations_dir / lang / "LC_MESSAGES" / "messages.po"
    if lang == "en" or not po_path.exists():
        return None
    return _readiness(po_path, po_path.stat().st_mtime)


def is_listed(readiness: Readiness | None, min_share: float, require_review: bool) -> bool:
    if readiness is None:
        return True
    return (readiness.safety_complete and readiness.share_translated >= min_share
            and (readiness.reviewed or not require_review))
