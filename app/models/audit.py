"""The audit log: who viewed or changed what, and when. Append-only.

An entry names its subject by type and id, without a foreign key, so it outlives the report or
case it is about (retention deletes those). It never holds report content or personal data:
"note added", not the note.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.minutes import MinuteTime


class AuditLogIsAppendOnly(RuntimeError):
    pass


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(MinuteTime, index=True)
    staff_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The email at the time (or "command line"), so the entry reads the same later.
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(String(300), default="")


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewriting_history(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit entries are never changed or deleted")
