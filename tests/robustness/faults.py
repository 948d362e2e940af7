"""Ways to break the server's storage on purpose, shared by the fault tests (here, in
tests/browser/test_faults.py and tests/attachments/test_s3_faults.py)."""
from __future__ import annotations

import errno
import os
from types import SimpleNamespace

from sqlalchemy.engine import make_url


def database_name(url: str) -> str:
    return make_url(url).database


def refuse_connections(cluster, url: str) -> None:
    """The PostgreSQL database stops taking connections and drops the ones it has, as when its
    server goes down; the rest of the cluster (other tests' databases) is untouched."""
    name = database_name(url)
    cluster.execute(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    cluster.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()")


def allow_connections(cluster, url: str) -> None:
    cluster.execute(f"ALTER DATABASE {database_name(url)} ALLOW_CONNECTIONS true")


class DiskFillsUp:
    """os.fsync fails with ENOSPC on chosen calls, as it does when the disk fills up while a file
    is written (its bytes are in the page cache, there is no room to put them): the attachment
    store has by then created its .part file, which must not survive."""

    def __init__(self, monkeypatch, fail_on: set[int]):
        self.calls = 0
        self.fail_on = fail_on
        self._real = os.fsync
        monkeypatch.setattr(os, "fsync", self)

    def __call__(self, fd):
        self.calls += 1
        if self.calls in self.fail_on:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self._real(fd)


class BucketFillsUp:
    """The S3 store refuses chosen PUTs as MinIO does when its drives are full (507
    XMinioStorageFull, which boto3 does not retry): that object is not stored, and the photos
    written before it in the same report must not survive. Use it as a context manager."""

    EVENT = "before-call.s3.PutObject"

    def __init__(self, client, fail_on: set[int]):
        self.calls = 0
        self.fail_on = fail_on
        self.client = client

    def __enter__(self):
        self.client.meta.events.register(self.EVENT, self)
        return self

    def __exit__(self, *_):
        self.client.meta.events.unregister(self.EVENT, self)

    def __call__(self, **_):
        self.calls += 1
        if self.calls not in self.fail_on:
            return None  # the real request goes ahead
        refused = {"Error": {"Code": "XMinioStorageFull", "Message": "Storage backend has reached its minimum "
                                                                   "free drive threshold."},
                   "ResponseMetadata": {"HTTPStatusCode": 507}}
        return SimpleNamespace(status_code=507, headers={}), refused
