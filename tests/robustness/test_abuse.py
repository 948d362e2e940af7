"""Abuse, without learning who anyone is: per-client rate limits on sending reports (the form and
the API share one budget) whose keys live only in the limiter's memory, and a honeypot field
that bots fill: they get the answer a real report gets, and the report is kept, flagged for the
team as possibly automated (a person's autofill may have filled it)."""
from __future__ import annotations

import json
import re

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db, limiter
from app.models.report import Report
from app.reporting.forms import HONEYPOT_FIELD_NAME
from tests.conftest import hidden_fields, make_app
from tests.factories import api_report

URL = "/api/v1/reports"
TOO_MANY = "Too many tries in a short time. Please wait a minute and try again."
CLIENT_ADDRESS = "203.0.113.77"  # a documentation address, easy to look for


@pytest.fixture
def limited_app(tmp_path, migrated_database):
    app = make_app(tmp_path, migrated_database, RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="3/minute")
    yield app
    with app.app_context():
        db.engine.dispose()


def reports(app) -> int:
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Report)).scalar_one()
        db.session.remove()
        return count


def client_from(app, address=CLIENT_ADDRESS):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def form_post(client, lang="en", **changes):
    fields = hidden_fields(client.get(f"/{lang}/report").get_data(as_text=True))
    data = {**fields, "kind": "online", "description": "He posted a photo of a rifle and a date.", "danger_now": "no"}
    data.update(changes)
    return client.post(f"/{lang}/report", data=data), data


def api_post(client, body=None, **headers):
    body = body or api_report()
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers), body


def translated(app, message, lang):
    with app.test_request_context(), force_locale(lang):
        return gettext(message)


def test_a_flood_of_form_posts_gets_a_translated_429_and_stores_only_what_was_allowed(limited_app):
    client = client_from(limited_app)
    answers = [form_post(client, "es")[0] for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    page = answers[3].get_data(as_text=True)
    assert translated(limited_app, TOO_MANY, "es") in page
    assert translated(limited_app, TOO_MANY, "es") != TOO_MANY  # really in Spanish
    assert reports(limited_app) == 3
    assert client.get("/es/report").status_code == 200  # reading the form is never limited


def test_the_api_and_the_form_share_one_budget_per_client(limited_app):
    client = client_from(limited_app)
    assert api_post(client)[0].status_code == 201
    assert form_post(client)[0].status_code == 200
    assert api_post(client)[0].status_code == 201
    assert form_post(client)[0].status_code == 429
    refused, _ = api_post(client, **{"Accept-Language": "es"})
    assert refused.status_code == 429
    assert refused.is_json
    assert refused.get_json()["message"] == translated(limited_app, TOO_MANY, "es")  # the queue retries it later
    assert int(refused.headers["Retry-After"]) > 0
    assert reports(limited_app) == 3
    # Another client is not held back by this one.
    assert api_post(client_from(limited_app, "198.51.100.9"))[0].status_code == 201


def test_the_limit_comes_from_report_rate_limit(tmp_path, migrated_database):
    app = make_app(tmp_path, migrated_database, RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="1/minute")
    client = client_from(app)
    assert [api_post(client)[0].status_code for _ in range(2)] == [201, 429]


def test_rate_limit_keys_are_kept_in_the_limiters_memory_only(limited_app, tmp_path, caplog):
    client = client_from(limited_app)
    with caplog.at_level("DEBUG"):
        for _ in range(5):
            api_post(client)
    assert CLIENT_ADDRESS not in caplog.text
    with limited_app.app_context():
        db.engine.dispose()  # checkpoint nothing more: read the files as they are
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert CLIENT_ADDRESS.encode() not in path.read_bytes(), path
    assert limiter.storage.__class__.__name__ == "MemoryStorage"
    assert any(CLIENT_ADDRESS in key for key in limiter.storage.storage)  # where the counter does live


def test_the_honeypot_is_hidden_from_people_and_labelled(client):
    html = client.get("/en/report").get_data(as_text=True)
    [wrapper] = re.findall(r'<div class="visually-hidden" aria-hidden="true">.*?</div>', html, re.S)
    assert re.search(rf'<label for="{HONEYPOT_FIELD_NAME}">Leave this empty</label>', wrapper)
    [field] = re.findall(r"<input[^>]*>", wrapper)
    assert f'name="{HONEYPOT_FIELD_NAME}"' in field and 'autocomplete="off"' in field and 'tabindex="-1"' in field
    assert "style=" not in wrapper  # hidden by a class: the CSP allows no inline style
    assert not re.search(r'value="[^"]+"', field)


def test_the_honeypot_gives_autofill_and_password_managers_no_reason_to_fill_it(client):
    html = client.get("/en/report").get_data(as_text=True)
    [field] = re.findall(rf'<input[^>]*name="{HONEYPOT_FIELD_NAME}"[^>]*>', html)
    # Words autofill and password managers look for in a field's name.
    assert not any(word in HONEYPOT_FIELD_NAME for word in ("website", "url", "name", "email", "mail", "phone",
                                                             "tel", "address", "company", "user", "pass"))
    assert 'autocomplete="off"' in field
    for skip_me in ("data-1p-ignore", 'data-lpignore="true"', "data-bwignore", 'data-form-type="other"'):
        assert skip_me in field


def flagged(db_session) -> dict[str, bool]:
    return dict(db_session.execute(select(Report.public_id, Report.possibly_automated)).all())


def test_a_filled_honeypot_through_the_api_gets_the_usual_answer_and_the_report_is_kept_flagged(client, db_session):
    trapped, body = api_post(client, api_report(website="https://cheap-pills.example"))
    real, real_body = api_post(client)
    assert trapped.status_code == real.status_code == 201
    assert trapped.get_json() == {"receipt": body["receipt"], "id": body["id"]}
    assert flagged(db_session) == {body["id"]: True, real_body["id"]: False}


def test_a_filled_honeypot_on_the_form_gets_the_usual_receipt_page_and_the_report_is_kept_flagged(client,
                                                                                                  db_session):
    trapped, data = form_post(client, **{HONEYPOT_FIELD_NAME: "https://cheap-pills.example"})
    real, real_data = form_post(client)
    assert trapped.status_code == real.status_code == 200
    trapped_html, real_html = trapped.get_data(as_text=True), real.get_data(as_text=True)
    assert data["receipt"] in trapped_html
    assert trapped_html.replace(data["receipt"], "R") == real_html.replace(real_data["receipt"], "R")  # the same page
    assert flagged(db_session) == {data["report_id"]: True, real_data["report_id"]: False}


def test_a_bot_sending_an_invalid_report_with_the_honeypot_gets_the_same_errors_as_anyone(client, db_session):
    trapped, _ = api_post(client, api_report(website="x", description=""))
    real, _ = api_post(client, api_report(description=""))
    assert trapped.status_code == real.status_code == 422
    assert trapped.get_json() == real.get_json()
    assert db_session.execute(select(func.count()).select_from(Report)).scalar_one() == 0


def test_white_space_in_the_honeypot_is_not_flagged(client, db_session):
    response, body = api_post(client, api_report(website="  "))
    assert response.status_code == 201
    assert flagged(db_session) == {body["id"]: False}


def test_behind_a_trusted_proxy_each_reporter_has_their_own_rate_limit(tmp_path, migrated_database):
    from tests.conftest import make_app
    from tests.factories import api_report as body

    app = make_app(tmp_path, migrated_database, RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1,
                   REPORT_RATE_LIMIT="2/minute")
    client = app.test_client()

    def send(forwarded_for):
        return client.post("/api/v1/reports", json=body(), headers={"X-Forwarded-For": forwarded_for}).status_code

    assert [send("203.0.113.1") for _ in range(3)] == [201, 201, 429]
    assert send("203.0.113.2") == 201  # another phone behind the same proxy is not blocked
