"""Attachments in an S3-compatible bucket (AWS S3, MinIO, Ceph, Backblaze B2...), through boto3.

A PUT is atomic in S3: an object is whole or absent, never partial, so there is no temporary
name here. Objects are written without an ACL, so they stay private to the bucket's owner:
nothing is ever made public, and buckets that refuse ACLs (AWS's default since 2023) accept them.
Any failure of the store becomes AttachmentStoreUnavailable, an OSError, as a full disk is for
the folder store.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from app.config import S3Location
from app.services.attachments import AttachmentStore, AttachmentStoreUnavailable

# Only objects named the way AttachmentStore.new_name names them are listed (so backed up or
# swept): a bucket or prefix shared with other data never loses anything to the orphan sweep.
OUR_NAME = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{1,5}")
MISSING = {"NoSuchKey", "NotFound", "404"}  # a HEAD's 404 has no body, hence no error code but "404"


@functools.lru_cache(maxsize=None)
def s3_client(endpoint_url: str, region: str):
    """One client per process and endpoint: a client is thread-safe and keeps a connection pool,
    and making one takes tens of milliseconds."""
    options = {
        # A bounded wait: a report's request must end (503, the phone retries) while the reporter waits.
        "retries": {"mode": "standard", "max_attempts": 3},
        "connect_timeout": 5,
        "read_timeout": 20,
    }
    if endpoint_url:
        # Other stores do not all resolve bucket.host names, nor accept the newer checksum
        # headers boto3 sends to AWS (boto/boto3#4392); save() sends Content-MD5 instead.
        options.update(s3={"addressing_style": "path"}, request_checksum_calculation="when_required",
                       response_checksum_validation="when_required")
    # A session of its own: boto3's default session is not safe to share between threads.
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url or None, region_name=region or None,
                                          config=Config(**options))


@contextmanager
def _store_failures():
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in MISSING:
            raise FileNotFoundError(code) from None
        raise AttachmentStoreUnavailable(f"S3 {error.operation_name} failed: {code}") from error
    except BotoCoreError as error:
        raise AttachmentStoreUnavailable(f"S3 store unreachable: {error}") from error


class S3Store(AttachmentStore):
    def __init__(self, client, location: S3Location):
        self.client = client
        self.bucket = location.bucket
        self.prefix = location.prefix

    def _key(self, name: str) -> str:
        return self.prefix + name

    def save(self, name: str, data: bytes) -> None:
        # Content-MD5 lets the store refuse a body damaged on the way; every S3-compatible store checks it.
        digest = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        with _store_failures():
            self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data, ContentMD5=digest)

    def read(self, name: str) -> bytes:
        with _store_failures():
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"].read()

    def exists(self, name: str) -> bool:
        try:
            with _store_failures():
                self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except FileNotFoundError:
            return False
        return True

    def delete(self, name: str) -> None:
        with _store_failures():
            self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def _listed(self) -> Iterator[tuple[str, datetime]]:
        """(name, last modified) of each of our objects, every page of the listing."""
        with _store_failures():
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
                for entry in page.get("Contents", []):
                    name = entry["Key"][len(self.prefix):]
                    if OUR_NAME.fullmatch(name):
                        yield name, entry["LastModified"]

    def names(self) -> list[str]:
        return sorted(name for name, _ in self._listed())

    def names_older_than(self, seconds: float) -> set[str]:
        cutoff = time.time() - seconds
        return {name for name, modified in self._listed() if modified.timestamp() < cutoff}
