"""A report of concern, its photos, and the messages between the reporter and the team."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, SmallInteger, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.minutes import MinuteTime


class ConcernKind(enum.StrEnum):
    THREAT = "threat"
    ONLINE = "online"
    WEAPONS = "weapons"
    SELF_HARM = "self_harm"
    OTHER = "other"


class DangerNow(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


class Channel(enum.StrEnum):
    WEB_FORM = "web_form"  # the form posted without JavaScript
    APP = "app"  # sent by the page's queue straight away
    OFFLINE_SYNC = "offline_sync"  # sent by the queue after waiting on the phone


class PublicStatus(enum.StrEnum):
    """What the reporter sees on the status page; no details of any investigation."""

    RECEIVED = "received"
    REVIEWING = "reviewing"
    ACTION_TAKEN = "action_taken"
    CLOSED = "closed"


class TriageDecision(enum.StrEnum):
    """The back office's first decision about a report."""

    NO_CONCERN = "no_concern"
    MONITOR = "monitor"
    OPEN_CASE = "open_case"
    EMERGENCY_REFERRAL = "emergency_referral"  # emergency services were called


class Urgency(enum.IntEnum):
    ROUTINE = 0
    URGENT = 1  # weapons, self-harm, or still happening
    DANGER_NOW = 2  # the reporter said someone is in danger right now


URGENT_KINDS = (ConcernKind.WEAPONS, ConcernKind.SELF_HARM)


def urgency_of(danger_now: str, kind: str, still_happening: bool | None) -> Urgency:
    """How urgent a report is from what the reporter said (app.services.triage.urgency)."""
    if DangerNow(danger_now) == DangerNow.YES:
        return Urgency.DANGER_NOW
    if ConcernKind(kind) in URGENT_KINDS or still_happening:
        return Urgency.URGENT
    return Urgency.ROUTINE


def _urgency_on_insert(context) -> int:
    # A column default rather than a line in submit_report: every insert gets it, the bulk
    # inserts of bench/staff_seed.py included. The words it is drawn from never change after
    # submission, so the stored value stays right.
    row = context.get_current_parameters()
    return int(urgency_of(row["danger_now"], row["kind"], row.get("still_happening")))


# The intake queue's order (app/services/triage.py intake_queue), newest first within each urgency.
QUEUE_ORDER = ("urgency", "received_at", "id")
QUEUE_FILTERS = ("team_id", "kind", "channel", "language", "place_code")
UNTRIAGED = "triage_decision IS NULL"


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, validate_strings=True, length=20,
                values_callable=lambda members: [m.value for m in members])


class Report(db.Model):
    __tablename__ = "report"
    __table_args__ = (
        # The dashboard counts from these columns alone: an index holding them all is read instead
        # of 100,000 whole rows with their text (see app/services/dashboard.py).
        Index("ix_report_dashboard_counts", "team_id", "kind", "channel", "triage_decision", "place_code"),
        Index("ix_report_triage_time", "team_id", "first_triaged_at", "received_at"),
        # The queue reads a page of 25 straight from these in its order, from any point of it (its
        # links carry the last row's key, never an OFFSET): the default view (new reports) of one
        # team or all of them from the partial ones, any other view from the first. The partial
        # ones also hold the filters' columns, so that counting the new reports of a kind reads
        # no row.
        Index("ix_report_queue", *QUEUE_ORDER),
        Index("ix_report_queue_new", *QUEUE_ORDER, *QUEUE_FILTERS, sqlite_where=text(UNTRIAGED),
              postgresql_where=text(UNTRIAGED)),
        Index("ix_report_queue_new_by_team", "team_id", *QUEUE_ORDER, *QUEUE_FILTERS[1:],
              sqlite_where=text(UNTRIAGED), postgresql_where=text(UNTRIAGED)),
        # The queue's language filter lists the languages in use from this, not from every row.
        Index("ix_report_language", "language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The client's UUID: a retry of the same report carries the same one.
    public_id: Mapped[str] = mapped_column(String(36), unique=True)
    # Keyed hash of the receipt code (see services.receipts); the code itself is never stored.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Hash of the normalised content, so a replay is recognised by content, not bytes.
    content_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ConcernKind] = mapped_column(_enum(ConcernKind))
    description: Mapped[str] = mapped_column(Text)
    danger_now: Mapped[DangerNow] = mapped_column(_enum(DangerNow))
    involved: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(Text, default="")
    occurred_at: Mapped[str] = mapped_column(String(20), default="")
    still_happening: Mapped[bool] = mapped_column(Boolean, default=False)
    # Urgency (see urgency_of), stored so that the queue's index can hold its order.
    urgency: Mapped[int] = mapped_column(SmallInteger, default=_urgency_on_insert)
    contact: Mapped[str] = mapped_column(Text, default="")
    place_code: Mapped[str | None] = mapped_column(String(16), index=True)
    language: Mapped[str] = mapped_column(String(12))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    # The form's hidden honeypot field was filled in: a bot, most likely, or a browser's autofill.
    # Kept and shown to the team rather than dropped, because a real report may look like this.
    possibly_automated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    public_status: Mapped[PublicStatus] = mapped_column(_enum(PublicStatus), default=PublicStatus.RECEIVED)
    # Rounded down to the minute: exact times could link a report to a person's movements.
    received_at: Mapped[datetime] = mapped_column(MinuteTime, index=True)
    # The back office's columns (see app/models/staff.py and case.py); set after submission.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="SET NULL"), index=True)
    triage_decision: Mapped[TriageDecision | None] = mapped_column(_enum(TriageDecision))
    triaged_at: Mapped[datetime | None] = mapped_column(MinuteTime)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    # Kept when a decision is revised: the dashboard measures time to the first look.
    first_triaged_at: Mapped[datetime | None] = mapped_column(MinuteTime)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="Attachment.position"
    )
    messages: Mapped[list[ReportMessage]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportMessage.id"
    )
    team = relationship("Team")
    case = relationship("Case", back_populates="reports")
    triaged_by = relationship("StaffUser")


class Attachment(db.Model):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # File name in the attachment store: random, never the uploaded name.
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    media_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)

    report: Mapped[Report] = relationship(back_populates="attachments")


class MessageAuthor(enum.StrEnum):
    TEAM = "team"
    REPORTER = "reporter"


class ReportMessage(db.Model):
    __tablename__ = "report_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"), index=True)
    author: Mapped[MessageAuthor] = mapped_column(_enum(MessageAuthor))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(MinuteTime)
    # The language of the status page the reporter answered from, which may not be the report's:
    # the team reads the answer in it. None for the team's own messages and for older answers.
    language: Mapped[str | None] = mapped_column(String(12))

    report: Mapped[Report] = relationship(back_populates="messages")
