"""The report form as a browser without JavaScript uses it: a plain POST with a CSRF token."""
from __future__ import annotations

import pytest

import io
import re

from PIL import Image
from sqlalchemy import func, select

from app.models.report import Attachment, Channel, Report
from app.services.attachments import attachment_store
from app.services.reports import find_by_receipt
from tests.conftest import hidden_fields
from tests.factories import photo_with_gps


def open_form(client, lang="en"):
    page = client.get(f"/{lang}/report")
    assert page.status_code == 200
    return hidden_fields(page.get_data(as_text=True))


def filled(fields, **changes):
    data = {**fields, "kind": "weapons", "description": "He showed a knife and said Friday.", "danger_now": "no"}
    data.update(changes)
    return data


def reports(db_session):
    return db_session.execute(select(Report)).scalars().all()


def test_form_posts_and_shows_the_receipt(client, db_session):
    fields = open_form(client)
    response = client.post("/en/report", data=filled(fields))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert fields["receipt"] in html
    assert "Save this code" in html
    [report] = reports(db_session)
    assert report.channel == Channel.WEB_FORM
    assert report.kind.value == "weapons"


def test_send_tapped_twice_without_javascript_is_stored_once(client, db_session):
    data = filled(open_form(client))
    first = client.post("/en/report", data=data)
    second = client.post("/en/report", data=data)
    assert first.status_code == second.status_code == 200
    assert data["receipt"] in second.get_data(as_text=True)
    assert len(reports(db_session)) == 1


def test_a_form_carrying_a_receipt_another_report_holds_gets_a_code_of_its_own(client, db_session):
    first = filled(open_form(client))
    client.post("/en/report", data=first)
    second = filled(open_form(client), receipt=first["receipt"], description="Another report, other words.")
    response = client.post("/en/report", data=second)
    assert response.status_code == 200
    shown = re.search(r'class="receipt-code"[^>]*>([0-9A-Z-]{14})<', response.get_data(as_text=True)).group(1)
    assert shown != first["receipt"]
    assert len(reports(db_session)) == 2
    token = hidden_fields(client.get("/en/status").get_data(as_text=True))["csrf_token"]
    status = client.post("/en/status", data={"csrf_token": token, "receipt": shown}).get_data(as_text=True)
    assert f'<span class="receipt-code">{shown}</span>' in status
    stored = find_by_receipt(db_session, shown, client.application.config["SECRET_KEY"])
    assert stored.description == "Another report, other words."


def test_two_forms_give_two_different_receipts(client):
    assert open_form(client)["receipt"] != open_form(client)["receipt"]


def test_missing_description_shows_a_translated_error_and_stores_nothing(client, db_session):
    response = client.post("/es/report", data=filled(open_form(client, "es"), description=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert "Tell us what happened." not in html  # shown in Spanish, not English
    assert reports(db_session) == []


def test_post_without_csrf_token_is_refused_and_keeps_the_words(client, db_session):
    fields = open_form(client)
    fields.pop("csrf_token")
    response = client.post("/en/report", data=filled(fields, description="Keep these words"))
    assert response.status_code == 422
    assert "Keep these words" in response.get_data(as_text=True)
    assert reports(db_session) == []


def test_danger_now_yes_shows_call_911_before_send(client):
    response = client.post("/en/report", data=filled(open_form(client), danger_now="yes", description=""))
    html = response.get_data(as_text=True)
    call = html.index('class="danger-now-call"')
    assert 'href="tel:911"' in html[call:call + 400]
    assert "data-hidden-unless-yes" not in html[call:call + 200]
    assert call < html.index('type="submit"')


def test_may_hurt_themselves_shows_the_988_lifeline_before_send(client):
    response = client.post("/en/report", data=filled(open_form(client), kind="self_harm", description=""))
    html = response.get_data(as_text=True)
    box = html.index('class="crisis-call"')
    assert 'href="tel:988"' in html[box:box + 500] and 'href="sms:988"' in html[box:box + 500]
    assert "data-hidden-unless-self-harm" not in html[box:box + 80]
    assert box < html.index('type="submit"')


@pytest.mark.parametrize("kind, offers_988", [("self_harm", True), ("threat", False)])
def test_the_receipt_offers_the_988_lifeline_for_someone_who_may_hurt_themselves(client, kind, offers_988):
    response = client.post("/en/report", data=filled(open_form(client), kind=kind))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="receipt-code"' in html
    assert ('class="crisis-call"' in html) == offers_988


def test_photo_uploaded_with_the_form_loses_its_metadata(client, db_session):
    data = filled(open_form(client))
    data["photos"] = [(io.BytesIO(photo_with_gps()), "IMG_0001.jpg", "image/jpeg")]
    response = client.post("/en/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    attachment = db_session.execute(select(Attachment)).scalar_one()
    assert attachment.stored_name != "IMG_0001.jpg"
    stored = attachment_store(client.application.config).read(attachment.stored_name)
    assert b"Test Camera Model" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()


def test_a_document_instead_of_a_photo_gets_a_clear_error(client, db_session):
    data = filled(open_form(client))
    data["photos"] = [(io.BytesIO(b"MZ\x90\x00 not a picture"), "virus.exe", "image/png")]
    response = client.post("/en/report", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "JPEG, PNG, WebP or HEIC" in response.get_data(as_text=True)
    assert reports(db_session) == []
    assert db_session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0


def test_place_code_from_a_poster_travels_with_the_report(client, db_session):
    fields = open_form(client)
    client.post("/en/report", data=filled(fields, place="MAINST1"))
    assert reports(db_session)[0].place_code == "MAINST1"


def test_report_form_is_never_stored_by_shared_caches(client):
    assert client.get("/en/report").headers["Cache-Control"] == "no-store"
