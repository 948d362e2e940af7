"""Places that put up a Noticed poster, and how often their posters are scanned.

A place is registered without an account: whoever holds its manage link runs it. Nothing here
describes a reporter or a visitor: scans are a count per place per day, nothing more. The
prevention team can step in when a name misleads (see PlaceStaffChange).
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.minutes import MinuteTime
from app.models.report import _enum


class PlaceKind(enum.StrEnum):
    BUSINESS = "business"
    SCHOOL = "school"
    CAMPUS = "campus"
    PLACE_OF_WORSHIP = "place_of_worship"
    COMMUNITY_CENTRE = "community_centre"
    TRANSIT = "transit"
    OTHER = "other"


class Place(db.Model):
    __tablename__ = "place"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Printed on posters and carried by reports (Report.place_code). Never reused, even retired.
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # SHA-256 of the manage token (see services.places); the token itself is never stored.
    manage_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[PlaceKind] = mapped_column(_enum(PlaceKind))
    area: Mapped[str] = mapped_column(String(120))
    # The owner's address, if they gave one: for the manage link. Never a reporter's.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    # The visitors' language when their phone asks for one we do not ship; posters default to it.
    language: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(MinuteTime)
    # A retired code still leads to the report form, but no longer names the place.
    retired_at: Mapped[datetime | None] = mapped_column(MinuteTime)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class PlaceScanDay(db.Model):
    """How many times a place's short link was opened on one day (UTC). Only the count is kept."""

    __tablename__ = "place_scan_day"

    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    scans: Mapped[int] = mapped_column(Integer, default=0)


class PlaceStaffChangeKind(enum.StrEnum):
    RENAMED = "renamed"
    RETIRED = "retired"


class PlaceStaffChange(db.Model):
    """A lead renamed a place or retired its code, and why. Nobody checks a name when a place is
    registered, so a prankster's name ("Don't report, call ...") shows on the report form until
    the team steps in. The reason and the names live here, with the place, not in the audit log:
    the log holds no free text, and an abusive name there could never be erased."""

    __tablename__ = "place_staff_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PlaceStaffChangeKind] = mapped_column(_enum(PlaceStaffChangeKind))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(MinuteTime)
    reason: Mapped[str] = mapped_column(String(300))
    name_before: Mapped[str] = mapped_column(String(120))
    # Only for a renaming; a retired code keeps its name, unseen by reporters.
    name_after: Mapped[str | None] = mapped_column(String(120))

    changed_by = relationship("StaffUser")
