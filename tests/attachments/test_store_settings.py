"""ATTACHMENT_STORE and the S3 settings: a folder by default, a bucket when asked, and a clear
refusal to start on anything malformed."""
from __future__ import annotations

import pytest

from app import create_app
from app.config import ConfigError, S3Location, Settings
from app.services.attachments import FolderStore, attachment_store
from app.services.s3_attachments import S3Store


def settings(tmp_path, monkeypatch, **environment) -> Settings:
    for name in ("ATTACHMENT_STORE", "S3_ENDPOINT_URL", "S3_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return Settings.from_environment(tmp_path)


def test_photos_stay_in_the_upload_folder_unless_a_bucket_is_named(tmp_path, monkeypatch):
    config = settings(tmp_path, monkeypatch, UPLOAD_FOLDER=str(tmp_path / "photos")).as_flask_config()
    store = attachment_store(config)
    assert isinstance(store, FolderStore) and store.folder == tmp_path / "photos"


@pytest.mark.parametrize(("setting", "location"), [
    ("s3://noticed-photos", S3Location("noticed-photos", "")),
    ("s3://noticed-photos/", S3Location("noticed-photos", "")),
    ("s3://noticed-photos/district-7/photos/", S3Location("noticed-photos", "district-7/photos/")),
])
def test_an_s3_address_names_the_bucket_and_the_key_prefix(tmp_path, monkeypatch, setting, location):
    config = settings(tmp_path, monkeypatch, ATTACHMENT_STORE=setting, S3_ENDPOINT_URL="https://minio.example.org:9000",
                      S3_REGION="eu-west-3").as_flask_config()
    store = attachment_store(config)
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix) == (location.bucket, location.prefix)
    assert store.client.meta.endpoint_url == "https://minio.example.org:9000"
    assert store.client.meta.region_name == "eu-west-3"


@pytest.mark.parametrize("setting", [
    "/srv/noticed/photos", "s3://", "s3://Not_A_Bucket/x", "gs://noticed-photos", "s3://noticed-photos/a/../b",
    "s3://noticed-photos?region=x",
])
def test_a_malformed_store_stops_the_app_at_startup(tmp_path, monkeypatch, setting):
    monkeypatch.setenv("ATTACHMENT_STORE", setting)
    with pytest.raises(ConfigError, match="ATTACHMENT_STORE"):
        create_app()


def test_credentials_in_the_store_address_are_refused_without_being_printed(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="AWS_ACCESS_KEY_ID") as refused:
        settings(tmp_path, monkeypatch, ATTACHMENT_STORE="s3://AKIAEXAMPLE:very-secret@noticed-photos")
    assert "very-secret" not in str(refused.value)


@pytest.mark.parametrize("environment", [
    {"ATTACHMENT_STORE": "s3://noticed-photos", "S3_ENDPOINT_URL": "minio:9000"},
    {"S3_ENDPOINT_URL": "https://minio.example.org"},  # photos would stay on this machine's disk
])
def test_endpoint_settings_that_cannot_work_are_refused(tmp_path, monkeypatch, environment):
    with pytest.raises(ConfigError, match="S3_ENDPOINT_URL"):
        settings(tmp_path, monkeypatch, **environment)
