"""Following up with a receipt code: status and messages, anonymous, same answer for wrong codes."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select

from app.extensions import db
from app.models.report import MessageAuthor, PublicStatus, Report, ReportMessage
from app.services.reports import minute_now
from tests.conftest import hidden_fields
from tests.factories import api_report


def sent_report(client) -> dict:
    body = api_report()
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201
    return body


def message_from_team(db_session, text: str, sent_at: datetime | None = None) -> None:
    report = db_session.execute(select(Report)).scalar_one()
    report.messages.append(ReportMessage(author=MessageAuthor.TEAM, body=text, sent_at=sent_at or minute_now()))
    db_session.commit()


def look_up(client, code, lang="en"):
    token = hidden_fields(client.get(f"/{lang}/status").get_data(as_text=True))["csrf_token"]
    return client.post(f"/{lang}/status", data={"csrf_token": token, "receipt": code})


def test_receipt_code_shows_where_the_report_stands(client, db_session):
    body = sent_report(client)
    report = db_session.execute(select(Report)).scalar_one()
    report.public_status = PublicStatus.REVIEWING
    db_session.commit()
    html = look_up(client, body["receipt"]).get_data(as_text=True)
    assert '<li aria-current="step">Being reviewed</li>' in html
    assert body["description"] not in html  # the status page shows no report content


def test_code_is_accepted_in_lower_case_without_dashes_and_with_lookalike_letters(client):
    body = sent_report(client)
    sloppy = body["receipt"].replace("-", " ").lower().replace("0", "o").replace("1", "l")
    assert look_up(client, sloppy).status_code == 200


def test_wrong_code_gets_the_same_answer_whether_or_not_it_exists(client):
    sent_report(client)
    malformed = look_up(client, "nonsense").get_data(as_text=True)
    unknown = look_up(client, "ZZZZ-ZZZZ-ZZZZ").get_data(as_text=True)
    def without_echo(html, typed):  # the page gives back what was typed, so it can be corrected
        return html.replace(hidden_fields(html)["csrf_token"], "").replace(f'value="{typed}"', "")

    assert without_echo(malformed, "nonsense") == without_echo(unknown, "ZZZZ-ZZZZ-ZZZZ")
    assert "We could not find a report with that code" in unknown


def test_reporter_reads_team_messages_and_answers_them(client, db_session):
    body = sent_report(client)
    message_from_team(db_session, "Which bus was it?")
    page = look_up(client, body["receipt"]).get_data(as_text=True)
    assert "Which bus was it?" in page
    form = hidden_fields(page)
    answer = client.post("/en/status/reply", data={**form, "body": "The number 12, at 3pm."}, follow_redirects=True)
    assert answer.status_code == 200
    assert "Your answer was sent." in answer.get_data(as_text=True)
    db.session.expire_all()
    authors = [m.author for m in db_session.execute(select(ReportMessage).order_by(ReportMessage.id)).scalars()]
    assert authors == [MessageAuthor.TEAM, MessageAuthor.REPORTER]


def test_messages_with_markup_are_shown_as_text(client, db_session):
    body = sent_report(client)
    message_from_team(db_session, "<script>alert(1)</script>")
    html = look_up(client, body["receipt"]).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_reply_with_a_forged_code_changes_nothing(client, db_session):
    sent_report(client)
    token = hidden_fields(client.get("/en/status").get_data(as_text=True))["csrf_token"]
    response = client.post("/en/status/reply", data={"csrf_token": token, "receipt": "ZZZZ-ZZZZ-ZZZZ", "body": "hi"})
    assert response.status_code == 422
    assert db_session.execute(select(ReportMessage)).first() is None


def test_look_ups_are_rate_limited(tmp_path, migrated_database):
    from tests.conftest import make_app

    app = make_app(tmp_path, migrated_database, RATELIMIT_ENABLED=True)
    client = app.test_client()
    answers = [look_up(client, "ZZZZ-ZZZZ-ZZZZ").status_code for _ in range(12)]
    assert answers[:10] == [422] * 10
    assert answers[10:] == [429, 429]


def answer(client, receipt, text, lang="en"):
    form = hidden_fields(look_up(client, receipt, lang).get_data(as_text=True))
    return client.post(f"/{lang}/status/reply", data={**form, "body": text})


def shown_answer_box(html: str) -> str:
    return re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', html, re.DOTALL).group(1).strip()


def test_an_answer_is_followed_by_a_redirect_whose_address_has_no_receipt_code(client):
    body = sent_report(client)
    sent = answer(client, body["receipt"], "The number 12, at 3pm.")
    assert sent.status_code == 303
    assert sent.headers["Location"] == "/en/status/reply"  # the code stays out of addresses and logs
    for _ in range(2):  # shown once, then reloaded: the same page, nothing sent again
        page = client.get("/en/status/reply")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
        assert body["receipt"] in html and "The number 12, at 3pm." in html
        assert "Your answer was sent." in html
        assert shown_answer_box(html) == ""


def test_the_page_after_an_answer_is_kept_only_for_a_while(client):
    body = sent_report(client)
    answer(client, body["receipt"], "The number 12, at 3pm.")
    with client.session_transaction() as session:
        session["status_after_reply"] = {**session["status_after_reply"],
                                         "until": int(datetime.now(UTC).timestamp()) - 1}
    page = client.get("/en/status/reply")
    assert page.status_code == 303 and page.headers["Location"] == "/en/status"  # the code is asked for again
    assert client.get("/en/status/reply").headers["Location"] == "/en/status"


def test_the_page_after_an_answer_without_one_asks_for_the_code(client):
    page = client.get("/en/status/reply")
    assert page.status_code == 303 and page.headers["Location"] == "/en/status"


def test_a_refused_answer_keeps_its_words(client):
    body = sent_report(client)
    refused = answer(client, body["receipt"], "x" * 5001)
    assert refused.status_code == 422
    assert shown_answer_box(refused.get_data(as_text=True)) == "x" * 5001


def test_every_message_shows_its_date_in_the_readers_language_newest_last(client, db_session):
    body = sent_report(client)
    message_from_team(db_session, "Which bus was it?", datetime(2026, 5, 31, 14, 30, tzinfo=UTC))
    message_from_team(db_session, "Thank you for telling us.", datetime(2026, 5, 30, 9, 5, tzinfo=UTC))
    english = look_up(client, body["receipt"]).get_data(as_text=True)
    assert english.index("Thank you for telling us.") < english.index("Which bus was it?")  # oldest first
    assert ">May 31, 2026, 2:30\u202fPM UTC</time>" in english
    assert ">May 30, 2026, 9:05\u202fAM UTC</time>" in english
    assert '<time datetime="2026-05-31T14:30Z">' in english
    spanish = look_up(client, body["receipt"], "es").get_data(as_text=True)
    assert ">31 may 2026, 14:30 UTC</time>" in spanish


def test_the_reporters_answer_is_dated_and_kept_in_the_language_it_was_written_in(client, db_session):
    body = sent_report(client)  # written in English
    assert answer(client, body["receipt"], "Era el autobús 12.", lang="es").status_code == 303
    page = client.get("/es/status/reply").get_data(as_text=True)
    today = datetime.now(UTC)
    assert re.search(rf">{today.day} \w+ {today.year}, \d{{1,2}}:\d{{2}} UTC</time>", page)
    db.session.expire_all()
    [message] = db_session.execute(select(ReportMessage)).scalars()
    assert message.author == MessageAuthor.REPORTER and message.language == "es"
