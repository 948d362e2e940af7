"""`flask backup` and `flask restore`, on SQLite and PostgreSQL: reports written, a backup, more
reports, a restore: the first reports are back with their photos, as they were."""
from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.report import Attachment, Report
from app.services.attachments import attachment_store
from tests.factories import api_report, as_attachment, photo_with_gps


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, migrated_database):
    if request.param == "sqlite":
        return None
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.url(cluster.new_database(template=request.getfixturevalue("postgres_template")))


def send(client, description: str, photo: bool = False) -> dict:
    body = api_report(description=description, attachments=[as_attachment(photo_with_gps())] if photo else [])
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201
    return body


def stored(app) -> list[tuple[str, list[str]]]:
    with app.app_context():
        reports = db.session.execute(select(Report).order_by(Report.id)).scalars().all()
        result = [(r.description, [a.stored_name for a in r.attachments]) for r in reports]
        db.session.remove()
    return result


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def test_a_restore_brings_back_the_reports_and_photos_as_they_were_at_the_backup(app, client, tmp_path):
    send(client, "First report", photo=True)
    send(client, "Second report")
    at_backup = stored(app)
    folder = tmp_path / "backups"

    output = run(app, "backup", "--to", str(folder))
    database_file = next(line.split(": ", 1)[1] for line in output.splitlines() if line.startswith("database: "))
    send(client, "Written after the backup", photo=True)
    assert len(stored(app)) == 3
    db.session.remove()
    attachment_store(app.config).delete(at_backup[0][1][0])  # and a photo lost with the disk

    run(app, "restore", database_file, "--yes")

    assert stored(app) == at_backup
    [photo_name] = at_backup[0][1]
    assert attachment_store(app.config).read(photo_name)[:2] == b"\xff\xd8"  # the photo is back, whole
    with app.app_context():
        assert db.session.execute(select(Attachment)).scalars().all()[0].stored_name == photo_name
        db.session.remove()
    # The client can go on sending: the restored database takes new reports.
    send(client, "After the restore")
    assert [description for description, _ in stored(app)] == ["First report", "Second report", "After the restore"]


def test_backups_are_private_timestamped_and_never_overwritten(app, client, tmp_path):
    send(client, "A report")
    folder = tmp_path / "backups"
    first = run(app, "backup", "--to", str(folder))
    second = run(app, "backup", "--to", str(folder))
    files = sorted(folder.iterdir())
    assert len(files) == 4  # two database copies, two photo archives: the second did not overwrite the first
    assert first != second
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.name.startswith("noticed-20")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(app, client, tmp_path):
    send(client, "Keep me")
    bogus = tmp_path / "noticed-bogus.sqlite3"
    bogus.write_bytes(b"not a database at all" * 100)
    result = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert [description for description, _ in stored(app)] == ["Keep me"]
