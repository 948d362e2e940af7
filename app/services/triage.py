"""Intake: routing a report to its team, how urgent it is, the queue of new reports, the triage
decision, transfers between teams, and what the team tells the reporter."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from app.models.place import Place
from app.models.report import (Channel, MessageAuthor, PublicStatus, Report, ReportMessage,
                               TriageDecision, Urgency, urgency_of)
from app.models.staff import Alert, Role, RoutingRule, StaffUser, Team
from app.services import audit
from app.services.listing import KeysetPage, PageAt, SortKey, contains_text, keyset_page
from app.services.staff import default_team
from app.services.clock import now_utc

log = logging.getLogger(__name__)


# Routing -----------------------------------------------------------------------------------

def area_for_place(session: Session, place_code: str) -> str | None:
    """The area the place said it is in when it registered (see app.models.place)."""
    return session.execute(select(Place.area).where(Place.code == place_code)).scalar_one_or_none() or None


def team_for(session: Session, place_code: str | None) -> Team:
    """A rule for the exact place wins, then a rule for the place's area, then the default team."""
    if place_code:
        rule = session.execute(select(RoutingRule).where(RoutingRule.place_code == place_code)).scalar_one_or_none()
        if rule:
            return rule.team
        area = area_for_place(session, place_code)
        if area:
            rule = session.execute(select(RoutingRule).where(
                func.lower(RoutingRule.area) == area.strip().lower())).scalars().first()
            if rule:
                return rule.team
    return default_team(session)


def route(session: Session, report: Report) -> None:
    report.team = team_for(session, report.place_code)


def set_routing_rule(session: Session, team: Team, actor: StaffUser | None, place_code: str | None = None,
                     area: str | None = None) -> RoutingRule:
    place_code = (place_code or "").strip().upper() or None
    area = (area or "").strip() or None
    if not (place_code or area):
        raise ValueError("a rule needs a place code or an area")
    column, value = (RoutingRule.place_code, place_code) if place_code else (RoutingRule.area, area)
    rule = session.execute(select(RoutingRule).where(column == value)).scalar_one_or_none()
    if rule is None:
        rule = RoutingRule(place_code=place_code, area=None if place_code else area)
        session.add(rule)
    rule.team = team
    session.flush()
    audit.record(session, actor, "routing.rule_set", "team", team.id, f"place={place_code or ''} area={area or ''}")
    session.commit()
    return rule


def remove_routing_rule(session: Session, rule: RoutingRule, actor: StaffUser) -> None:
    audit.record(session, actor, "routing.rule_removed", "team", rule.team_id,
                 f"place={rule.place_code or ''} area={rule.area or ''}")
    session.delete(rule)
    session.commit()


def routing_rules(session: Session) -> list[RoutingRule]:
    return list(session.execute(select(RoutingRule).order_by(RoutingRule.place_code, RoutingRule.area)).scalars())


# Who sees what -----------------------------------------------------------------------------

def visible_team_ids(staff: StaffUser) -> list[int] | None:
    """None means every team (admins); otherwise the staff member's own team only."""
    if staff.role == Role.ADMIN:
        return None
    return [staff.team_id] if staff.team_id else []


def _team_clause(column, staff: StaffUser):
    team_ids = visible_team_ids(staff)
    if team_ids is None:
        return None
    return column.in_(team_ids) if team_ids else false()


def can_see_report(staff: StaffUser, report: Report) -> bool:
    team_ids = visible_team_ids(staff)
    return team_ids is None or report.team_id in team_ids


# Urgency -----------------------------------------------------------------------------------

def urgency(report: Report) -> Urgency:
    """Danger now, urgent (weapons, self-harm, still happening) or routine. The report stores it
    too (Report.urgency, set when it is stored) for the queue's order."""
    return urgency_of(report.danger_now, report.kind, report.still_happening)


# The intake queue --------------------------------------------------------------------------

QR_PLACE = "qr_place"  # a channel filter value: reports that came through a place's poster


@dataclass(frozen=True)
class QueueFilter:
    state: str = "new"  # new (not triaged yet), triaged, or all
    kind: str | None = None
    channel: str | None = None  # a Channel value or QR_PLACE
    language: str | None = None
    place_code: str | None = None
    team_id: int | None = None
    search: str | None = None
    page_at: PageAt = PageAt()


def _filtered(query, wanted: QueueFilter):
    if wanted.state == "new":
        query = query.where(Report.triage_decision.is_(None))
    elif wanted.state == "triaged":
        query = query.where(Report.triage_decision.is_not(None))
    if wanted.kind:
        query = query.where(Report.kind == wanted.kind)
    if wanted.channel == QR_PLACE:
        query = query.where(Report.place_code.is_not(None))
    elif wanted.channel:
        query = query.where(Report.channel == wanted.channel)
    if wanted.language:
        query = query.where(Report.language == wanted.language)
    if wanted.place_code:
        query = query.where(Report.place_code == wanted.place_code)
    if wanted.team_id:
        query = query.where(Report.team_id == wanted.team_id)
    if wanted.search:
        query = query.where(_matches_text(wanted.search.strip()))
    return query


def _matches_text(text: str):
    if text.lstrip("#").isdigit():
        return Report.id == int(text.lstrip("#"))
    return contains_text(text, Report.description, Report.involved, Report.location)


# A queue page's links carry the last (or first) row's place in this order: urgency, the minute
# it came in, its number. Report.urgency and received_at never change, so a link stays right.
QUEUE_KEY = SortKey(int, datetime, int)


def intake_queue(session: Session, staff: StaffUser, wanted: QueueFilter) -> KeysetPage:
    """The staff member's visible reports, danger now first, then urgent, newest first."""
    query = _filtered(select(Report), wanted)
    team_clause = _team_clause(Report.team_id, staff)
    if team_clause is not None:
        query = query.where(team_clause)
    return keyset_page(session, query, (Report.urgency, Report.received_at, Report.id),
                       lambda report: (report.urgency, report.received_at, report.id), QUEUE_KEY, wanted.page_at)


def languages_in_use(session: Session) -> list[str]:
    return _distinct_values(session, Report.language)


def places_in_use(session: Session) -> list[str]:
    return _distinct_values(session, Report.place_code)


def _distinct_values(session: Session, column) -> list[str]:
    """The column's values in use, in order, without NULL. A "loose index scan": one index seek per
    value found (the next value above the last), so a dozen languages among 100,000 reports cost
    a dozen seeks, where SELECT DISTINCT reads all 100,000 index entries. Needs an index on it."""
    found = select(func.min(column).label("value")).cte("found", recursive=True)
    following = select(func.min(column)).where(column > found.c.value).scalar_subquery()
    found = found.union_all(select(following).where(found.c.value.is_not(None)))
    return list(session.execute(select(found.c.value).where(found.c.value.is_not(None))
                                .order_by(found.c.value)).scalars())


def channel_of(report: Report) -> str:
    """How the report came in, for display: a place's QR code tells more than the transport."""
    if report.place_code:
        return QR_PLACE
    return report.channel.value


# Triage ------------------------------------------------------------------------------------

def record_view(session: Session, staff: StaffUser, report: Report) -> None:
    audit.record(session, staff, "report.viewed", "report", report.id)
    session.commit()


def triage(session: Session, report: Report, decision: TriageDecision, staff: StaffUser,
           now: datetime | None = None) -> None:
    """Record the decision with who and when. Opening the case itself is cases.open_case()."""
    now = now or now_utc()
    report.triage_decision = decision
    report.triaged_at = now
    report.triaged_by = staff
    if report.first_triaged_at is None:
        report.first_triaged_at = now
    if report.public_status == PublicStatus.RECEIVED:
        report.public_status = PublicStatus.REVIEWING  # someone is looking: the reporter may know
    acknowledge_alert(session, report, staff, now)
    audit.record(session, staff, "report.triaged", "report", report.id, f"decision={decision.value}", at=now)
    session.commit()


def acknowledge_alert(session: Session, report: Report, staff: StaffUser, now: datetime | None = None) -> bool:
    """Stop the escalation of this report's alert; True if there was one waiting."""
    alert = session.execute(select(Alert).where(Alert.report_id == report.id)).scalar_one_or_none()
    if alert is None or alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at = now or now_utc()
    alert.acknowledged_by_id = staff.id
    audit.record(session, staff, "alert.acknowledged", "report", report.id)
    return True


def alert_for(session: Session, report: Report) -> Alert | None:
    return session.execute(select(Alert).where(Alert.report_id == report.id)).scalar_one_or_none()


def transfer(session: Session, report: Report, team: Team, staff: StaffUser) -> None:
    if report.case is not None:
        raise ValueError("unlink the report from its case before transferring it")
    audit.record(session, staff, "report.transferred", "report", report.id,
                 f"team {report.team_id} -> {team.id}")
    report.team = team
    session.commit()


# Talking to the reporter -------------------------------------------------------------------

def send_team_message(session: Session, report: Report, body: str, staff: StaffUser,
                      now: datetime | None = None) -> ReportMessage:
    """A question or an update, shown on the reporter's status page."""
    message = ReportMessage(author=MessageAuthor.TEAM, body=body.strip(),
                            sent_at=(now or now_utc()).replace(second=0, microsecond=0))
    report.messages.append(message)
    audit.record(session, staff, "report.message_sent", "report", report.id)
    session.commit()
    return message


def set_public_status(session: Session, report: Report, status: PublicStatus, staff: StaffUser) -> None:
    if report.public_status == status:
        return
    audit.record(session, staff, "report.public_status", "report", report.id,
                 f"{report.public_status.value} -> {status.value}")
    report.public_status = status
    session.commit()


def channel_values() -> list[str]:
    return [*(c.value for c in Channel), QR_PLACE]
