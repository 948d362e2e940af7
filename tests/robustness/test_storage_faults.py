"""Storage failing under a report: a full disk while a photo is written, the database down. The
report is refused with a 503 that says to try again (the phone's queue retries any 5xx; the
form keeps the words), nothing is half-stored, and the retry stores it exactly once."""
from __future__ import annotations

import io
import json

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models.report import Attachment, Report
from app.services.attachments import attachment_store
from tests.conftest import hidden_fields, on_both_databases
from tests.factories import api_report, as_attachment, photo_with_gps
from tests.robustness.faults import DiskFillsUp, allow_connections, refuse_connections

URL = "/api/v1/reports"
TRY_LATER = "Noticed cannot save anything just now. Please try again in a few minutes."
WORDS_KEPT = ("We could not save your report just now. Your words are still here: "
              "please press Send again in a few minutes.")


def pytest_generate_tests(metafunc):
    # Taking the database down needs a database server: those tests run on PostgreSQL only.
    if "cluster_of" in metafunc.fixturenames:
        metafunc.parametrize("database_url", ["postgresql"], indirect=True)
    else:
        on_both_databases(metafunc)


def counts(app) -> tuple[int, int, list[str]]:
    """Reports, attachment rows, and every file in the attachment folder (partial ones too)."""
    with app.app_context():
        reports = db.session.execute(select(func.count()).select_from(Report)).scalar_one()
        attachments = db.session.execute(select(func.count()).select_from(Attachment)).scalar_one()
        db.session.remove()
    folder = attachment_store(app.config).folder
    files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    return reports, attachments, files


def post(client, raw: str, attempt: int):
    return client.post(URL, data=raw, content_type="application/json", headers={"X-Noticed-Attempt": str(attempt)})


def translated(app, message: str, lang: str) -> str:
    with app.test_request_context(), force_locale(lang):
        return gettext(message)


def test_disk_full_while_the_second_photo_is_written_stores_nothing_and_the_retry_stores_it_once(
        app, client, monkeypatch):
    raw = json.dumps(api_report(language="es", attachments=[as_attachment(photo_with_gps()),
                                                            as_attachment(photo_with_gps("PNG"), "image/png")]))
    disk = DiskFillsUp(monkeypatch, fail_on={2})

    refused = post(client, raw, attempt=1)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    assert refused.get_json()["message"] == translated(app, TRY_LATER, "es")
    assert disk.calls == 2  # the first photo was written whole, the second hit the full disk
    assert counts(app) == (0, 0, [])  # no row, no photo, no .part file

    again = post(client, raw, attempt=2)  # the phone's retry: the very same request
    assert again.status_code == 201
    reports, attachments, files = counts(app)
    assert (reports, attachments, len(files)) == (1, 2, 2)
    assert post(client, raw, attempt=3).status_code == 200  # and one more is a replay
    assert counts(app)[:2] == (1, 2)


def test_disk_full_on_the_form_keeps_the_words_and_sending_again_stores_it_once(app, client, monkeypatch):
    fields = hidden_fields(client.get("/es/report").get_data(as_text=True))
    form = {**fields, "kind": "weapons", "description": "Dijo que traería un cuchillo el viernes.", "danger_now": "no"}

    def with_photo():
        return {**form, "photos": [(io.BytesIO(photo_with_gps()), "IMG_1.jpg")]}

    DiskFillsUp(monkeypatch, fail_on={1})

    refused = client.post("/es/report", data=with_photo(), content_type="multipart/form-data")
    assert refused.status_code == 503
    html = refused.get_data(as_text=True)
    assert translated(app, WORDS_KEPT, "es") in html
    assert "Dijo que traería un cuchillo el viernes." in html  # the words are still in the form
    assert fields["receipt"] in html  # and so is the receipt: sending again is the same report
    assert counts(app) == (0, 0, [])

    sent = client.post("/es/report", data=with_photo(), content_type="multipart/form-data")
    assert sent.status_code == 200
    assert fields["receipt"] in sent.get_data(as_text=True)
    assert counts(app)[:2] == (1, 1)


@pytest.fixture
def cluster_of(postgres_cluster):
    return postgres_cluster


@pytest.mark.postgres
def test_database_down_answers_503_in_json_and_the_retry_stores_the_report_once(app, client, database_url,
                                                                              cluster_of):
    raw = json.dumps(api_report(language="es"))
    assert client.get("/en/report").status_code == 200  # the pool holds a live connection
    refuse_connections(cluster_of, database_url)
    try:
        refused = post(client, raw, attempt=1)
        assert refused.status_code == 503
        assert refused.is_json
        assert refused.get_json() == {"error": "Service Unavailable", "message": translated(app, TRY_LATER, "es")}
        assert "Traceback" not in refused.get_data(as_text=True)
        assert post(client, raw, attempt=2).status_code == 503  # still down: still 503, never 500
    finally:
        allow_connections(cluster_of, database_url)
    assert post(client, raw, attempt=3).status_code == 201
    assert post(client, raw, attempt=4).status_code == 200
    assert counts(app)[0] == 1


@pytest.mark.postgres
def test_database_down_the_form_keeps_the_words_with_a_translated_503(app, client, database_url, cluster_of):
    fields = hidden_fields(client.get("/es/report").get_data(as_text=True))
    form = {**fields, "kind": "threat", "description": "Amenazó a su clase.", "danger_now": "no"}
    refuse_connections(cluster_of, database_url)
    try:
        refused = client.post("/es/report", data=form)
        assert refused.status_code == 503
        html = refused.get_data(as_text=True)
        assert translated(app, WORDS_KEPT, "es") in html
        assert "Amenazó a su clase." in html
        # Other pages say it too, as a page, not a stack trace.
        status_page = client.post("/es/status", data={"receipt": fields["receipt"], "csrf_token": fields["csrf_token"]})
        assert status_page.status_code == 503
        assert translated(app, TRY_LATER, "es") in status_page.get_data(as_text=True)
    finally:
        allow_connections(cluster_of, database_url)
    assert client.post("/es/report", data=form).status_code == 200
    assert client.post("/es/report", data=form).status_code == 200  # tapped again: a replay
    assert counts(app)[0] == 1
