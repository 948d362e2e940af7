"""Alerts: an urgent report emails the on-call contact (a real SMTP server run by the test),
with a link and none of the report's words; failures never touch the report and are retried;
unacknowledged alerts escalate; owners are reminded of due reassessments."""
from __future__ import annotations

import json
import logging
import socket
import time
from datetime import date, datetime, timedelta, timezone
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from sqlalchemy import select

from app.extensions import db
from app.models.report import DangerNow, Report
from app.models.staff import Alert, AlertDelivery, Role
from app.services import alerts, cases
from app.services.alerts import AlertSettings
from tests.backoffice.conftest import make_report, make_staff, post
from tests.conftest import hidden_fields
from tests.factories import api_report

T0 = datetime(2026, 3, 2, 22, 0, tzinfo=timezone.utc)
SETTINGS = AlertSettings(base_url="https://noticed.example", escalation_minutes=15)
REPORT_WORDS = dict(description="Jordan said he will shoot up the gym at the Friday assembly.",
                    involved="Jordan Miller, grade 10", location="Westfield High gym", contact="reporter@mail.test")


class Inbox:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"

    def wait_for(self, count: int = 1, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while len(self.envelopes) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.envelopes) >= count, f"{len(self.envelopes)} of {count} emails arrived"
        return self.envelopes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, PUBLIC_BASE_URL="https://noticed.example")
    yield handler
    controller.stop()


@pytest.fixture
def alert_log(caplog):
    # Running the migrations in this process (alembic's fileConfig) disabled the loggers that
    # existed then: turn ours back on to read what they say.
    for name in ("app.services.alerts", "app.backoffice.alerting"):
        logging.getLogger(name).disabled = False
    return caplog


def on_call(position: int, role: Role = Role.MEMBER):
    staff = make_staff(role)
    staff.on_call_position = position
    db.session.commit()
    return staff


class Outbox:
    """A stand-in for send_email, for the rules that need no real server."""

    def __init__(self):
        self.sent = []

    def __call__(self, to, subject, body):
        self.sent.append((to, subject, body))

    @property
    def recipients(self):
        return [to for to, _, _ in self.sent]


def urgent_report_without_its_automatic_alert() -> Report:
    # A routine report gets no alert from the listener; made urgent afterwards, the service
    # under test is the only one alerting about it.
    report = make_report(kind="other")
    report.danger_now = DangerNow.YES
    db.session.commit()
    return report


def test_urgent_report_emails_the_on_call_contact_a_link_and_none_of_its_words(app, client, inbox):
    contact = on_call(1)
    body = api_report(danger_now="yes", **REPORT_WORDS)
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201
    envelope = inbox.wait_for(1)[0]
    report = db.session.execute(select(Report)).scalar_one()
    assert envelope.rcpt_tos == [contact.email]
    mail = message_from_bytes(envelope.content)
    text = mail.get_payload(decode=True).decode()
    assert f"https://noticed.example/staff/reports/{report.id}" in text
    raw = envelope.content.decode("utf-8", "replace")
    for words in [*REPORT_WORDS.values(), "Jordan", "gym", "shoot"]:
        assert words not in raw and words not in text


def test_report_from_the_form_alerts_too(app, client, inbox):
    on_call(1)
    form = hidden_fields(client.get("/en/report").get_data(as_text=True))
    response = client.post("/en/report", data={**form, "kind": "weapons", "description": "He has a gun in his bag.",
                                               "danger_now": "no"})
    assert response.status_code == 200
    inbox.wait_for(1)


def test_routine_report_raises_no_alert(app, inbox):
    on_call(1)
    report = make_report(kind="online", danger_now="no")
    assert db.session.execute(select(Alert).where(Alert.report_id == report.id)).scalar_one_or_none() is None


def test_report_is_stored_when_the_mail_server_is_down_and_the_log_holds_no_content(app, client, alert_log):
    on_call(1)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    body = api_report(danger_now="yes", **REPORT_WORDS)
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201
    deadline = time.monotonic() + 10
    while "delivery failed" not in alert_log.text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "delivery failed" in alert_log.text
    assert all(words not in alert_log.text for words in REPORT_WORDS.values())
    report = db.session.execute(select(Report)).scalar_one()
    db.session.expire_all()
    alert = db.session.execute(select(Alert).where(Alert.report_id == report.id)).scalar_one()
    assert alert.delivery == AlertDelivery.PENDING and alert.last_sent_at is None


def test_pending_alert_is_sent_by_the_cron_command(app, inbox):
    contact = on_call(1)
    report = urgent_report_without_its_automatic_alert()
    alerts.create_alert(db.session, report)
    result = CliRunner().invoke(app.cli, ["alerts", "escalate"])
    assert result.exit_code == 0, result.output
    assert inbox.wait_for(1)[0].rcpt_tos == [contact.email]


def test_unacknowledged_alert_goes_to_the_next_contact_after_the_timeout(app):
    first, second = on_call(1), on_call(2)
    outbox = Outbox()
    report = urgent_report_without_its_automatic_alert()
    alerts.alert_new_report(db.session, report, SETTINGS, now=T0, send_email=outbox)
    assert alerts.escalate(db.session, SETTINGS, now=T0 + timedelta(minutes=14), send_email=outbox) == []
    escalated = alerts.escalate(db.session, SETTINGS, now=T0 + timedelta(minutes=15), send_email=outbox)
    assert [alert.report_id for alert in escalated] == [report.id]
    assert outbox.recipients == [first.email, second.email]


def test_acknowledged_alert_is_not_escalated(app, staff_client):
    on_call(1)
    on_call(2)
    outbox = Outbox()
    report = urgent_report_without_its_automatic_alert()
    alerts.alert_new_report(db.session, report, SETTINGS, now=T0, send_email=outbox)
    client, _ = staff_client(Role.MEMBER)
    post(client, f"/staff/reports/{report.id}/acknowledge")
    assert alerts.escalate(db.session, SETTINGS, now=T0 + timedelta(hours=1), send_email=outbox) == []
    assert len(outbox.sent) == 1


def test_alert_with_nobody_left_to_call_is_marked_exhausted(app):
    on_call(1)
    outbox = Outbox()
    report = urgent_report_without_its_automatic_alert()
    alert = alerts.alert_new_report(db.session, report, SETTINGS, now=T0, send_email=outbox)
    alerts.escalate(db.session, SETTINGS, now=T0 + timedelta(minutes=20), send_email=outbox)
    assert alert.delivery == AlertDelivery.EXHAUSTED
    assert len(outbox.sent) == 1


def test_webhook_receives_only_a_link(app):
    on_call(1)
    calls = []
    report = urgent_report_without_its_automatic_alert()
    settings = AlertSettings(base_url="https://noticed.example", webhook_url="https://hooks.example/x")
    alerts.alert_new_report(db.session, report, settings, now=T0, send_email=Outbox(),
                            webhook=lambda url, payload: calls.append((url, payload)))
    assert calls == [("https://hooks.example/x", {"text": "Noticed: an urgent report is waiting",
                                                  "url": f"https://noticed.example/staff/reports/{report.id}",
                                                  "level": 0})]


def test_send_due_mails_each_owner_their_due_and_overdue_reassessments(app, inbox):
    owner, other = make_staff(Role.MEMBER), make_staff(Role.MEMBER)
    overdue = cases.open_case(db.session, make_report(), "Casey Overdue", date.today() - timedelta(days=3), owner)
    due_today = cases.open_case(db.session, make_report(), "Dana Today", date.today(), owner)
    cases.open_case(db.session, make_report(), "Lee Later", date.today() + timedelta(days=10), other)
    result = CliRunner().invoke(app.cli, ["alerts", "send-due"])
    assert result.exit_code == 0, result.output
    envelope = inbox.wait_for(1)[0]
    time.sleep(0.3)
    assert len(inbox.envelopes) == 1  # the other owner has nothing due
    assert envelope.rcpt_tos == [owner.email]
    text = message_from_bytes(envelope.content).get_payload(decode=True).decode()
    assert f"/staff/cases/{overdue.id}" in text and f"/staff/cases/{due_today.id}" in text
    assert "Casey" not in text and "Dana" not in text  # links and dates only, no names
