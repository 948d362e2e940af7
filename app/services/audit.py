"""Writing and reading the audit log. Callers say what happened in a few words, never the content."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.audit import AuditEntry
from app.models.staff import StaffUser
from app.services.clock import now_utc

COMMAND_LINE = "command line"



def record(session: Session, actor: StaffUser | None, action: str, subject_type: str,
           subject_id: int | None = None, detail: str = "", at: datetime | None = None) -> AuditEntry:
    """Add an entry to the session; it is saved with the change it describes (same commit)."""
    entry = AuditEntry(at=at or now_utc(), staff_id=actor.id if actor else None,
                       actor=actor.email if actor else COMMAND_LINE, action=action,
                       subject_type=subject_type, subject_id=subject_id, detail=detail[:300])
    session.add(entry)
    return entry


@dataclass(frozen=True)
class AuditFilter:
    subject_type: str | None = None
    subject_id: int | None = None
    staff_id: int | None = None


def entries(session: Session, wanted: AuditFilter = AuditFilter(), limit: int | None = 200) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if wanted.subject_type:
        query = query.where(AuditEntry.subject_type == wanted.subject_type)
    if wanted.subject_id is not None:
        query = query.where(AuditEntry.subject_id == wanted.subject_id)
    if wanted.staff_id is not None:
        query = query.where(AuditEntry.staff_id == wanted.staff_id)
    if limit:
        query = query.limit(limit)
    return list(session.execute(query).scalars())
