"""Figures for the dashboard, counted over the reports and cases a staff member may see."""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.case import Case, CaseStatus
from app.models.report import Report
from app.models.staff import Role, StaffUser
from app.services.cases import reassessments
from app.services.triage import channel_of

# Upper bounds in hours of the "time to first triage" bands; the last band is open-ended.
TRIAGE_BANDS = [(1, "< 1 h"), (4, "1–4 h"), (24, "4–24 h"), (72, "1–3 days"), (None, "> 3 days")]


@dataclass(frozen=True)
class Dashboard:
    reports_per_week: list[tuple[date, int]]
    by_kind: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_place: list[tuple[str, int]]
    triage_bands: list[tuple[str, int]]
    median_hours_to_triage: float | None
    untriaged: int
    open_cases: int
    due_reassessments: int
    overdue_reassessments: int


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _visible_reports(session: Session, staff: StaffUser) -> list[Report]:
    query = select(Report)
    if staff.role != Role.ADMIN:
        query = query.where(Report.team_id == staff.team_id)
    return list(session.execute(query).scalars())


def weekly_counts(received: list[datetime], today: date, weeks: int) -> list[tuple[date, int]]:
    """Reports per week (weeks start on Monday), oldest first, empty weeks included."""
    this_monday = today - timedelta(days=today.weekday())
    starts = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    counts = Counter(_as_utc(moment).date() - timedelta(days=_as_utc(moment).weekday()) for moment in received)
    return [(start, counts.get(start, 0)) for start in starts]


def triage_hours(reports: list[Report]) -> list[float]:
    return [(_as_utc(r.first_triaged_at) - _as_utc(r.received_at)).total_seconds() / 3600
            for r in reports if r.first_triaged_at is not None]


def band_counts(hours: list[float]) -> list[tuple[str, int]]:
    counts = Counter()
    for value in hours:
        label = next(label for bound, label in TRIAGE_BANDS if bound is None or value < bound)
        counts[label] += 1
    return [(label, counts.get(label, 0)) for _, label in TRIAGE_BANDS]


def _open_cases(session: Session, staff: StaffUser) -> int:
    query = select(func.count()).select_from(Case).where(Case.status != CaseStatus.CLOSED)
    if staff.role != Role.ADMIN:
        query = query.where(Case.team_id == staff.team_id)
    return session.execute(query).scalar_one()


def dashboard(session: Session, staff: StaffUser, today: date, weeks: int = 12) -> Dashboard:
    reports = _visible_reports(session, staff)
    hours = triage_hours(reports)
    due = reassessments(session, staff, today, horizon_days=0)
    return Dashboard(
        reports_per_week=weekly_counts([r.received_at for r in reports], today, weeks),
        by_kind=Counter(r.kind.value for r in reports).most_common(),
        by_channel=Counter(channel_of(r) for r in reports).most_common(),
        by_place=Counter(r.place_code for r in reports if r.place_code).most_common(10),
        triage_bands=band_counts(hours),
        median_hours_to_triage=round(statistics.median(hours), 1) if hours else None,
        untriaged=sum(1 for r in reports if r.triage_decision is None),
        open_cases=_open_cases(session, staff),
        due_reassessments=len(due.due),
        overdue_reassessments=len(due.overdue),
    )
