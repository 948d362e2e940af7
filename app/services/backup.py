"""Backups and restores: the database and the attachments, under timestamped names.

SQLite is copied with its online backup API (a consistent copy while the app keeps writing);
PostgreSQL with `pg_dump -Fc`. The attachments, from whichever store holds them (a folder or an
S3 bucket), go into a tar file beside it, made after the database copy, so every photo the copied
database refers to is in it (photos are written before their report's row is committed). A
backup holds every report in clear: keep the folder as private as the database (files are
created 0600)."""
from __future__ import annotations

import glob
import io
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url

from app.models.report import Attachment, Report
from app.services.attachments import AttachmentStore


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class Backup:
    database: Path
    attachments: Path


def backup(database_uri: str, store: AttachmentStore, to: str | os.PathLike,
           now: datetime | None = None) -> Backup:
    """Copy the database, then the attachments, into `to`; returns the two files written."""
    folder = Path(to)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        database = _new_file(folder, f"noticed-{stamp}", ".sqlite3")
        _sqlite_copy(_sqlite_path(url), database)
    elif url.get_backend_name() == "postgresql":
        database = _new_file(folder, f"noticed-{stamp}", ".pgdump")
        _run(_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={database}",
             env=_libpq_env(url))
    else:
        raise BackupError(f"Cannot back up a {url.get_backend_name()} database")
    attachments = _new_file(folder, database.name.removesuffix(database.suffix) + "-attachments", ".tar")
    _archive(store, attachments)
    return Backup(database, attachments)


def attachments_archive_for(database_backup: Path) -> Path:
    return database_backup.with_name(database_backup.name.removesuffix(database_backup.suffix) + "-attachments.tar")


def restore(database_uri: str, store: AttachmentStore, database_backup: str | os.PathLike) -> int:
    """Replace the database's contents with the backup's, and put back the backup's photos.

    Stop the app first. Photos of reports written after the backup are left in the store (they
    belong to no report any more: the retention purge's orphan sweep removes them); returns how
    many photos were put back."""
    source = Path(database_backup)
    url = make_url(database_uri)
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(source)
        _sqlite_copy(source, _sqlite_path(url), into_existing=True)
    elif url.get_backend_name() == "postgresql":
        _run(_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", f"--dbname={url.database}", str(source), env=_libpq_env(url))
    else:
        raise BackupError(f"Cannot restore a {url.get_backend_name()} database")
    archive = attachments_archive_for(source)
    return _unarchive(archive, store) if archive.exists() else 0


def _new_file(folder: Path, stem: str, suffix: str) -> Path:
    """A new, empty file readable by its owner only; never overwrites an earlier backup."""
    for n in range(1, 1000):
        path = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return path
        except FileExistsError:
            continue
    raise BackupError(f"Too many backups named {stem} in {folder}")


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("The SQLite database is in memory: there is no file to back up or restore")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path, into_existing: bool = False) -> None:
    if into_existing and not target.exists():
        raise BackupError(f"{target} does not exist")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        dst.execute("PRAGMA busy_timeout = 15000")
        src.backup(dst)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup from {source} to {target} failed: {error}") from None
    finally:
        dst.close()
        src.close()


def _check_sqlite_backup(path: Path) -> None:
    """Refuse to restore anything that is not a whole Noticed database."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"{path} is not an SQLite database: {error}") from None
    if not ok or not {Report.__tablename__, Attachment.__tablename__, "alembic_version"} <= tables:
        raise BackupError(f"{path} is not a complete Noticed database backup")


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise BackupError(f"{name} is missing: install the PostgreSQL client (apt-get install postgresql-client)")
    return found


def _libpq_env(url) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore through the environment, so a password never
    shows in the process list."""
    query = dict(url.query)
    settings = {
        "PGHOST": url.host or query.get("host"),
        "PGPORT": str(url.port) if url.port else query.get("port"),
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": query.get("sslmode"),
    }
    return {**os.environ, **{key: str(value) for key, value in settings.items() if value}}


def _run(*command: str, env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _archive(store: AttachmentStore, target: Path) -> None:
    with tarfile.open(target, "w") as archive:
        for name in store.names():
            try:
                data = store.read(name)
            except FileNotFoundError:  # purged since the listing
                continue
            member = tarfile.TarInfo(name)
            member.size, member.mode, member.mtime = len(data), 0o600, int(time.time())
            archive.addfile(member, io.BytesIO(data))


def _unarchive(archive_path: Path, store: AttachmentStore) -> int:
    restored = 0
    with tarfile.open(archive_path, "r") as archive:
        for member in archive.getmembers():
            # Only plain files with plain names: nothing can land outside the folder.
            if not member.isfile() or Path(member.name).name != member.name or member.name.startswith("."):
                continue
            store.save(member.name, archive.extractfile(member).read())
            restored += 1
    return restored
