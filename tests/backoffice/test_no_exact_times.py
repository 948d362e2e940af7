"""No exact time about a report or its reporter, anywhere: the report, its alert, the audit log,
the messages, the case... every time column of every table holds whole minutes. An exact time
could tie a report to who was where when it was sent."""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import DateTime, select

from app.extensions import db
from app.models.report import Report
from app.models.staff import Role
from tests.backoffice.conftest import post
from tests.backoffice.test_alerts import inbox, on_call  # noqa: F401 (inbox: a fixture, a real SMTP server)
from tests.backoffice.test_reporter_messages import status_page
from tests.conftest import hidden_fields
from tests.factories import api_report

URGENT = [dict(danger_now="yes"), dict(kind="weapons"), dict(kind="self_harm")]


def stored_times() -> dict[str, list]:
    """Every stored time, in every table, by table.column."""
    found = {}
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.columns if isinstance(column.type, DateTime)
                   or isinstance(getattr(column.type, "impl", None), DateTime)]
        for column in columns:
            values = list(db.session.execute(select(column).where(column.is_not(None))).scalars())
            if values:
                found[f"{table.name}.{column.name}"] = values
    return found


def test_urgent_reports_and_everything_about_them_are_stored_to_the_minute(app, staff_client, inbox):  # noqa: F811
    on_call(1)
    reporter = app.test_client()
    receipts = []
    for changes in URGENT:
        body = api_report(**changes)
        response = reporter.post("/api/v1/reports", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 201
        receipts.append(body["receipt"])
    inbox.wait_for(len(URGENT))  # each urgent report alerted the one on call
    client, _ = staff_client(Role.MEMBER)
    first, second, _third = db.session.execute(select(Report).order_by(Report.id)).scalars()
    post(client, f"/staff/reports/{first.id}/acknowledge")
    post(client, f"/staff/reports/{first.id}/message", {"body": "Where did you see this?"})
    post(client, f"/staff/reports/{second.id}/triage", {
        "decision": "open_case", "reassess_on": (date.today() + timedelta(days=7)).isoformat()})
    page = status_page(reporter, receipts[0])
    answer = reporter.post("/en/status/reply", data={**hidden_fields(page), "body": "In the gym, at lunch."})
    assert answer.status_code == 303  # post-redirect-get: the status page comes back by GET
    assert "In the gym, at lunch." in client.get(f"/staff/reports/{first.id}").get_data(as_text=True)
    db.session.expire_all()
    times = stored_times()
    for written in ("report.received_at", "alert.created_at", "alert.last_sent_at", "alert.acknowledged_at",
                    "audit_entry.at", "report_message.sent_at", "case_file.opened_at", "report.triaged_at"):
        assert written in times  # the scan below looks at real rows
    with_seconds = [f"{name} = {value.isoformat()}" for name, values in times.items() for value in values
                    if value.second or value.microsecond]
    assert with_seconds == []
