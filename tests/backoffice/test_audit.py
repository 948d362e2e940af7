"""The audit log: every view and change of a report or case is written, it cannot be rewritten,
admins read and export it."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.models.audit import AuditEntry, AuditLogIsAppendOnly
from app.models.staff import Role
from app.services import cases
from app.services.audit import AuditFilter, entries
from tests.backoffice.conftest import make_report, post


def actions_about(subject_type: str, subject_id: int) -> list[tuple[str, int | None]]:
    return [(e.action, e.staff_id) for e in entries(db.session, AuditFilter(subject_type, subject_id))]


def test_viewing_a_report_is_audited_with_who(staff_client):
    client, viewer = staff_client(Role.VIEWER)
    report = make_report()
    client.get(f"/staff/reports/{report.id}")
    assert ("report.viewed", viewer.id) in actions_about("report", report.id)


def test_changing_a_report_is_audited_with_who(staff_client):
    client, member = staff_client(Role.MEMBER)
    report = make_report()
    post(client, f"/staff/reports/{report.id}/message", {"body": "Thank you. Which school?"})
    post(client, f"/staff/reports/{report.id}/triage", {"decision": "monitor"})
    logged = actions_about("report", report.id)
    assert ("report.message_sent", member.id) in logged
    assert ("report.triaged", member.id) in logged


def test_viewing_and_changing_a_case_are_audited(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = cases.open_case(db.session, make_report(), "Student", date.today() + timedelta(days=7), member)
    client.get(f"/staff/cases/{case.id}")
    post(client, f"/staff/cases/{case.id}/notes", {"body": "Called the parents."})
    logged = actions_about("case", case.id)
    assert ("case.viewed", member.id) in logged and ("case.note_added", member.id) in logged


def test_audit_entries_hold_no_report_or_note_content(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = cases.open_case(db.session, make_report(description="Secret words about Robin."), "Robin",
                           date.today() + timedelta(days=7), member)
    post(client, f"/staff/cases/{case.id}/notes", {"body": "Robin's mother says..."})
    assert all("Robin" not in e.detail for e in entries(db.session, limit=None))


def test_audit_entries_cannot_be_changed_or_deleted(app):
    entry = AuditEntry(at=db.func.now(), actor="x", action="report.viewed", subject_type="report", subject_id=1)
    db.session.add(entry)
    db.session.commit()
    entry.action = "nothing happened"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET action = 'nothing happened'", "DELETE FROM audit_entry"])
def test_the_database_itself_refuses_to_rewrite_the_audit_log(app, statement):
    # A script or console session bypasses the models: the triggers of migration 0009 still refuse.
    db.session.add(AuditEntry(at=db.func.now(), actor="x", action="report.viewed", subject_type="report",
                              subject_id=1))
    db.session.commit()
    with pytest.raises(DBAPIError, match="never changed or deleted"):
        db.session.execute(text(statement))
    db.session.rollback()
    assert [entry.action for entry in db.session.execute(select(AuditEntry)).scalars()] == ["report.viewed"]


def test_admin_reads_the_audit_log_and_exports_it(staff_client):
    client, admin = staff_client(Role.ADMIN)
    report = make_report()
    client.get(f"/staff/reports/{report.id}")
    assert "report.viewed" in client.get("/staff/audit").get_data(as_text=True)
    response = client.get("/staff/audit.csv?subject_type=report")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["id", "at", "actor", "action", "subject_type", "subject_id", "detail"]
    assert [admin.email, "report.viewed", "report", str(report.id)] in [row[2:6] for row in rows[1:]]
