"""Where attachment files live: a folder, or an S3-compatible bucket (s3_attachments.py).

Every store keeps a photo whole or not at all, and says so by raising OSError: the views answer
503 (try again) and submit_report stores no row. The rest of the app only uses AttachmentStore's
methods, and gets its store from attachment_store(config).
"""
from __future__ import annotations

import os
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path

from app.config import s3_location


class AttachmentStoreUnavailable(OSError):
    """The store failed or could not be reached; what was being written was not kept."""


class AttachmentStore(ABC):
    def new_name(self, extension: str) -> str:
        return f"{secrets.token_hex(16)}.{extension}"

    @abstractmethod
    def save(self, name: str, data: bytes) -> None:
        """Keep `data` under `name`, whole or not at all; OSError when it could not be kept."""

    @abstractmethod
    def read(self, name: str) -> bytes:
        """The stored bytes; FileNotFoundError when there are none."""

    @abstractmethod
    def exists(self, name: str) -> bool: ...

    @abstractmethod
    def delete(self, name: str) -> None:
        """Gone afterwards, whether or not it was there."""

    @abstractmethod
    def names(self) -> list[str]:
        """Every stored attachment (no interrupted write), sorted: what a backup copies."""

    @abstractmethod
    def names_older_than(self, seconds: float) -> set[str]:
        """What the orphan sweep may delete: stored names (and leftovers of interrupted writes)
        not written for `seconds`."""


# Photos of a report are for the prevention team only: readable by the app's own user, not by
# every account on the machine (the usual umask would give 0644). The folder is made 0700 too.
FILE_MODE = 0o600
FOLDER_MODE = 0o700


class FolderStore(AttachmentStore):
    """Files in one folder, written under a temporary name, fsynced, then renamed."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    def save(self, name: str, data: bytes) -> None:
        self.folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        final = self.folder / name
        partial = self.folder / f".{name}.part"
        try:
            # The mode is set at creation (os.open), so the photo is never readable by others, not
            # even between its creation and a later chmod.
            with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def path(self, name: str) -> Path:
        return self.folder / name

    def names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return sorted(path.name for path in self.folder.iterdir()
                      if path.is_file() and not path.name.startswith("."))  # not a half-written .part

    def names_older_than(self, seconds: float) -> set[str]:
        if not self.folder.exists():
            return set()
        cutoff = time.time() - seconds
        return {path.name for path in self.folder.iterdir() if path.is_file() and path.stat().st_mtime < cutoff}


def attachment_store(config: Mapping) -> AttachmentStore:
    """The store the settings name: the bucket of ATTACHMENT_STORE, else the folder UPLOAD_FOLDER."""
    location = s3_location(config["ATTACHMENT_STORE"])
    if location is None:
        return FolderStore(config["UPLOAD_FOLDER"])
    from app.services.s3_attachments import S3Store, s3_client  # boto3 is loaded only where it is used

    return S3Store(s3_client(config["S3_ENDPOINT_URL"], config["S3_REGION"]), location)
