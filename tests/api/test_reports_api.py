"""POST /api/v1/reports: stored once, replays recognised, bad input refused with clear errors."""
from __future__ import annotations

import io
import json
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.models.report import Attachment, Channel, Report
from app.services.attachments import attachment_store
from app.services.receipts import normalise_receipt
from app.services.reports import find_by_receipt
from tests.factories import api_report, as_attachment, photo_with_gps

URL = "/api/v1/reports"


def post(client, body, **headers):
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=headers)


def count(db_session, model=Report) -> int:
    return db_session.execute(select(func.count()).select_from(model)).scalar_one()


def test_new_report_is_stored_and_answered_with_its_receipt(client, db_session):
    body = api_report()
    response = post(client, body)
    assert response.status_code == 201
    assert response.get_json()["receipt"] == body["receipt"]
    report = db_session.execute(select(Report)).scalar_one()
    assert report.description == body["description"]
    assert report.channel == Channel.APP
    assert report.received_at.second == 0 and report.received_at.microsecond == 0


def test_receipt_is_stored_only_as_a_hash(client, db_session):
    body = api_report()
    post(client, body)
    report = db_session.execute(select(Report)).scalar_one()
    assert body["receipt"] not in report.receipt_hash
    assert body["receipt"].replace("-", "") not in report.receipt_hash.upper()


def test_replay_of_the_same_report_gets_200_and_the_same_receipt_and_is_stored_once(client, db_session):
    body = api_report()
    first = post(client, body)
    again = post(client, body, **{"X-Noticed-Attempt": "2"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["receipt"] == body["receipt"]
    assert count(db_session) == 1


def test_replay_is_recognised_by_content_not_bytes(client, db_session):
    body = api_report()
    post(client, body)
    reordered = dict(reversed(list(body.items())))
    response = client.post(URL, data=json.dumps(reordered, indent=2), content_type="application/json")
    assert response.status_code == 200
    assert count(db_session) == 1


def test_same_id_with_different_content_is_a_conflict(client, db_session):
    body = api_report()
    post(client, body)
    response = post(client, {**body, "description": "Something else entirely."})
    assert response.status_code == 409
    assert count(db_session) == 1
    assert db_session.execute(select(Report.description)).scalar_one() == body["description"]


def test_a_receipt_another_report_holds_is_replaced_by_a_code_the_server_chooses(client, db_session, app):
    first = api_report()
    post(client, first)
    second = api_report(receipt=first["receipt"])
    response = post(client, second)
    assert response.status_code == 201  # never "in use": that would confirm the code exists
    given = response.get_json()["receipt"]
    assert given != first["receipt"] and normalise_receipt(given) == given
    assert count(db_session) == 2
    secret = app.config["SECRET_KEY"]
    assert find_by_receipt(db_session, first["receipt"], secret).public_id == first["id"]
    assert find_by_receipt(db_session, given, secret).public_id == second["id"]


def test_the_answer_looks_the_same_whether_or_not_the_receipt_was_taken(client):
    taken = api_report()
    post(client, taken)
    answers = [post(client, api_report()), post(client, api_report(receipt=taken["receipt"]))]
    fresh, replaced = ((a.status_code, sorted(a.headers.keys()), sorted(a.get_json()), len(a.get_data()))
                       for a in answers)
    assert fresh == replaced


def test_a_report_stored_under_the_servers_code_is_still_recognised_when_replayed(client, db_session):
    first = api_report()
    post(client, first)
    second = api_report(receipt=first["receipt"])
    given = post(client, second).get_json()["receipt"]
    again = post(client, second, **{"X-Noticed-Attempt": "2"})
    assert again.status_code == 200
    assert again.get_json()["receipt"] == given
    assert count(db_session) == 2


@pytest.mark.parametrize("field, value", [
    ("kind", "gossip"),
    ("description", ""),
    ("description", "x" * 5001),
    ("id", "not-a-uuid"),
    ("receipt", "ABC"),
    ("occurred_at", "yesterday"),
    ("place", "<script>"),
    ("description", 42),
    ("still_happening", "maybe"),
])
def test_each_invalid_field_gets_its_own_error_and_nothing_is_stored(client, db_session, field, value):
    response = post(client, api_report(**{field: value}))
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == [field]
    assert errors[field]
    assert count(db_session) == 0


def test_errors_are_in_the_reports_language(client):
    response = post(client, api_report(description="", language="es"))
    assert response.status_code == 422
    message = response.get_json()["errors"]["description"]
    english = post(client, api_report(description="", language="en")).get_json()["errors"]["description"]
    assert message != english


def test_missing_required_fields_are_all_reported(client):
    response = post(client, {"id": api_report()["id"]})
    assert response.status_code == 422
    assert {"receipt", "kind", "description"} <= set(response.get_json()["errors"])


def test_wrong_content_type_is_415(client, db_session):
    response = client.post(URL, data="kind=threat", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert count(db_session) == 0


def test_body_larger_than_the_limit_is_413(app, client, db_session):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = post(client, api_report(description="x" * 2000))
    assert response.status_code == 413
    assert count(db_session) == 0


def test_request_from_another_site_is_refused(client, db_session):
    response = post(client, api_report(), Origin="https://evil.example")
    assert response.status_code == 403
    assert count(db_session) == 0


def test_request_from_our_own_origin_is_accepted(client):
    assert post(client, api_report(), Origin="http://localhost").status_code == 201


@pytest.mark.parametrize("raw", [
    b"", b"null", b"[]", b"\"text\"", b"{", b"\xff\xfe\x00", b"{\"id\": \"\x00\"}",
    b"[" * 100000 + b"]" * 100000, json.dumps({"attachments": "nope"}).encode(),
    json.dumps({"attachments": [{"data": "!!!"}]}).encode(),
])
def test_malformed_bodies_get_422_never_5xx(client, db_session, raw):
    response = client.post(URL, data=raw, content_type="application/json")
    assert response.status_code == 422
    assert count(db_session) == 0


def test_photo_is_stored_without_any_metadata(app, client, db_session):
    original = photo_with_gps()
    assert b"Test Camera Model" in original
    response = post(client, api_report(attachments=[as_attachment(original)]))
    assert response.status_code == 201
    attachment = db_session.execute(select(Attachment)).scalar_one()
    stored = attachment_store(app.config).read(attachment.stored_name)
    assert b"Test Camera Model" not in stored
    image = Image.open(io.BytesIO(stored))
    assert not image.getexif()
    assert "exif" not in image.info
    assert image.size == (64, 48)


def test_a_file_that_is_not_a_picture_gets_a_clear_error(client, db_session, tmp_path):
    fake = as_attachment(b"%PDF-1.4 pretending to be a photo", "image/jpeg")
    response = post(client, api_report(attachments=[fake]))
    assert response.status_code == 422
    assert "JPEG" in response.get_json()["errors"]["attachments"]
    assert count(db_session) == 0
    assert not any((tmp_path / "attachments").glob("*")) if (tmp_path / "attachments").exists() else True


def test_more_than_three_photos_are_refused(client, db_session):
    photo = as_attachment(photo_with_gps())
    response = post(client, api_report(attachments=[photo] * 4))
    assert response.status_code == 422
    assert count(db_session) == 0


def test_replay_with_photos_stores_the_photos_once(client, db_session):
    body = api_report(attachments=[as_attachment(photo_with_gps()), as_attachment(photo_with_gps("PNG"), "image/png")])
    assert post(client, body).status_code == 201
    assert post(client, body).status_code == 200
    assert count(db_session, Attachment) == 2


def test_openapi_document_describes_the_endpoint(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/reports" in document["paths"]
    responses = document["paths"]["/api/v1/reports"]["post"]["responses"]
    assert {"200", "201", "409", "413", "415", "422"} <= set(responses)


def test_the_same_report_sent_concurrently_is_stored_once(app, db_session):
    body = json.dumps(api_report(attachments=[as_attachment(photo_with_gps())]))
    start = Barrier(8)

    def send(_):
        client = app.test_client()
        start.wait()
        return client.post(URL, data=body, content_type="application/json").status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(send, range(8)))
    assert statuses == [200] * 7 + [201]
    db_session.remove()
    assert count(db_session) == 1
    assert count(db_session, Attachment) == 1
    assert len(list(attachment_store(app.config).folder.iterdir())) == 1  # the losers' files were removed


def test_a_constraint_failure_that_is_not_the_reporters_is_retryable_never_a_409(app, client, db_session, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    def broken_commit():
        raise IntegrityError("INSERT", {}, Exception("some other table's constraint"))

    monkeypatch.setattr(db_session, "commit", broken_commit)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = post(client, api_report())
    assert response.status_code == 500  # the phone keeps it and tries again; 409 would be final
    monkeypatch.undo()
    assert count(db_session) == 0
