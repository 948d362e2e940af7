"""What the prevention team does about registered places: the list of them with how much they are
used, and the two fixes for a misleading poster: renaming the place, or retiring its code.

Anyone can register a place, and nobody checks its name before reporters read it on the form
("Reporting from: ..."). A lead who finds a misleading name renames the place or retires its
code; either way they say why, and the place keeps that in its history (PlaceStaffChange). The
audit log records only that it happened, as it holds no free text.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.place import Place, PlaceScanDay, PlaceStaffChange, PlaceStaffChangeKind
from app.models.report import Report
from app.models.staff import StaffUser
from app.services import audit
from app.services.clock import now_utc
from app.services.listing import Page, contains_text, page_of
from app.services.places import PlaceDetails, retire_place, update_place

SCAN_DAYS_COUNTED = 30
AUDIT_ACTIONS = {PlaceStaffChangeKind.RENAMED: "place.renamed_by_staff",
                 PlaceStaffChangeKind.RETIRED: "place.retired_by_staff"}


class PlaceStatus(enum.StrEnum):
    IN_USE = "in_use"
    RETIRED = "retired"


class PlaceAdminError(ValueError):
    """A change to a place that the rules do not allow; `code` names the reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PlaceFilter:
    status: PlaceStatus | None = None  # None: every place
    search: str | None = None  # part of the name, area or code
    page: int = 1


@dataclass(frozen=True)
class PlaceUse:
    place: Place
    # Staff see today's scans too: the owner's rule of finished days only does not apply to them.
    scans_last_30_days: int
    # Every report that carried the code, whichever team it went to: a count, never the content.
    reports_total: int

    @property
    def status(self) -> PlaceStatus:
        return PlaceStatus.RETIRED if self.place.is_retired else PlaceStatus.IN_USE


def _with_use(today: date):
    since = today - timedelta(days=SCAN_DAYS_COUNTED - 1)
    scans = (select(func.coalesce(func.sum(PlaceScanDay.scans), 0))
             .where(PlaceScanDay.place_id == Place.id, PlaceScanDay.day >= since).scalar_subquery())
    reports = select(func.count()).select_from(Report).where(Report.place_code == Place.code).scalar_subquery()
    return select(Place, scans, reports)


def places_page(session: Session, wanted: PlaceFilter, today: date) -> Page:
    """A page of places with their use, newest first."""
    query = _with_use(today)
    if wanted.status == PlaceStatus.IN_USE:
        query = query.where(Place.retired_at.is_(None))
    elif wanted.status == PlaceStatus.RETIRED:
        query = query.where(Place.retired_at.is_not(None))
    if wanted.search and wanted.search.strip():
        query = query.where(contains_text(wanted.search.strip(), Place.name, Place.area, Place.code))
    page = page_of(session, query.order_by(Place.created_at.desc(), Place.id.desc()), wanted.page)
    return replace(page, items=[PlaceUse(*row) for row in page.items])


def place_use(session: Session, place_id: int, today: date) -> PlaceUse | None:
    row = session.execute(_with_use(today).where(Place.id == place_id)).one_or_none()
    return PlaceUse(*row) if row else None


def staff_changes(session: Session, place: Place) -> list[PlaceStaffChange]:
    """What leads changed about the place, newest first."""
    return list(session.execute(select(PlaceStaffChange).where(PlaceStaffChange.place_id == place.id)
                                .order_by(PlaceStaffChange.id.desc())).scalars())


def _record_change(session: Session, place: Place, kind: PlaceStaffChangeKind, reason: str, staff: StaffUser,
                   now: datetime | None, name_after: str | None = None) -> PlaceStaffChange:
    """The change in the place's history and in the audit log, saved by the caller's commit."""
    if not reason.strip():
        raise PlaceAdminError("reason_required")
    now = now or now_utc()
    change = PlaceStaffChange(place_id=place.id, kind=kind, changed_by=staff, changed_at=now,
                              reason=reason.strip(), name_before=place.name, name_after=name_after)
    session.add(change)
    audit.record(session, staff, AUDIT_ACTIONS[kind], "place", place.id, f"code={place.code}", at=now)
    return change


def rename_by_staff(session: Session, place: Place, new_name: str, reason: str, staff: StaffUser,
                    now: datetime | None = None) -> PlaceStaffChange:
    """Give the place a name that does not mislead; the report form shows it from now on. The
    owner keeps their manage link, and with it the power to rename the place again."""
    new_name = new_name.strip()
    if not new_name:
        raise PlaceAdminError("name_required")
    if new_name == place.name:
        raise PlaceAdminError("name_unchanged")
    change = _record_change(session, place, PlaceStaffChangeKind.RENAMED, reason, staff, now, name_after=new_name)
    update_place(session, place, PlaceDetails(name=new_name, kind=place.kind, area=place.area,
                                              contact_email=place.contact_email, language=place.language))
    return change


def retire_by_staff(session: Session, place: Place, reason: str, staff: StaffUser,
                    now: datetime | None = None) -> PlaceStaffChange:
    """Retire the code as its owner can: posters still open the report form, without the name.
    Final: a retired code is never used again."""
    if place.is_retired:
        raise PlaceAdminError("already_retired")
    change = _record_change(session, place, PlaceStaffChangeKind.RETIRED, reason, staff, now)
    retire_place(session, place, change.changed_at)
    return change
