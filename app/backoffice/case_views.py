"""Cases: the list, one case with its reports, notes, tasks, assessment, plan, closing and
reopening, and the list of due and overdue reassessments."""
from __future__ import annotations

from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.backoffice import bp, labels
from app.backoffice.access import requires
from app.backoffice.common import back_to_case, form_problem, valid_filters, visible_case, visible_report
from app.backoffice.forms import (AssessmentForm, CaseDetailsForm, CaseListFilterForm, CloseCaseForm,
                                  LinkReportForm, MergeForm, NoteForm, PlanForm, ReferralForm, ReopenCaseForm,
                                  TaskForm)
from app.backoffice.report_views import case_error_message, page_at
from app.extensions import db
from app.models.case import CaseOutcome, CasePriority, CaseStatus, CaseTask, ReferralKind
from app.models.report import Report
from app.models.staff import Role, StaffUser
from app.services import cases


def _team_staff(team_id: int) -> list[StaffUser]:
    return list(db.session.execute(select(StaffUser).where(StaffUser.team_id == team_id, StaffUser.active.is_(True),
                                                           StaffUser.role != Role.TRANSLATOR,
                                                           StaffUser.role != Role.VIEWER)
                                   .order_by(StaffUser.email)).scalars())


def _details_form(case) -> CaseDetailsForm:
    form = CaseDetailsForm(obj=case) if request.method == "GET" else CaseDetailsForm()
    if request.method == "GET":
        form.owner_id.data = case.owner_id or 0
        form.priority.data = case.priority.value
        form.status.data = case.status.value if case.is_open else CaseStatus.OPEN.value
    form.owner_id.choices = labels.options([(0, _("Nobody"))] + [(s.id, s.email) for s in _team_staff(case.team_id)])
    return form


@bp.get("/cases")
@requires(Role.VIEWER)
def case_list():
    form = CaseListFilterForm(request.args)
    valid_filters(form)
    status = form.status.data
    found = cases.cases_for(db.session, current_user, status if status in ("open", "closed") else None,
                            page_at(form))
    return render_template("backoffice/cases.html", cases=found.page.items, page=found.page,
                           report_counts=found.report_counts, status=status, today=date.today())


@bp.get("/cases/<int:case_id>")
@requires(Role.VIEWER)
def case(case_id: int):
    case = visible_case(case_id)
    cases.record_view(db.session, current_user, case)
    latest = case.latest_assessment
    return render_template(
        "backoffice/case.html", case=case, today=date.today(), details_form=_details_form(case),
        link_form=LinkReportForm(), merge_form=MergeForm(), note_form=NoteForm(), task_form=TaskForm(),
        assessment_form=AssessmentForm(obj=latest), plan_form=PlanForm(obj=case), referral_form=ReferralForm(),
        close_form=CloseCaseForm(), prompts=cases.ASSESSMENT_PROMPTS, history=cases.history(case))


@bp.post("/cases/<int:case_id>/details")
@requires(Role.MEMBER)
def case_details(case_id: int):
    case = visible_case(case_id)
    form = _details_form(case)
    if not form.validate():
        return back_to_case(case, form_problem(form))
    owner = db.session.get(StaffUser, form.owner_id.data) if form.owner_id.data else None
    details = cases.CaseDetails(owner=owner, priority=CasePriority(form.priority.data),
                                status=CaseStatus(form.status.data), reassess_on=form.reassess_on.data,
                                person_of_concern=form.person_of_concern.data)
    try:
        cases.update_details(db.session, case, details, current_user)
    except cases.CaseError as error:
        return back_to_case(case, case_error_message(error))
    return back_to_case(case, _("Case saved."))


@bp.post("/cases/<int:case_id>/reports")
@requires(Role.MEMBER)
def case_link_report(case_id: int):
    case = visible_case(case_id)
    form = LinkReportForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "reports")
    report = db.session.get(Report, form.report_id.data)
    if report is None or not cases.can_see_case(current_user, case) or report.team_id != case.team_id:
        return back_to_case(case, _("There is no report %(number)s for this team.", number=form.report_id.data),
                            "reports")
    try:
        cases.link_report(db.session, case, report, current_user)
    except cases.CaseError as error:
        return back_to_case(case, case_error_message(error), "reports")
    return back_to_case(case, _("Report linked."), "reports")


@bp.post("/cases/<int:case_id>/reports/<int:report_id>/unlink")
@requires(Role.MEMBER)
def case_unlink_report(case_id: int, report_id: int):
    case = visible_case(case_id)
    report = visible_report(report_id)
    try:
        cases.unlink_report(db.session, case, report, current_user)
    except cases.CaseError as error:
        return back_to_case(case, case_error_message(error), "reports")
    return back_to_case(case, _("Report unlinked."), "reports")


@bp.post("/cases/<int:case_id>/merge")
@requires(Role.LEAD)
def case_merge(case_id: int):
    case = visible_case(case_id)
    form = MergeForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "reports")
    duplicate = visible_case(form.duplicate_id.data)
    try:
        cases.merge(db.session, case, duplicate, current_user)
    except cases.CaseError as error:
        return back_to_case(case, case_error_message(error), "reports")
    return back_to_case(case, _("Case %(number)s merged into this one.", number=form.duplicate_id.data), "reports")


@bp.post("/cases/<int:case_id>/notes")
@requires(Role.MEMBER)
def case_note(case_id: int):
    case = visible_case(case_id)
    form = NoteForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "notes")
    cases.add_note(db.session, case, form.body.data, current_user)
    return back_to_case(case, _("Note added."), "notes")


@bp.post("/cases/<int:case_id>/tasks")
@requires(Role.MEMBER)
def case_task(case_id: int):
    case = visible_case(case_id)
    form = TaskForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "tasks")
    cases.add_task(db.session, case, form.title.data, form.due_on.data, current_user)
    return back_to_case(case, _("Task added."), "tasks")


@bp.post("/cases/<int:case_id>/tasks/<int:task_id>/done")
@requires(Role.MEMBER)
def case_task_done(case_id: int, task_id: int):
    case = visible_case(case_id)
    task = db.session.get(CaseTask, task_id)
    if task is None or task.case_id != case.id:
        return back_to_case(case, _("There is no such task."), "tasks")
    cases.complete_task(db.session, task, current_user)
    return back_to_case(case, _("Task done."), "tasks")


@bp.post("/cases/<int:case_id>/assessment")
@requires(Role.MEMBER)
def case_assessment(case_id: int):
    case = visible_case(case_id)
    form = AssessmentForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "assessment")
    cases.record_assessment(db.session, case, {p: getattr(form, p).data for p in cases.ASSESSMENT_PROMPTS},
                            current_user)
    return back_to_case(case, _("Assessment saved."), "assessment")


@bp.post("/cases/<int:case_id>/plan")
@requires(Role.MEMBER)
def case_plan(case_id: int):
    case = visible_case(case_id)
    form = PlanForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "plan")
    cases.set_management_plan(db.session, case, form.management_plan.data or "", current_user)
    return back_to_case(case, _("Plan saved."), "plan")


@bp.post("/cases/<int:case_id>/referrals")
@requires(Role.MEMBER)
def case_referral(case_id: int):
    case = visible_case(case_id)
    form = ReferralForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "plan")
    cases.add_referral(db.session, case, ReferralKind(form.kind.data), form.note.data or "", current_user)
    return back_to_case(case, _("Referral added."), "plan")


@bp.post("/cases/<int:case_id>/close")
@requires(Role.MEMBER)
def case_close(case_id: int):
    case = visible_case(case_id)
    form = CloseCaseForm()
    if not form.validate():
        return back_to_case(case, form_problem(form), "close")
    cases.close_case(db.session, case, CaseOutcome(form.outcome.data), current_user)
    return back_to_case(case, _("Case closed."))


# A page of its own (not one more form on the case page), so that a refused reopening shows its
# errors beside the fields and keeps the reason as typed.
@bp.route("/cases/<int:case_id>/reopen", methods=["GET", "POST"])
@requires(Role.MEMBER)  # whoever may close a case may reopen it
def case_reopen(case_id: int):
    case = visible_case(case_id)
    if case.is_open:
        return redirect(url_for("backoffice.case", case_id=case.id))
    form = ReopenCaseForm()
    if form.validate_on_submit():
        try:
            cases.reopen_case(db.session, case, form.reason.data, form.reassess_on.data, current_user)
        except cases.CaseError as error:
            return back_to_case(case, case_error_message(error))
        return back_to_case(case, _("Case reopened."), "history")
    status = 422 if request.method == "POST" else 200
    return render_template("backoffice/case_reopen.html", case=case, form=form), status


@bp.get("/reassessments")
@requires(Role.VIEWER)
def reassessments():
    today = date.today()
    found = cases.reassessments(db.session, current_user, today)
    # Statewide, an admin's list runs to a couple of thousand rows: each row's words and link are
    # filled in from a pattern looked up once, not translated and routed row by row.
    return render_template("backoffice/reassessments.html", found=found, today=today,
                           case_number=_("Case #%(number)s"),
                           case_path=url_for("backoffice.case", case_id=0).removesuffix("0"))

