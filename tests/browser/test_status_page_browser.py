"""Following up in a real Chromium: answering the team, then reloading, as people do."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.report import MessageAuthor, Report, ReportMessage
from app.services.reports import minute_now
from tests.factories import api_report


def a_report_with_a_question(live_server) -> str:
    body = api_report()
    assert live_server.app.test_client().post("/api/v1/reports", json=body).status_code == 201
    with live_server.app.app_context():
        report = db.session.execute(select(Report)).scalar_one()
        report.messages.append(ReportMessage(author=MessageAuthor.TEAM, body="Which bus was it?", sent_at=minute_now()))
        db.session.commit()
        db.session.remove()
    return body["receipt"]


def test_after_answering_a_reload_shows_the_page_again_with_an_empty_box(live_server, browser_page):
    page = browser_page
    receipt = a_report_with_a_question(live_server)
    page.goto("/en/status")
    page.get_by_label("Your receipt code").fill(receipt)
    page.get_by_role("button", name="Check report").click()
    page.get_by_text("Which bus was it?").wait_for()
    page.get_by_label("Your answer").fill("The number 12, at 3pm.")
    page.get_by_role("button", name="Send answer").click()
    page.get_by_text("Your answer was sent.").wait_for()

    for _ in range(2):  # as shown after sending, then after a reload
        assert page.get_by_label("Your answer").input_value() == ""  # nothing inviting a second send
        answer = page.locator(".message.reporter", has_text="The number 12, at 3pm.")
        assert answer.get_by_text("Your answer was sent.").is_visible()  # beside the message it is about
        assert receipt not in page.url and receipt.replace("-", "") not in page.url
        response = page.reload()
        assert response.status == 200
        assert "405" not in page.title()
    assert [m.author for m in answers(live_server)] == [MessageAuthor.TEAM, MessageAuthor.REPORTER]  # sent once


def answers(live_server) -> list[ReportMessage]:
    with live_server.app.app_context():
        rows = db.session.execute(select(ReportMessage).order_by(ReportMessage.id)).scalars().all()
        for row in rows:
            db.session.expunge(row)
        db.session.remove()
        return rows
