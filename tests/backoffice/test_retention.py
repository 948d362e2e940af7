"""Retention: unfounded cases go after the shorter period, others after the longer one, a report
nobody triaged stays, and the records and photo files are really deleted."""
from __future__ import annotations

import os
import time
import uuid
from datetime import date, datetime, timedelta, timezone

from click.testing import CliRunner
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models.audit import AuditEntry
from app.models.case import Case, CaseOutcome
from app.models.report import Attachment, Report, ReportMessage, TriageDecision
from app.models.staff import Role
from app.services import cases, retention, triage
from app.services.attachments import attachment_store
from tests.backoffice.conftest import make_report, make_staff

NOW = datetime.now(timezone.utc)


def with_photo(report: Report) -> str:
    store = attachment_store(current_app.config)
    name = store.new_name("jpg")
    store.save(name, b"\xff\xd8 not really a photo")
    report.attachments.append(Attachment(position=0, stored_name=name, media_type="image/jpeg", size_bytes=20))
    db.session.commit()
    return name


def closed_case(outcome: CaseOutcome, closed_days_ago: int) -> Case:
    member = make_staff(Role.MEMBER, email=f"{uuid.uuid4().hex[:8]}@example.org")
    case = cases.open_case(db.session, make_report(), "Person", date.today(), member)
    cases.close_case(db.session, case, outcome, member, now=NOW - timedelta(days=closed_days_ago))
    return case


def purge(now=NOW):
    return retention.purge(db.session, attachment_store(current_app.config), now,
                           unfounded_days=90, retention_days=365)


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_unfounded_case_is_deleted_after_the_shorter_period_with_its_reports_and_files(app):
    case = closed_case(CaseOutcome.UNFOUNDED, closed_days_ago=91)
    report = case.reports[0]
    report.messages.append(ReportMessage(author="reporter", body="More details", sent_at=NOW))
    photo = with_photo(report)
    path = attachment_store(current_app.config).path(photo)
    assert path.exists()
    counts = purge()
    assert (counts.cases, counts.reports, counts.attachment_files) == (1, 1, 1)
    assert not path.exists()
    assert (count(Case), count(Report), count(Attachment), count(ReportMessage)) == (0, 0, 0, 0)


def test_unfounded_case_inside_the_shorter_period_is_kept(app):
    closed_case(CaseOutcome.UNFOUNDED, closed_days_ago=89)
    assert purge().cases == 0
    assert count(Case) == 1


def test_resolved_case_is_kept_until_the_longer_period(app):
    closed_case(CaseOutcome.RESOLVED, closed_days_ago=200)
    assert purge().cases == 0
    closed_case(CaseOutcome.RESOLVED, closed_days_ago=366)
    assert purge().cases == 1


def test_open_case_and_untriaged_report_are_never_deleted(app):
    member = make_staff(Role.MEMBER)
    cases.open_case(db.session, make_report(), "Person", date.today(), member)
    untouched = make_report()
    untouched.received_at = NOW - timedelta(days=3000)
    db.session.commit()
    assert purge(NOW + timedelta(days=3000)) == retention.PurgeCounts()


def test_report_triaged_as_no_concern_follows_the_shorter_period(app):
    member = make_staff(Role.MEMBER)
    report = make_report()
    triage.triage(db.session, report, TriageDecision.NO_CONCERN, member, now=NOW - timedelta(days=91))
    kept = make_report()
    triage.triage(db.session, kept, TriageDecision.MONITOR, member, now=NOW - timedelta(days=91))
    assert purge().reports == 1
    assert db.session.execute(select(Report.id)).scalars().all() == [kept.id]


def test_purge_command_prints_and_audits_only_counts(app):
    case = closed_case(CaseOutcome.UNFOUNDED, closed_days_ago=100)
    with_photo(case.reports[0])
    result = CliRunner().invoke(app.cli, ["retention", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "deleted 1 case(s), 1 report(s), 1 file(s), 0 orphaned file(s)"
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "retention.purged")).scalar_one()
    assert entry.detail == "cases=1 reports=1 files=1"


def test_a_photo_no_report_refers_to_is_swept_but_a_fresh_one_is_left_alone(app):
    store = attachment_store(current_app.config)
    kept = with_photo(make_report())
    orphan, saving_now = store.new_name("jpg"), store.new_name("jpg")
    store.save(orphan, b"left by a server killed before its commit")
    store.save(saving_now, b"a report being saved right now")
    two_hours_ago = time.time() - 7200
    for name in (kept, orphan):
        os.utime(store.path(name), (two_hours_ago, two_hours_ago))
    assert purge().orphan_files == 1
    assert not store.path(orphan).exists()
    assert store.path(kept).exists() and store.path(saving_now).exists()
