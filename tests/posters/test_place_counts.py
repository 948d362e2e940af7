"""What a place's owner learns: scans per finished day and reports per finished week, counts
from 1 to 4 withheld, and never a word of any report."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from app.models.place import Place
from app.models.report import Report
from app.services.places import record_scan, reports_by_week, scans_by_day, withheld_if_small
from tests.factories import api_report

WEDNESDAY = date(2026, 11, 25)


def place_row(db_session, code) -> Place:
    return db_session.execute(select(Place).where(Place.code == code)).scalar_one()


def send_reports(client, db_session, code, count, received_at: datetime, description="Words only the team may read"):
    sent = []
    for _ in range(count):
        body = api_report(place=code, description=description)
        response = client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.get_json()
        sent.append(body["id"])
    # Reports are stamped with the time they arrive: move these back to the week under test.
    db_session.execute(update(Report).where(Report.public_id.in_(sent)).values(received_at=received_at))
    db_session.commit()


@pytest.mark.parametrize("count, shown", [(0, 0), (1, None), (4, None), (5, 5), (12, 12)])
def test_counts_from_one_to_four_are_withheld(count, shown):
    assert withheld_if_small(count) == shown


def test_scans_are_counted_per_day_and_only_finished_days_are_shown(register, db_session):
    place = place_row(db_session, register().code)
    for day, scans in [(WEDNESDAY, 9), (WEDNESDAY - timedelta(days=1), 7), (WEDNESDAY - timedelta(days=2), 2)]:
        for _ in range(scans):
            record_scan(db_session, place, day)
    days = scans_by_day(db_session, place, today=WEDNESDAY)
    assert [d.starts_on for d in days[:3]] == [date(2026, 11, 24), date(2026, 11, 23), date(2026, 11, 22)]
    assert [d.count for d in days[:3]] == [7, None, 0]  # today (9) is not over yet
    assert len(days) == 14


def test_reports_are_counted_per_finished_week(client, register, db_session):
    code = register().code
    last_week = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
    send_reports(client, db_session, code, 6, last_week)
    send_reports(client, db_session, code, 2, last_week - timedelta(weeks=2))
    send_reports(client, db_session, "OTHER123", 5, last_week)  # another place's reports
    weeks = reports_by_week(db_session, place_row(db_session, code), today=WEDNESDAY)
    assert [w.starts_on for w in weeks[:3]] == [date(2026, 11, 16), date(2026, 11, 9), date(2026, 11, 2)]
    assert [w.count for w in weeks[:3]] == [6, 0, None]
    assert len(weeks) == 8


def test_this_weeks_reports_wait_until_the_week_is_over(client, register, db_session):
    code = register().code
    send_reports(client, db_session, code, 7, datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))
    weeks = reports_by_week(db_session, place_row(db_session, code), today=WEDNESDAY)
    assert all(w.count == 0 for w in weeks)


def test_the_owner_sees_counts_but_never_a_report(client, register, db_session):
    place = register()
    last_week = datetime.now(timezone.utc) - timedelta(weeks=1)
    send_reports(client, db_session, place.code, 3, last_week, description="He said he would bring a knife")
    html = client.get(place.manage_url()).get_data(as_text=True)
    reports_table = html[html.index('<table class="counts" id="reports"'):]
    reports_table = reports_table[:reports_table.index("</table>")]
    assert "fewer than 5" in reports_table
    assert "knife" not in html
    assert "<td>3</td>" not in html
