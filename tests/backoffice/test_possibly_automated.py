"""Reports whose hidden honeypot field was filled: kept, shown to the team flagged as possibly
automated, and paging nobody on call."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.models.report import Report
from app.models.staff import Alert, Role
from tests.backoffice.conftest import make_report
from tests.factories import api_report

FLAG = "Possibly automated"


def sent_with_the_honeypot_filled(client, **changes) -> Report:
    body = api_report(website="https://cheap-pills.example", **changes)
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201
    return db.session.execute(select(Report).where(Report.public_id == body["id"])).scalar_one()


def test_the_queue_flags_a_possibly_automated_report_and_only_that_one(app, staff_client):
    client, _ = staff_client(Role.VIEWER)
    flagged = sent_with_the_honeypot_filled(app.test_client())
    make_report()
    rows = client.get("/staff/").get_data(as_text=True).split("<tr")[2:]
    [flagged_row] = [row for row in rows if f'href="/staff/reports/{flagged.id}"' in row]
    assert FLAG in flagged_row
    assert sum(FLAG in row for row in rows) == 1


def test_the_report_page_says_why_it_is_flagged(app, staff_client):
    client, _ = staff_client(Role.VIEWER)
    flagged = sent_with_the_honeypot_filled(app.test_client())
    html = client.get(f"/staff/reports/{flagged.id}").get_data(as_text=True)
    assert FLAG in html
    assert "a program may have sent this report, or a browser's autofill filled the field" in html
    assert FLAG not in client.get(f"/staff/reports/{make_report().id}").get_data(as_text=True)


def test_a_possibly_automated_danger_now_report_pages_nobody_but_waits_first_in_the_queue(app, staff_client):
    client, _ = staff_client(Role.VIEWER)
    routine = make_report()
    flagged = sent_with_the_honeypot_filled(app.test_client(), danger_now="yes")
    assert db.session.execute(select(Alert).where(Alert.report_id == flagged.id)).scalar_one_or_none() is None
    queue = client.get("/staff/").get_data(as_text=True)
    assert queue.index(f'href="/staff/reports/{flagged.id}"') < queue.index(f'href="/staff/reports/{routine.id}"')
