"""A case: the team's work about one person of concern, following behavioural threat assessment
(gather information, assess whether the person is on a path to violence, manage the risk with
support, reassess). It links the reports about that person."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.minutes import MinuteTime
from app.models.report import TriageDecision, _enum  # noqa: F401  (TriageDecision lives with Report)


class CasePriority(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class CaseStatus(enum.StrEnum):
    OPEN = "open"  # being assessed
    MANAGING = "managing"  # a management plan is being carried out
    CLOSED = "closed"


class CaseOutcome(enum.StrEnum):
    UNFOUNDED = "unfounded"  # no concern after all: the person's data is kept for a shorter time
    RESOLVED = "resolved"  # the concern was addressed; supports are in place
    REFERRED = "referred"  # handed to another service that now leads
    NO_LONGER_REACHABLE = "no_longer_reachable"  # moved away or out of the team's reach


class ReferralKind(enum.StrEnum):
    COUNSELLING = "counselling"
    MENTAL_HEALTH = "mental_health"
    SCHOOL_OR_WORKPLACE = "school_or_workplace"
    SOCIAL_SERVICES = "social_services"
    LAW_ENFORCEMENT = "law_enforcement"


class Case(db.Model):
    __tablename__ = "case_file"  # "case" is an SQL keyword

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    # Who the case is about, as the team knows them (a name, or "student in 9B").
    person_of_concern: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    priority: Mapped[CasePriority] = mapped_column(_enum(CasePriority), default=CasePriority.MEDIUM)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    # Required while the case is open (see services.cases): nobody is forgotten.
    reassess_on: Mapped[date | None] = mapped_column(Date, index=True)
    management_plan: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[CaseOutcome | None] = mapped_column(_enum(CaseOutcome))
    opened_at: Mapped[datetime] = mapped_column(MinuteTime)
    closed_at: Mapped[datetime | None] = mapped_column(MinuteTime)

    team = relationship("Team")
    owner = relationship("StaffUser")
    reports = relationship("Report", back_populates="case", order_by="Report.received_at")
    notes: Mapped[list[CaseNote]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                 order_by="CaseNote.id")
    tasks: Mapped[list[CaseTask]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                 order_by="CaseTask.due_on")
    assessments: Mapped[list[CaseAssessment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseAssessment.id")
    referrals: Mapped[list[Referral]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                     order_by="Referral.id")
    reopenings: Mapped[list[CaseReopening]] = relationship(back_populates="case", cascade="all, delete-orphan",
                                                           order_by="CaseReopening.id")

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def latest_assessment(self) -> CaseAssessment | None:
        return self.assessments[-1] if self.assessments else None


class CaseNote(db.Model):
    """A private note: never shown to the reporter."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(MinuteTime)

    case: Mapped[Case] = relationship(back_populates="notes")
    author = relationship("StaffUser")


class CaseTask(db.Model):
    __tablename__ = "case_task"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(MinuteTime)

    case: Mapped[Case] = relationship(back_populates="tasks")


class CaseAssessment(db.Model):
    """The team's answers to the assessment guide's prompts at one time. Judgement, not a score:
    there is deliberately no number here."""

    __tablename__ = "case_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    assessed_at: Mapped[datetime] = mapped_column(MinuteTime)
    communicated_intent: Mapped[str] = mapped_column(Text, default="")
    grievance: Mapped[str] = mapped_column(Text, default="")
    violence_interest_or_weapons_access: Mapped[str] = mapped_column(Text, default="")
    planning_or_preparation: Mapped[str] = mapped_column(Text, default="")
    stressors: Mapped[str] = mapped_column(Text, default="")
    protective_factors: Mapped[str] = mapped_column(Text, default="")
    support_in_place: Mapped[str] = mapped_column(Text, default="")
    judgement: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="assessments")
    assessed_by = relationship("StaffUser")


class Referral(db.Model):
    """Part of the management plan: support the person was referred to."""

    __tablename__ = "case_referral"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReferralKind] = mapped_column(_enum(ReferralKind))
    note: Mapped[str] = mapped_column(Text, default="")
    made_at: Mapped[datetime] = mapped_column(MinuteTime)

    case: Mapped[Case] = relationship(back_populates="referrals")


class CaseReopening(db.Model):
    """A closed case opened again, and why. The case itself holds only its current closing, so the
    closing this undid is kept here too: the case's history shows every one."""

    __tablename__ = "case_reopening"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    reopened_at: Mapped[datetime] = mapped_column(MinuteTime)
    reason: Mapped[str] = mapped_column(Text)
    # The closing that was undone.
    closed_at: Mapped[datetime | None] = mapped_column(MinuteTime)
    closed_with_outcome: Mapped[CaseOutcome | None] = mapped_column(_enum(CaseOutcome))

    case: Mapped[Case] = relationship(back_populates="reopenings")
    reopened_by = relationship("StaffUser")
