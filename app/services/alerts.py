"""Alerts to the on-call staff about urgent reports, their escalation, and reminders of due
reassessments.

An alert carries no report content: only a link to the back office, where signing in is needed.
A failed delivery never reaches the reporter: it is logged (without content) and left pending
for the cron commands (`flask alerts escalate`, `flask alerts send-due`) to try again.
"""
from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.report import Report
from app.models.staff import Alert, AlertDelivery, Role, StaffUser
from app.public_address import public_link
from app.services.cases import reassessments
from app.services.triage import Urgency, urgency
from app.services.clock import as_utc, now_utc

log = logging.getLogger(__name__)

SendEmail = Callable[[str, str, str], None]
PostWebhook = Callable[[str, dict], None]


@dataclass(frozen=True)
class AlertSettings:
    base_url: str
    escalation_minutes: int = 15
    webhook_url: str = ""

    @classmethod
    def from_config(cls, config) -> AlertSettings:
        return cls(base_url=config["PUBLIC_BASE_URL"].rstrip("/"),
                   escalation_minutes=config["ALERT_ESCALATION_MINUTES"],
                   webhook_url=config["ALERT_WEBHOOK_URL"])




def _default_send_email(to: str, subject: str, body: str) -> None:
    from app.services.mail import send_email

    send_email(to, subject, body)


def post_webhook(url: str, payload: dict) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (an https URL we configure)
        response.read()


def on_call_rota(session: Session, team_id: int | None) -> list[StaffUser]:
    """Who is called, in order: the team's rota, or every active admin if the team has none,
    so that an urgent report always reaches somebody."""
    rota = list(session.execute(
        select(StaffUser).where(StaffUser.team_id == team_id, StaffUser.active.is_(True),
                                StaffUser.on_call_position.is_not(None))
        .order_by(StaffUser.on_call_position, StaffUser.id)).scalars())
    if rota:
        return rota
    return list(session.execute(select(StaffUser).where(StaffUser.role == Role.ADMIN, StaffUser.active.is_(True))
                                .order_by(StaffUser.id)).scalars())


def create_alert(session: Session, report: Report, now: datetime | None = None) -> Alert | None:
    """A pending alert for an urgent report (None for a routine one, or if it has one already).

    None too for a report flagged as possibly automated: bots choose "danger now" as readily as
    anything, and on-call staff woken by them would learn to ignore alerts. The report still
    waits in the queue, sorted by its urgency, with its flag."""
    if urgency(report) == Urgency.ROUTINE or report.possibly_automated:
        return None
    existing = session.execute(select(Alert).where(Alert.report_id == report.id)).scalar_one_or_none()
    if existing:
        return existing
    alert = Alert(report_id=report.id, level=0, delivery=AlertDelivery.PENDING, created_at=now or now_utc())
    session.add(alert)
    session.commit()
    return alert


def report_link(settings: AlertSettings, report_id: int) -> str:
    return public_link(settings.base_url, f"/staff/reports/{report_id}")


def _alert_message(settings: AlertSettings, report_id: int) -> tuple[str, str]:
    subject = _("Noticed: an urgent report is waiting")
    body = "\n\n".join([
        _("An urgent report is waiting for the prevention team. Open it, sign in, and acknowledge it:"),
        report_link(settings, report_id),
        _("If nobody acknowledges it within %(minutes)s minutes, the next person on call is alerted.",
          minutes=settings.escalation_minutes),
    ])
    return subject, body


def deliver(session: Session, alert: Alert, settings: AlertSettings, now: datetime | None = None,
            send_email: SendEmail = _default_send_email, webhook: PostWebhook = post_webhook) -> bool:
    """Send the alert to the contact at its level. True when sent; failures stay pending."""
    now = now or now_utc()
    report = session.get(Report, alert.report_id)
    rota = on_call_rota(session, report.team_id if report else None)
    if alert.level >= len(rota):
        alert.delivery = AlertDelivery.EXHAUSTED
        session.commit()
        log.warning("alert %s: nobody left on call to alert", alert.id)
        return False
    subject, body = _alert_message(settings, alert.report_id)
    try:
        send_email(rota[alert.level].email, subject, body)
        if settings.webhook_url:
            webhook(settings.webhook_url, {"text": subject, "url": report_link(settings, alert.report_id),
                                           "level": alert.level})
    except Exception as error:  # noqa: BLE001 (any failure: keep it pending, say what kind)
        alert.delivery = AlertDelivery.PENDING
        session.commit()
        log.error("alert %s: delivery failed (%s); it stays pending", alert.id, type(error).__name__)
        return False
    alert.delivery = AlertDelivery.SENT
    alert.last_sent_at = now
    session.commit()
    return True


def alert_new_report(session: Session, report: Report, settings: AlertSettings | None = None,
                     now: datetime | None = None, send_email: SendEmail = _default_send_email,
                     webhook: PostWebhook = post_webhook) -> Alert | None:
    """Create the alert for a new urgent report and send it to the first contact on call."""
    if settings is None:
        from flask import current_app

        settings = AlertSettings.from_config(current_app.config)
    alert = create_alert(session, report, now)
    if alert is not None and alert.delivery == AlertDelivery.PENDING:
        deliver(session, alert, settings, now, send_email, webhook)
    return alert


def retry_pending(session: Session, settings: AlertSettings, now: datetime | None = None,
                  send_email: SendEmail = _default_send_email, webhook: PostWebhook = post_webhook) -> int:
    pending = session.execute(select(Alert).where(Alert.delivery == AlertDelivery.PENDING,
                                                  Alert.acknowledged_at.is_(None))).scalars().all()
    return sum(deliver(session, alert, settings, now, send_email, webhook) for alert in pending)


def escalate(session: Session, settings: AlertSettings, now: datetime | None = None,
             send_email: SendEmail = _default_send_email, webhook: PostWebhook = post_webhook) -> list[Alert]:
    """Alerts sent but not acknowledged within the escalation time go to the next contact."""
    now = now or now_utc()
    deadline = now - timedelta(minutes=settings.escalation_minutes)
    waiting = session.execute(select(Alert).where(Alert.delivery == AlertDelivery.SENT,
                                                  Alert.acknowledged_at.is_(None))).scalars().all()
    escalated = []
    for alert in waiting:
        if as_utc(alert.last_sent_at) <= deadline:
            alert.level += 1
            deliver(session, alert, settings, now, send_email, webhook)
            escalated.append(alert)
    return escalated


def send_due_reassessments(session: Session, settings: AlertSettings, today: date,
                           send_email: SendEmail = _default_send_email) -> int:
    """Mail each case owner the links to their due and overdue reassessments; returns mails sent."""
    found = reassessments(session, None, today, horizon_days=0)
    by_owner: dict[int, list] = {}
    for case in [*found.overdue, *found.due]:
        if case.owner is not None and case.owner.active:
            by_owner.setdefault(case.owner.id, []).append(case)
    sent = 0
    for cases in by_owner.values():
        lines = [f"{public_link(settings.base_url, f'/staff/cases/{case.id}')}  ({case.reassess_on.isoformat()})"
                 for case in cases]
        body = "\n\n".join([_("These cases are due or overdue for reassessment:"), "\n".join(lines)])
        try:
            send_email(cases[0].owner.email, _("Noticed: reassessments due"), body)
            sent += 1
        except Exception as error:  # noqa: BLE001
            log.error("reassessment reminder failed (%s)", type(error).__name__)
    return sent
