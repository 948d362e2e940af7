"""CSV exports of reports and of the audit log, safe to open in a spreadsheet."""
from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.audit import AuditEntry
from app.models.report import PublicStatus, Report

REPORT_COLUMNS = ["id", "received_at", "team_id", "kind", "danger_now", "still_happening", "description",
                  "involved", "location", "occurred_at", "place_code", "language", "channel", "public_status",
                  "triage_decision", "triaged_at", "case_id", "possibly_automated"]
AUDIT_COLUMNS = ["id", "at", "actor", "action", "subject_type", "subject_id", "detail"]
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection). Checked after
# NFKC, which folds the look-alikes spreadsheets also accept (fullwidth ＝＋－＠, small ﹦﹢﹣﹫) into
# these; the minus sign U+2212 has no such fold.
FORMULA_STARTS = ("=", "+", "-", "@", "\u2212")
# Control characters that start a formula (or hide one on the next line) even before those.
CONTROL_STARTS = ("\t", "\r", "\n")


def neutralise(value) -> str:
    """The cell as text, with a leading quote if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(getattr(value, "value", value))
    return "'" + text if _reads_as_formula(text) else text


def _reads_as_formula(text: str) -> bool:
    # Leading spaces (ideographic and no-break ones too) do not stop a spreadsheet from reading on.
    return text.startswith(CONTROL_STARTS) or unicodedata.normalize("NFKC", text).lstrip().startswith(FORMULA_STARTS)


@dataclass(frozen=True)
class ReportExport:
    since: date | None = None  # received on or after this day (UTC)
    until: date | None = None  # received on or before this day (UTC)
    status: PublicStatus | None = None
    team_ids: list[int] | None = None  # None: every team


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def reports_for_export(session: Session, wanted: ReportExport) -> list[Report]:
    query = select(Report).order_by(Report.id)
    if wanted.since:
        query = query.where(Report.received_at >= _start_of(wanted.since))
    if wanted.until:
        query = query.where(Report.received_at < _start_of(wanted.until + timedelta(days=1)))
    if wanted.status:
        query = query.where(Report.public_status == wanted.status)
    if wanted.team_ids is not None:
        query = query.where(Report.team_id.in_(wanted.team_ids))
    return list(session.execute(query).scalars())


def report_rows(session: Session, wanted: ReportExport) -> Iterator[list[str]]:
    yield REPORT_COLUMNS
    for report in reports_for_export(session, wanted):
        yield [neutralise(getattr(report, column)) for column in REPORT_COLUMNS]


def audit_rows(entries: Iterable[AuditEntry]) -> Iterator[list[str]]:
    yield AUDIT_COLUMNS
    for entry in entries:
        yield [neutralise(getattr(entry, column)) for column in AUDIT_COLUMNS]


def write_csv(rows: Iterable[list[str]], out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
