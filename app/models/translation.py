"""Translations suggested in the back office, and the counter that tells every process when the
approved ones changed.

The catalogs in translations/ stay the source of truth in the repository; an approved suggestion
is served on top of them at once (app/i18n_overrides.py) until `flask translate export-po`
writes it back into the catalog.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.report import _enum
from app.models.staff import StaffUser


class SuggestionStatus(enum.StrEnum):
    SUGGESTED = "suggested"  # waiting for a second person
    APPROVED = "approved"  # live, on top of the compiled catalog
    REJECTED = "rejected"
    REPLACED = "replaced"  # was approved, then a newer approved suggestion took its place


class TranslationSuggestion(db.Model):
    """One person's translation of one message into one language."""

    __tablename__ = "translation_suggestion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16), index=True)
    # A short hash of msgctxt and msgid: the message's address in URLs, and a cheap lookup.
    message_key: Mapped[str] = mapped_column(String(16), index=True)
    # The English is kept as it was when suggested: if it changes, the suggestion stops matching.
    msgctxt: Mapped[str | None] = mapped_column(Text)
    msgid: Mapped[str] = mapped_column(Text)
    msgid_plural: Mapped[str | None] = mapped_column(Text)
    # Every form of the translation: one for a simple message, one per plural form otherwise.
    forms: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[SuggestionStatus] = mapped_column(_enum(SuggestionStatus), default=SuggestionStatus.SUGGESTED,
                                                     index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Why the reviewer rejected it, in a few words: its author reads it beside the suggestion.
    review_note: Mapped[str | None] = mapped_column(Text)
    # When `flask translate export-po` last wrote it into the catalog file.
    exported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # What the compiled catalog served for the message when this was approved ("" per form when
    # nothing). Once a deployed catalog serves something else (this translation, exported, or a
    # newer one from Weblate), the catalog wins again: see is_in_force in app/services/translations.py.
    catalog_forms: Mapped[list[str] | None] = mapped_column(JSON)

    author: Mapped[StaffUser | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[StaffUser | None] = relationship(foreign_keys=[reviewer_id])

    @property
    def is_plural(self) -> bool:
        return self.msgid_plural is not None


class TranslationCatalogVersion(db.Model):
    """A single row whose number goes up whenever the approved translations change. Each process
    compares it, every few seconds, with the number it loaded: cheaper than reloading them all."""

    __tablename__ = "translation_catalog_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TranslationLanguage(db.Model):
    """What the back office knows about a language beyond its catalog file: that a lead started it
    in the browser (it has no catalog until `flask translate export-po` writes one), and whether a
    fluent speaker has reviewed it (which lifts the "awaiting community review" note)."""

    __tablename__ = "translation_language"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    reviewed_by: Mapped[StaffUser | None] = relationship(foreign_keys=[reviewed_by_id])
