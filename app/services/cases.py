"""Cases, following behavioural threat assessment: open one about a person of concern, link the
reports about them, assess (prompts for judgement, never a score), manage the risk with referrals
and support, reassess on a date, close with an outcome, and reopen with a reason."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models.case import (Case, CaseAssessment, CaseNote, CaseOutcome, CasePriority, CaseReopening, CaseStatus,
                             CaseTask, Referral, ReferralKind)
from app.models.report import Report
from app.models.staff import Role, StaffUser
from app.services import audit
from app.services.clock import now_utc
from app.services.listing import KeysetPage, PageAt, SortKey, keyset_page

ASSESSMENT_PROMPTS = ("communicated_intent", "grievance", "violence_interest_or_weapons_access",
                      "planning_or_preparation", "stressors", "protective_factors", "support_in_place",
                      "judgement")


class CaseError(ValueError):
    """A change the case rules do not allow; `code` names the reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code



def can_see_case(staff: StaffUser, case: Case) -> bool:
    return staff.role == Role.ADMIN or case.team_id == staff.team_id


def open_case(session: Session, report: Report, person_of_concern: str, reassess_on: date | None,
              staff: StaffUser, priority: CasePriority = CasePriority.MEDIUM, now: datetime | None = None) -> Case:
    """A new case from a report, owned by whoever opened it."""
    if reassess_on is None:
        raise CaseError("reassessment_required")
    if report.case is not None:
        raise CaseError("report_in_other_case")
    case = Case(team_id=report.team_id, person_of_concern=person_of_concern.strip(), owner=staff,
                priority=priority, status=CaseStatus.OPEN, reassess_on=reassess_on, management_plan="",
                opened_at=now or now_utc())
    session.add(case)
    case.reports.append(report)
    session.flush()
    audit.record(session, staff, "case.opened", "case", case.id, f"from report {report.id}")
    audit.record(session, staff, "report.linked", "report", report.id, f"case={case.id}")
    session.commit()
    return case


def open_cases(session: Session, staff: StaffUser) -> list[Case]:
    query = select(Case).where(Case.status != CaseStatus.CLOSED).order_by(Case.id.desc())
    if staff.role != Role.ADMIN:
        query = query.where(Case.team_id == staff.team_id)
    return list(session.execute(query).scalars())


# The case list is newest first; its page links carry a case's number.
CASE_KEY = SortKey(int)


@dataclass(frozen=True)
class CaseList:
    page: KeysetPage  # of Case, each with its owner loaded
    report_counts: dict[int, int]  # case id -> reports linked; a case without any is absent


def cases_for(session: Session, staff: StaffUser, status: str | None = None, page_at: PageAt = PageAt()) -> CaseList:
    """A page of the cases the staff member may see, newest first, in a fixed number of queries."""
    query = select(Case).options(selectinload(Case.owner))
    if status == "open":
        query = query.where(Case.status != CaseStatus.CLOSED)
    elif status == "closed":
        query = query.where(Case.status == CaseStatus.CLOSED)
    if staff.role != Role.ADMIN:
        query = query.where(Case.team_id == staff.team_id)
    page = keyset_page(session, query, (Case.id,), lambda case: (case.id,), CASE_KEY, page_at)
    return CaseList(page, report_counts(session, [case.id for case in page.items]))


def report_counts(session: Session, case_ids: list[int]) -> dict[int, int]:
    """How many reports each case links, in one query for the lot."""
    if not case_ids:
        return {}
    return dict(session.execute(select(Report.case_id, func.count()).where(Report.case_id.in_(case_ids))
                                .group_by(Report.case_id)).all())


def record_view(session: Session, staff: StaffUser, case: Case) -> None:
    audit.record(session, staff, "case.viewed", "case", case.id)
    session.commit()


@dataclass(frozen=True)
class CaseDetails:
    owner: StaffUser | None
    priority: CasePriority
    status: CaseStatus
    reassess_on: date | None
    person_of_concern: str


def update_details(session: Session, case: Case, details: CaseDetails, staff: StaffUser) -> None:
    if details.status == CaseStatus.CLOSED:
        raise CaseError("close_with_outcome")  # closing goes through close_case, which asks why
    if not case.is_open:
        raise CaseError("case_closed")
    if details.reassess_on is None:
        raise CaseError("reassessment_required")
    changes = []
    for name in ("owner", "priority", "status", "reassess_on", "person_of_concern"):
        new = getattr(details, name)
        if getattr(case, name) != new:
            setattr(case, name, new)
            changes.append(name)
    if changes:
        audit.record(session, staff, "case.updated", "case", case.id, ", ".join(changes))
    session.commit()


def link_report(session: Session, case: Case, report: Report, staff: StaffUser) -> None:
    if report.case_id == case.id:
        return
    if report.case is not None:
        raise CaseError("report_in_other_case")  # merge the cases instead
    if report.team_id != case.team_id:
        raise CaseError("report_in_other_team")
    case.reports.append(report)
    audit.record(session, staff, "report.linked", "report", report.id, f"case={case.id}")
    audit.record(session, staff, "case.report_linked", "case", case.id, f"report={report.id}")
    session.commit()


def unlink_report(session: Session, case: Case, report: Report, staff: StaffUser) -> None:
    if report.case_id != case.id:
        return
    if len(case.reports) == 1:
        raise CaseError("last_report")  # a case is about reports: close it instead
    case.reports.remove(report)
    audit.record(session, staff, "report.unlinked", "report", report.id, f"case={case.id}")
    audit.record(session, staff, "case.report_unlinked", "case", case.id, f"report={report.id}")
    session.commit()


def merge(session: Session, keep: Case, duplicate: Case, staff: StaffUser) -> None:
    """Move everything from the duplicate into the case kept, then delete the duplicate."""
    if keep.id == duplicate.id:
        raise CaseError("same_case")
    if keep.team_id != duplicate.team_id:
        raise CaseError("report_in_other_team")
    for report in list(duplicate.reports):
        report.case = keep
    for collection in ("notes", "tasks", "assessments", "referrals", "reopenings"):
        for item in list(getattr(duplicate, collection)):
            item.case = keep
    audit.record(session, staff, "case.merged", "case", keep.id, f"case {duplicate.id} merged in")
    audit.record(session, staff, "case.merged_away", "case", duplicate.id, f"into case {keep.id}")
    session.delete(duplicate)
    session.commit()


def add_note(session: Session, case: Case, body: str, staff: StaffUser, now: datetime | None = None) -> CaseNote:
    note = CaseNote(author=staff, body=body.strip(), written_at=now or now_utc())
    case.notes.append(note)
    audit.record(session, staff, "case.note_added", "case", case.id)
    session.commit()
    return note


def add_task(session: Session, case: Case, title: str, due_on: date | None, staff: StaffUser) -> CaseTask:
    task = CaseTask(title=title.strip(), due_on=due_on)
    case.tasks.append(task)
    audit.record(session, staff, "case.task_added", "case", case.id)
    session.commit()
    return task


def complete_task(session: Session, task: CaseTask, staff: StaffUser, now: datetime | None = None) -> None:
    task.done_at = now or now_utc()
    audit.record(session, staff, "case.task_done", "case", task.case_id, f"task={task.id}")
    session.commit()


def record_assessment(session: Session, case: Case, answers: dict[str, str], staff: StaffUser,
                      now: datetime | None = None) -> CaseAssessment:
    """A new assessment each time, so the case keeps how the team's judgement changed."""
    assessment = CaseAssessment(assessed_by=staff, assessed_at=now or now_utc(),
                                **{prompt: (answers.get(prompt) or "").strip() for prompt in ASSESSMENT_PROMPTS})
    case.assessments.append(assessment)
    audit.record(session, staff, "case.assessed", "case", case.id)
    session.commit()
    return assessment


def set_management_plan(session: Session, case: Case, plan: str, staff: StaffUser) -> None:
    case.management_plan = plan.strip()
    audit.record(session, staff, "case.plan_updated", "case", case.id)
    session.commit()


def add_referral(session: Session, case: Case, kind: ReferralKind, note: str, staff: StaffUser,
                 now: datetime | None = None) -> Referral:
    referral = Referral(kind=kind, note=note.strip(), made_at=now or now_utc())
    case.referrals.append(referral)
    audit.record(session, staff, "case.referral_added", "case", case.id, f"kind={kind.value}")
    session.commit()
    return referral


def close_case(session: Session, case: Case, outcome: CaseOutcome | None, staff: StaffUser,
               now: datetime | None = None) -> None:
    if outcome is None:
        raise CaseError("outcome_required")
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.closed_at = now or now_utc()
    case.reassess_on = None
    audit.record(session, staff, "case.closed", "case", case.id, f"outcome={outcome.value}")
    session.commit()


def reopen_case(session: Session, case: Case, reason: str, reassess_on: date | None, staff: StaffUser,
                now: datetime | None = None) -> CaseReopening:
    """Open a closed case again, when new information comes or it was closed too soon. Like any
    open case it needs a reassessment date; the reason, and the closing it undoes, stay in the
    case's history (the audit log says only that it happened: the reason is case content)."""
    if case.is_open:
        raise CaseError("case_open")
    if not reason.strip():
        raise CaseError("reopen_reason_required")
    if reassess_on is None:
        raise CaseError("reassessment_required")
    now = now or now_utc()
    reopening = CaseReopening(reopened_by=staff, reopened_at=now, reason=reason.strip(), closed_at=case.closed_at,
                              closed_with_outcome=case.outcome)
    case.reopenings.append(reopening)
    case.status = CaseStatus.OPEN
    case.outcome = None
    case.closed_at = None
    case.reassess_on = reassess_on
    undone = reopening.closed_with_outcome.value if reopening.closed_with_outcome else "none"
    audit.record(session, staff, "case.reopened", "case", case.id, f"outcome was {undone}", at=now)
    session.commit()
    return reopening


class CaseEventKind(enum.StrEnum):
    OPENED = "opened"
    CLOSED = "closed"
    REOPENED = "reopened"


@dataclass(frozen=True)
class CaseEvent:
    """One line of a case's history."""

    kind: CaseEventKind
    at: datetime | None
    outcome: CaseOutcome | None = None  # for a closing
    reopening: CaseReopening | None = None


def history(case: Case) -> list[CaseEvent]:
    """Opened, then each closing and reopening in turn, then the current closing if it is closed."""
    events = [CaseEvent(CaseEventKind.OPENED, case.opened_at)]
    for reopening in case.reopenings:
        events.append(CaseEvent(CaseEventKind.CLOSED, reopening.closed_at, outcome=reopening.closed_with_outcome))
        events.append(CaseEvent(CaseEventKind.REOPENED, reopening.reopened_at, reopening=reopening))
    if not case.is_open:
        events.append(CaseEvent(CaseEventKind.CLOSED, case.closed_at, outcome=case.outcome))
    return events


@dataclass(frozen=True)
class Reassessments:
    overdue: list[Case]
    due: list[Case]  # today or within the horizon


def reassessments(session: Session, staff: StaffUser | None, today: date, horizon_days: int = 7) -> Reassessments:
    """Open cases whose reassessment date has passed, and those coming up soon."""
    query = (select(Case).where(Case.status != CaseStatus.CLOSED, Case.reassess_on.is_not(None),
                                Case.reassess_on <= today + timedelta(days=horizon_days))
             .order_by(Case.reassess_on, Case.id).options(joinedload(Case.owner)))
    if staff is not None and staff.role != Role.ADMIN:
        query = query.where(Case.team_id == staff.team_id)
    found = list(session.execute(query).scalars())
    return Reassessments(overdue=[c for c in found if c.reassess_on < today],
                         due=[c for c in found if c.reassess_on >= today])
