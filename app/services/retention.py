"""Retention: really deleting what the installation has promised not to keep.

Reports are kept REPORT_RETENTION_DAYS after their case closes (or after triage when no case was
opened); cases closed as unfounded, and reports triaged as no concern, only
UNFOUNDED_RETENTION_DAYS, to protect the person who was reported. A report nobody has triaged
is never deleted: it has not been read yet. What remains is an audit entry with counts.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models.case import Case, CaseOutcome, CaseStatus
from app.models.report import Attachment, Report, TriageDecision
from app.models.staff import Alert
from app.services import audit
from app.services.attachments import AttachmentStore


@dataclass(frozen=True)
class PurgeCounts:
    cases: int = 0
    reports: int = 0
    attachment_files: int = 0
    orphan_files: int = 0


# A report's photos are written just before its transaction commits: only files older than this
# can be orphans (left by a server killed between the two), never a report being saved right now.
ORPHAN_AGE_SECONDS = 3600


def _expired_cases(session: Session, now: datetime, unfounded_days: int, retention_days: int) -> list[Case]:
    closed = select(Case).where(Case.status == CaseStatus.CLOSED)
    unfounded = closed.where(Case.outcome == CaseOutcome.UNFOUNDED,
                             Case.closed_at <= now - timedelta(days=unfounded_days))
    others = closed.where(Case.outcome != CaseOutcome.UNFOUNDED,
                          Case.closed_at <= now - timedelta(days=retention_days))
    return [*session.execute(unfounded).scalars(), *session.execute(others).scalars()]


def _expired_reports_without_case(session: Session, now: datetime, unfounded_days: int,
                                  retention_days: int) -> list[Report]:
    triaged = select(Report).where(Report.case_id.is_(None), Report.triage_decision.is_not(None))
    no_concern = triaged.where(Report.triage_decision == TriageDecision.NO_CONCERN,
                               Report.triaged_at <= now - timedelta(days=unfounded_days))
    others = triaged.where(Report.triage_decision != TriageDecision.NO_CONCERN,
                           Report.triaged_at <= now - timedelta(days=retention_days))
    return [*session.execute(no_concern).scalars(), *session.execute(others).scalars()]


def purge(session: Session, store: AttachmentStore, now: datetime, unfounded_days: int,
          retention_days: int) -> PurgeCounts:
    cases = _expired_cases(session, now, unfounded_days, retention_days)
    reports = [report for case in cases for report in case.reports]
    reports += _expired_reports_without_case(session, now, unfounded_days, retention_days)
    files = [attachment.stored_name for report in reports for attachment in report.attachments]
    report_ids = [report.id for report in reports]
    if report_ids:
        session.execute(delete(Alert).where(Alert.report_id.in_(report_ids)))
    for report in reports:
        session.delete(report)
    for case in cases:
        session.delete(case)
    counts = PurgeCounts(cases=len(cases), reports=len(reports),
                         attachment_files=sum(store.exists(name) for name in files))
    audit.record(session, None, "retention.purged", "retention", None,
                 f"cases={counts.cases} reports={counts.reports} files={counts.attachment_files}", at=now)
    session.commit()
    # Files go after the commit: a failed commit must not leave records pointing at nothing.
    for name in files:
        store.delete(name)
    return replace(counts, orphan_files=sweep_orphans(session, store))


def sweep_orphans(session: Session, store: AttachmentStore) -> int:
    """Delete files no report refers to, so a photo never outlives the retention promise."""
    referenced = set(session.execute(select(Attachment.stored_name)).scalars())
    orphans = store.names_older_than(ORPHAN_AGE_SECONDS) - referenced
    for name in orphans:
        store.delete(name)
    return len(orphans)
