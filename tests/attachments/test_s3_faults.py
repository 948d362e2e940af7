"""The S3 store failing under a report, as tests/robustness/test_storage_faults.py does to the
folder: a missing bucket, a full store on the second photo, a stopped server. The report is
refused with a 503 that says to try again, no row and no object is left, and the retry stores it
exactly once."""
from __future__ import annotations

import io
import json

import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select

from app.extensions import db
from app.models.report import Attachment, Report
from app.services.s3_attachments import s3_client
from tests.attachments.conftest import REGION, object_keys
from tests.conftest import hidden_fields, in_app_context, make_app
from tests.factories import api_report, as_attachment, photo_with_gps
from tests.robustness.faults import BucketFillsUp

URL = "/api/v1/reports"


def rows() -> tuple[int, int]:
    db.session.remove()
    return (db.session.execute(select(func.count()).select_from(Report)).scalar_one(),
            db.session.execute(select(func.count()).select_from(Attachment)).scalar_one())


def post(client, raw: str, attempt: int):
    return client.post(URL, data=raw, content_type="application/json", headers={"X-Noticed-Attempt": str(attempt)})


def with_photos(count: int) -> str:
    photos = [as_attachment(photo_with_gps()), as_attachment(photo_with_gps("PNG"), "image/png")][:count]
    return json.dumps(api_report(attachments=photos))


def test_a_missing_bucket_refuses_the_report_and_the_retry_stores_it_once(app, client, s3, bucket):
    raw = with_photos(1)
    s3.delete_bucket(Bucket=bucket)

    refused = post(client, raw, attempt=1)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"]
    assert refused.get_json()["error"] == "Service Unavailable"
    assert rows() == (0, 0)

    s3.create_bucket(Bucket=bucket)  # the operator puts the bucket back
    assert post(client, raw, attempt=2).status_code == 201
    assert post(client, raw, attempt=3).status_code == 200  # and one more is a replay
    assert rows() == (1, 1)
    assert len(object_keys(s3, bucket)) == 1


def test_a_full_store_on_the_second_photo_keeps_neither_and_the_retry_stores_both(app, client, s3, bucket):
    raw = with_photos(2)
    with BucketFillsUp(s3_client(app.config["S3_ENDPOINT_URL"], REGION), fail_on={2}) as store:
        refused = post(client, raw, attempt=1)
    assert refused.status_code == 503
    assert store.calls == 2  # the first photo was stored, the second refused
    assert rows() == (0, 0)
    assert object_keys(s3, bucket) == []  # and the first was removed again

    assert post(client, raw, attempt=2).status_code == 201
    assert rows() == (1, 2)
    assert len(object_keys(s3, bucket)) == 2


def test_a_missing_bucket_on_the_form_keeps_the_words(app, client, s3, bucket):
    fields = hidden_fields(client.get("/en/report").get_data(as_text=True))
    form = {**fields, "kind": "weapons", "description": "He said he would bring a knife on Friday.", "danger_now": "no"}
    s3.delete_bucket(Bucket=bucket)

    refused = client.post("/en/report", data={**form, "photos": [(io.BytesIO(photo_with_gps()), "IMG_1.jpg")]},
                          content_type="multipart/form-data")

    assert refused.status_code == 503
    assert "He said he would bring a knife on Friday." in refused.get_data(as_text=True)
    assert rows() == (0, 0)


@pytest.mark.usefixtures("s3_endpoint")  # for its test credentials
def test_a_stopped_server_refuses_the_report_and_leaves_no_row(tmp_path, migrated_database):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    s3_client(endpoint, REGION).create_bucket(Bucket="stopping")
    app = make_app(tmp_path, migrated_database, ATTACHMENT_STORE="s3://stopping", S3_ENDPOINT_URL=endpoint,
                   S3_REGION=REGION)
    client = app.test_client()
    with in_app_context(app):
        assert post(client, with_photos(1), attempt=1).status_code == 201
        server.stop()
        assert post(client, with_photos(1), attempt=1).status_code == 503
        assert rows() == (1, 1)  # only the report sent while the server ran
