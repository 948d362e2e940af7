"""Photos in an S3-compatible bucket (ATTACHMENT_STORE=s3://bucket/prefix), against a real S3 HTTP
server: a report's photo is one private object without metadata, staff see it, retention deletes
it, the orphan sweep removes only strays of ours, and a backup carries the objects."""
from __future__ import annotations

import io
import json
import tarfile
from datetime import datetime, timedelta, timezone

from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models.report import Attachment, Report, TriageDecision
from app.models.staff import Role
from app.services import retention, triage
from app.services.attachments import attachment_store
from app.services.s3_attachments import s3_client
from tests.attachments.conftest import PREFIX, object_keys, on_both_stores
from tests.backoffice.conftest import make_staff, sign_in
from tests.factories import api_report, as_attachment, photo_with_gps

PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


def send_with_photo(client, description: str = "He showed a knife on the bus.") -> Attachment:
    body = api_report(description=description, attachments=[as_attachment(photo_with_gps())])
    response = client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.get_data(as_text=True)
    report = db.session.execute(select(Report).where(Report.public_id == body["id"])).scalar_one()
    return report.attachments[0]


def test_a_photo_sent_through_the_api_is_one_private_object_without_metadata(app, client, s3, bucket, tmp_path):
    attachment = send_with_photo(client)

    assert object_keys(s3, bucket) == [PREFIX + attachment.stored_name]
    stored = s3.get_object(Bucket=bucket, Key=PREFIX + attachment.stored_name)["Body"].read()
    assert b"Test Camera Model" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and "exif" not in image.info
    grants = s3.get_object_acl(Bucket=bucket, Key=PREFIX + attachment.stored_name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's, nobody else's
    assert not any(grant["Grantee"].get("URI") in PUBLIC_GROUPS for grant in grants)
    assert not (tmp_path / "attachments").exists()  # nothing went to the local folder


@on_both_stores
def test_staff_see_the_photo_from_either_store_never_cached(app, client):
    attachment = send_with_photo(client)
    staff = sign_in(app.test_client(), make_staff(Role.ADMIN))

    response = staff.get(f"/staff/attachments/{attachment.id}")

    assert response.status_code == 200
    assert response.data == attachment_store(app.config).read(attachment.stored_name)
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == f"inline; filename={attachment.stored_name}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@on_both_stores
def test_the_photo_is_denied_to_anyone_signed_out_and_gone_once_deleted(app, client):
    attachment = send_with_photo(client)
    signed_out = app.test_client().get(f"/staff/attachments/{attachment.id}")
    assert signed_out.status_code == 302 and "/staff/sign-in" in signed_out.headers["Location"]

    attachment_store(app.config).delete(attachment.stored_name)
    staff = sign_in(app.test_client(), make_staff(Role.ADMIN))
    assert staff.get(f"/staff/attachments/{attachment.id}").status_code == 404


def test_retention_purge_deletes_the_reports_object(app, client, s3, bucket):
    attachment = send_with_photo(client)
    member = make_staff(Role.MEMBER)
    triage.triage(db.session, attachment.report, TriageDecision.NO_CONCERN, member,
                  now=datetime.now(timezone.utc) - timedelta(days=app.config["UNFOUNDED_RETENTION_DAYS"] + 1))

    result = app.test_cli_runner().invoke(args=["retention", "purge"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "deleted 0 case(s), 1 report(s), 1 file(s), 0 orphaned file(s)"
    assert object_keys(s3, bucket) == []


def test_orphan_sweep_removes_an_old_stray_object_and_keeps_the_rest(app, client, s3, bucket,
                                                                      written_two_hours_ago):
    store = attachment_store(app.config)
    stray, saving_now = store.new_name("jpg"), store.new_name("jpg")
    with written_two_hours_ago():
        kept = send_with_photo(client).stored_name
        store.save(stray, b"left by a server killed before its commit")
        # Objects the app did not name: a bucket shared with other data loses nothing.
        s3.put_object(Bucket=bucket, Key=PREFIX + "README.txt", Body=b"not ours")
        s3.put_object(Bucket=bucket, Key="elsewhere/" + store.new_name("jpg"), Body=b"outside our prefix")
    store.save(saving_now, b"a report being saved right now")

    assert retention.sweep_orphans(db.session, store) == 1

    remaining = object_keys(s3, bucket)
    assert PREFIX + stray not in remaining
    assert {PREFIX + kept, PREFIX + saving_now, PREFIX + "README.txt"} <= set(remaining)
    assert len(remaining) == 4


def test_listing_follows_every_page(app, s3, bucket):
    store = attachment_store(app.config)
    names = sorted(store.new_name("png") for _ in range(5))
    for name in names:
        s3.put_object(Bucket=bucket, Key=PREFIX + name, Body=b"x")
    events = s3_client(app.config["S3_ENDPOINT_URL"], app.config["S3_REGION"]).meta.events

    def two_a_page(params, **_):  # S3 pages hold 1,000 keys: the same, in fewer objects
        params["MaxKeys"] = 2
    events.register("before-parameter-build.s3.ListObjectsV2", two_a_page)
    try:
        assert store.names() == names
    finally:
        events.unregister("before-parameter-build.s3.ListObjectsV2", two_a_page)


def test_backup_and_restore_round_trip_the_objects(app, client, s3, bucket, tmp_path):
    photo = send_with_photo(client, "First report").stored_name
    original = s3.get_object(Bucket=bucket, Key=PREFIX + photo)["Body"].read()
    made = app.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    database_file = made.output.split("database: ", 1)[1].splitlines()[0]
    archive = made.output.split("attachments: ", 1)[1].splitlines()[0]
    with tarfile.open(archive) as tar:
        assert tar.getnames() == [photo]
    send_with_photo(client, "Written after the backup")
    s3.delete_object(Bucket=bucket, Key=PREFIX + photo)  # lost with the bucket
    db.session.remove()

    restored = app.test_cli_runner().invoke(args=["restore", database_file, "--yes"])

    assert restored.exit_code == 0, restored.output
    assert restored.output.strip().endswith("and 1 photos")
    assert s3.get_object(Bucket=bucket, Key=PREFIX + photo)["Body"].read() == original
    assert [r.description for r in db.session.execute(select(Report)).scalars()] == ["First report"]
