"""Places that put up a poster: registering one, its secret manage token, its short-link scans,
and the counts its owner may see. Plain functions over a session; no Flask request in here.

Privacy rules kept here, so no view can forget them:
- a scan is a +1 on a (place, day) counter: no address, cookie, user agent or time of day;
- the owner sees counts only, never a report, and a count from 1 to 4 is withheld ("fewer
  than 5") so that one visitor cannot be picked out;
- only finished days and weeks are shown: an owner who refreshes the page cannot tie a new
  scan or report to the person they just saw at the poster.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models.place import Place, PlaceKind, PlaceScanDay
from app.models.report import Report
from app.services.receipts import ALPHABET

CODE_LENGTH = 8  # 40 random bits: codes are public, so they only need to be unique, not secret
# Crockford's forgiving reading, as for receipts: a code typed from a poster may use O, I or L.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
SMALLEST_SHOWN_COUNT = 5
SCAN_DAYS_SHOWN = 14
REPORT_WEEKS_SHOWN = 8


@dataclass(frozen=True)
class PlaceDetails:
    """What the owner tells us about the place, on registering and on editing."""

    name: str
    kind: PlaceKind
    area: str
    contact_email: str = ""
    language: str = "en"


@dataclass(frozen=True)
class Registration:
    place: Place
    # Returned once, to be shown and emailed once: only its hash is kept.
    manage_token: str


@dataclass(frozen=True)
class PeriodCount:
    starts_on: date
    # None when the true count is 1 to 4: withheld so that a single visitor cannot be picked out.
    count: int | None


def new_place_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_place_code(raw: str | None) -> str | None:
    """The canonical form of a code as typed or scanned, or None if it cannot be one."""
    if not isinstance(raw, str):
        return None
    code = raw.strip().upper().translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def manage_token_hash(token: str) -> str:
    # A plain SHA-256 is enough: the token carries 256 random bits, so a stolen hash cannot be
    # brute-forced back into it. Unlike an HMAC with SECRET_KEY, rotating the key does not lock
    # every owner out of their place.
    return hashlib.sha256(b"place-manage\x00" + token.encode()).hexdigest()


def register_place(session: Session, details: PlaceDetails, now: datetime) -> Registration:
    """Store a new place with a fresh code and manage token."""
    token = secrets.token_urlsafe(32)
    for _attempt in range(5):
        place = Place(code=new_place_code(), manage_token_hash=manage_token_hash(token), created_at=now)
        _apply(place, details)
        session.add(place)
        try:
            session.commit()
        except IntegrityError:  # the code was taken (1 in a trillion): draw another
            session.rollback()
            continue
        return Registration(place, token)
    raise RuntimeError("could not draw an unused place code")


def place_for_manage_token(session: Session, token: str | None) -> Place | None:
    """The place this manage token opens, retired or not; None for a wrong or missing token."""
    if not token or len(token) > 100:
        return None
    wanted = manage_token_hash(token)
    place = session.execute(select(Place).where(Place.manage_token_hash == wanted)).scalar_one_or_none()
    if place is None or not hmac.compare_digest(place.manage_token_hash, wanted):
        return None
    return place


def update_place(session: Session, place: Place, details: PlaceDetails) -> None:
    _apply(place, details)
    session.commit()


def retire_place(session: Session, place: Place, now: datetime) -> None:
    if place.retired_at is None:
        place.retired_at = now
        session.commit()


def _apply(place: Place, details: PlaceDetails) -> None:
    place.name = details.name
    place.kind = details.kind
    place.area = details.area
    place.contact_email = details.contact_email
    place.language = details.language


def live_place(session: Session, raw_code: str | None) -> Place | None:
    """The place a poster's code names, unless the code is unknown or retired."""
    code = normalise_place_code(raw_code)
    if code is None:
        return None
    return session.execute(
        select(Place).where(Place.code == code, Place.retired_at.is_(None))
    ).scalar_one_or_none()


def place_name_for_code(code: str | None) -> str | None:
    """The name to show on the report form for a live place code, or None."""
    place = live_place(db.session, code)
    return place.name if place else None


def live_place_names(session: Session) -> dict[str, str]:
    """Every live place's name by its code, in one query: for pages that name many places."""
    return dict(session.execute(select(Place.code, Place.name).where(Place.retired_at.is_(None))).all())


def record_scan(session: Session, place: Place, day: date) -> None:
    """Add one to the place's counter for the day, in one statement (two phones at once both count)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(PlaceScanDay).values(place_id=place.id, day=day, scans=1)
    statement = statement.on_conflict_do_update(
        index_elements=[PlaceScanDay.place_id, PlaceScanDay.day],
        set_={"scans": PlaceScanDay.scans + 1},
    )
    session.execute(statement)
    session.commit()


def withheld_if_small(count: int) -> int | None:
    return None if 0 < count < SMALLEST_SHOWN_COUNT else count


def scans_by_day(session: Session, place: Place, today: date, days: int = SCAN_DAYS_SHOWN) -> list[PeriodCount]:
    """Scans on each of the last finished days, newest first."""
    first = today - timedelta(days=days)
    rows = session.execute(
        select(PlaceScanDay.day, PlaceScanDay.scans)
        .where(PlaceScanDay.place_id == place.id, PlaceScanDay.day >= first, PlaceScanDay.day < today)
    ).all()
    scans = dict(rows)
    return [PeriodCount(day, withheld_if_small(scans.get(day, 0)))
            for day in (today - timedelta(days=n) for n in range(1, days + 1))]


def reports_by_week(session: Session, place: Place, today: date,
                    weeks: int = REPORT_WEEKS_SHOWN) -> list[PeriodCount]:
    """Reports sent from the place's posters in each of the last finished weeks (Monday to
    Sunday, UTC), newest first. Only counts are read: never a report's content."""
    this_monday = today - timedelta(days=today.weekday())
    counts = []
    for n in range(1, weeks + 1):
        monday = this_monday - timedelta(weeks=n)
        start = datetime.combine(monday, time.min, tzinfo=timezone.utc)
        count = session.execute(
            select(func.count()).select_from(Report)
            .where(Report.place_code == place.code, Report.received_at >= start,
                   Report.received_at < start + timedelta(weeks=1))
        ).scalar_one()
        counts.append(PeriodCount(monday, withheld_if_small(count)))
    return counts
