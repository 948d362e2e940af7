"""Attachment-store fixtures: a real S3 HTTP server (moto's, in a thread, on a free loopback port)
for the whole session, a bucket of its own for each test, and an app whose photos go to that
bucket, or to a folder for the tests that must hold on both stores (`on_both_stores`)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import boto3
import pytest
from moto.server import ThreadedMotoServer

from tests.backoffice.conftest import OneContextPerRequestClient
from tests.conftest import in_app_context, make_app

REGION = "us-east-1"
PREFIX = "photos/"
on_both_stores = pytest.mark.parametrize("attachments_in", ["folder", "s3"], indirect=True)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    nowhere = tmp_path_factory.mktemp("aws") / "absent"
    with pytest.MonkeyPatch.context() as env:
        # Test credentials, and none of the developer's own AWS configuration.
        env.setenv("AWS_ACCESS_KEY_ID", "noticed-test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "noticed-test-secret")
        env.setenv("AWS_CONFIG_FILE", str(nowhere))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(nowhere))
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
            env.delenv(name, raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
        server.stop()


@pytest.fixture
def s3(s3_endpoint):
    """A client of our own, to look into the bucket from outside the app."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION)


@pytest.fixture
def bucket(s3) -> str:
    name = f"noticed-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def object_keys(s3, bucket: str) -> list[str]:
    return sorted(entry["Key"] for entry in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


@pytest.fixture
def attachments_in(request) -> str:
    return getattr(request, "param", "s3")


@pytest.fixture
def app(request, tmp_path, migrated_database, attachments_in):
    s3_settings = {}
    if attachments_in == "s3":
        s3_settings = {"ATTACHMENT_STORE": f"s3://{request.getfixturevalue('bucket')}/{PREFIX}",
                       "S3_ENDPOINT_URL": request.getfixturevalue("s3_endpoint"), "S3_REGION": REGION}
    app = make_app(tmp_path, migrated_database, **s3_settings)
    app.test_client_class = OneContextPerRequestClient
    with in_app_context(app):
        yield app


@pytest.fixture
def written_two_hours_ago(monkeypatch):
    """Objects PUT inside this context get the S3 server's LastModified of two hours ago, as if
    left there by an earlier server: what the orphan sweep looks at."""
    from contextlib import contextmanager

    import moto.s3.models

    real_clock = moto.s3.models.utcnow

    @contextmanager
    def earlier():
        monkeypatch.setattr(moto.s3.models, "utcnow", lambda: real_clock() - timedelta(hours=2))
        try:
            yield
        finally:
            monkeypatch.setattr(moto.s3.models, "utcnow", real_clock)
    return earlier
