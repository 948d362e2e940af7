"""Figures for the dashboard, counted over the reports and cases a staff member may see.

Counted by the database (GROUP BY), never by loading reports: a statewide installation holds
100,000 reports, and the dashboard reads only a few dozen grouped rows whatever the number."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from app.models.case import Case, CaseStatus
from app.models.report import Report
from app.models.staff import Role, StaffUser
from app.services.cases import reassessments
from app.services.triage import QR_PLACE

# Upper bounds in hours of the "time to first triage" bands; the last band is open-ended.
TRIAGE_BANDS = [(1, "< 1 h"), (4, "1–4 h"), (24, "4–24 h"), (72, "1–3 days"), (None, "> 3 days")]
TOP_PLACES = 10


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


def _visible(query, model, staff: StaffUser):
    """A query narrowed to the staff member's team (admins see every team)."""
    return query if staff.role == Role.ADMIN else query.where(model.team_id == staff.team_id)


def weeks_from_days(per_day: Counter, today: date, weeks: int) -> list[tuple[date, int]]:
    this_monday = today - timedelta(days=today.weekday())
    starts = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    counts: Counter = Counter()
    for day, count in per_day.items():
        counts[day - timedelta(days=day.weekday())] += count
    return [(start, counts.get(start, 0)) for start in starts]


def _received_day(session: Session) -> ColumnElement:
    """The UTC day a report came in, as the database computes it."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", Report.received_at))
    return func.date(Report.received_at)


def _hours_to_first_triage(session: Session) -> ColumnElement:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", Report.first_triaged_at - Report.received_at) / 3600.0
    return (func.julianday(Report.first_triaged_at) - func.julianday(Report.received_at)) * 24.0


def _per_week(session: Session, staff: StaffUser, today: date, weeks: int) -> list[tuple[date, int]]:
    first_monday = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    since = datetime.combine(first_monday, datetime.min.time(), tzinfo=timezone.utc)
    day = _received_day(session)
    query = _visible(select(day, func.count()).where(Report.received_at >= since).group_by(day), Report, staff)
    per_day = Counter({_as_date(value): count for value, count in session.execute(query)})
    return weeks_from_days(per_day, today, weeks)


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _kinds_channels_untriaged(session: Session, staff: StaffUser):
    """One pass over the reports: counts by kind, by channel (a poster's place counts as its own
    channel, as the queue shows it) and untriaged."""
    from_place = Report.place_code.is_not(None)
    untriaged = Report.triage_decision.is_(None)
    query = _visible(select(Report.kind, Report.channel, from_place, untriaged, func.count())
                     .group_by(Report.kind, Report.channel, from_place, untriaged), Report, staff)
    kinds: Counter = Counter()
    channels: Counter = Counter()
    waiting = 0
    for kind, channel, is_from_place, is_untriaged, count in session.execute(query):
        kinds[kind.value] += count
        channels[QR_PLACE if is_from_place else channel.value] += count
        waiting += count if is_untriaged else 0
    return _most_common(kinds), _most_common(channels), waiting


def _most_common(counts: Counter) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _top_places(session: Session, staff: StaffUser) -> list[tuple[str, int]]:
    count = func.count().label("reports")
    query = _visible(select(Report.place_code, count).where(Report.place_code.is_not(None))
                     .group_by(Report.place_code).order_by(count.desc(), Report.place_code).limit(TOP_PLACES),
                     Report, staff)
    return [(code, total) for code, total in session.execute(query)]


def _triage_time(session: Session, staff: StaffUser) -> tuple[list[tuple[str, int]], float | None]:
    """Reports per band of time to first triage, and the median in hours."""
    hours = _hours_to_first_triage(session)
    triaged = Report.first_triaged_at.is_not(None)
    band = case(*[(hours < bound, label) for bound, label in TRIAGE_BANDS if bound is not None],
                else_=TRIAGE_BANDS[-1][1])
    counted = dict(session.execute(_visible(select(band, func.count()).where(triaged).group_by(band), Report, staff)).all())
    bands = [(label, counted.get(label, 0)) for _, label in TRIAGE_BANDS]
    return bands, _median(session, staff, hours, triaged, sum(counted.values()))


def _median(session: Session, staff: StaffUser, hours: ColumnElement, triaged, total: int) -> float | None:
    if total == 0:
        return None
    if session.get_bind().dialect.name == "postgresql":
        median = session.execute(_visible(select(func.percentile_cont(0.5).within_group(hours)).where(triaged),
                                          Report, staff)).scalar_one()
    else:  # SQLite has no percentile: read the one or two middle values in order
        middle = _visible(select(hours).where(triaged), Report, staff).order_by(hours)
        values = session.execute(middle.offset((total - 1) // 2).limit(2 - total % 2)).scalars().all()
        median = sum(values) / len(values)
    return round(float(median), 1)


def _open_cases(session: Session, staff: StaffUser) -> int:
    query = select(func.count()).select_from(Case).where(Case.status != CaseStatus.CLOSED)
    return session.execute(_visible(query, Case, staff)).scalar_one()


def dashboard(session: Session, staff: StaffUser, today: date, weeks: int = 12) -> Dashboard:
    by_kind, by_channel, untriaged = _kinds_channels_untriaged(session, staff)
    bands, median = _triage_time(session, staff)
    due = reassessments(session, staff, today, horizon_days=0)
    return Dashboard(
        reports_per_week=_per_week(session, staff, today, weeks),
        by_kind=by_kind,
        by_channel=by_channel,
        by_place=_top_places(session, staff),
        triage_bands=bands,
        median_hours_to_triage=median,
        untriaged=untriaged,
        open_cases=_open_cases(session, staff),
        due_reassessments=len(due.due),
        overdue_reassessments=len(due.overdue),
    )
