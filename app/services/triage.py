"""Intake: routing a report to its team, how urgent it is, the queue of new reports, the triage
decision, transfers between teams, and what the team tells the reporter."""
from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, false, func, or_, select
from sqlalchemy.orm import Session

from app.models.report import (Channel, ConcernKind, DangerNow, MessageAuthor, PublicStatus, Report,
                               ReportMessage, TriageDecision)
from app.models.place import Place
from app.models.staff import Alert, Role, RoutingRule, StaffUser, Team
from app.services import audit
from app.services.listing import Page, contains_text, page_of
from app.services.staff import default_team
from app.services.clock import now_utc

log = logging.getLogger(__name__)

URGENT_KINDS = (ConcernKind.WEAPONS, ConcernKind.SELF_HARM)



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

class Urgency(enum.IntEnum):
    ROUTINE = 0
    URGENT = 1  # weapons, self-harm, or still happening
    DANGER_NOW = 2  # the reporter said someone is in danger right now


def urgency(report: Report) -> Urgency:
    if report.danger_now == DangerNow.YES:
        return Urgency.DANGER_NOW
    if report.kind in URGENT_KINDS or report.still_happening:
        return Urgency.URGENT
    return Urgency.ROUTINE


def _urgency_column():
    return case((Report.danger_now == DangerNow.YES, int(Urgency.DANGER_NOW)),
                (or_(Report.kind.in_(URGENT_KINDS), Report.still_happening.is_(True)), int(Urgency.URGENT)),
                else_=int(Urgency.ROUTINE))


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
    page: int = 1


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


def intake_queue(session: Session, staff: StaffUser, wanted: QueueFilter) -> Page:
    """The staff member's visible reports, danger now first, then urgent, newest first."""
    query = _filtered(select(Report), wanted)
    team_clause = _team_clause(Report.team_id, staff)
    if team_clause is not None:
        query = query.where(team_clause)
    ordered = query.order_by(_urgency_column().desc(), Report.received_at.desc(), Report.id.desc())
    return page_of(session, ordered, wanted.page)


def languages_in_use(session: Session) -> list[str]:
    return list(session.execute(select(Report.language).distinct().order_by(Report.language)).scalars())


def places_in_use(session: Session) -> list[str]:
    return list(session.execute(select(Report.place_code).where(Report.place_code.is_not(None))
                                .distinct().order_by(Report.place_code)).scalars())


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
