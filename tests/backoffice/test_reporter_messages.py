"""Talking to the reporter: the team's message and the public status reach the status page, and
the reporter's answer reaches the case."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.report import PublicStatus, Report
from app.models.staff import Role
from app.services import cases
from tests.backoffice.conftest import post
from tests.conftest import hidden_fields
from tests.factories import api_report


def sent_report(client) -> tuple[Report, str]:
    body = api_report()
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201
    return db.session.execute(select(Report)).scalar_one(), body["receipt"]


def status_page(client, receipt: str) -> str:
    token = hidden_fields(client.get("/en/status").get_data(as_text=True))["csrf_token"]
    return client.post("/en/status", data={"csrf_token": token, "receipt": receipt}).get_data(as_text=True)


def test_team_question_appears_on_the_reporters_status_page(app, staff_client):
    reporter = app.test_client()
    report, receipt = sent_report(reporter)
    client, _ = staff_client(Role.MEMBER)
    post(client, f"/staff/reports/{report.id}/message", {"body": "Which class is he in?"})
    assert "Which class is he in?" in status_page(reporter, receipt)


def test_public_status_change_appears_on_the_status_page(app, staff_client):
    reporter = app.test_client()
    report, receipt = sent_report(reporter)
    client, _ = staff_client(Role.MEMBER)
    post(client, f"/staff/reports/{report.id}/public-status", {"status": PublicStatus.ACTION_TAKEN.value})
    assert '<li aria-current="step">Action taken</li>' in status_page(reporter, receipt)


def test_reporters_answer_appears_in_the_case(app, staff_client):
    reporter = app.test_client()
    report, receipt = sent_report(reporter)
    client, member = staff_client(Role.MEMBER)
    case = cases.open_case(db.session, report, "Student", date.today() + timedelta(days=7), member)
    page = status_page(reporter, receipt)
    reply = {**hidden_fields(page), "body": "He is in 9B, with Mr Diaz."}
    reporter.post("/en/status/reply", data=reply)
    assert "He is in 9B, with Mr Diaz." in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)


def test_the_team_sees_the_language_the_reporter_answered_in(app, staff_client):
    reporter = app.test_client()
    report, receipt = sent_report(reporter)  # written in English
    token = hidden_fields(reporter.get("/es/status").get_data(as_text=True))["csrf_token"]
    page = reporter.post("/es/status", data={"csrf_token": token, "receipt": receipt}).get_data(as_text=True)
    assert reporter.post("/es/status/reply", data={**hidden_fields(page), "body": "Está en 9B."}).status_code == 303
    client, _ = staff_client(Role.MEMBER)
    staff_page = client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert "Written in Spanish" in staff_page
    assert '<p class="reported" lang="es" dir="ltr">Está en 9B.</p>' in staff_page
