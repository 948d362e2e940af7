"""Intake: the queue of reports, one report, its triage, and talking to its reporter."""
from __future__ import annotations

import io
from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.backoffice import bp, labels
from app.backoffice.access import requires
from app.backoffice.common import back_to_case, back_to_report, form_problem, valid_filters, visible_report
from app.backoffice.display import language_label, place_label
from app.backoffice.forms import (LinkToCaseForm, MessageForm, PublicStatusForm, QueueFilterForm,
                                  TransferForm, TriageForm)
from app.errors import log_unavailable
from app.extensions import db
from app.models.case import Case
from app.models.report import Attachment, PublicStatus, TriageDecision
from app.models.staff import Role, Team
from app.services import audit, cases, triage
from app.services.attachments import AttachmentStoreUnavailable, attachment_store
from app.services.listing import PageAt
from app.services.staff import all_teams

DEFAULT_REASSESSMENT_DAYS = 7


def page_at(form) -> PageAt:
    """Which page a long list's links asked for (their after, before and last; see
    templates/backoffice/_macros.html keyset_pager)."""
    return PageAt(after=form.after.data or None, before=form.before.data or None, last=bool(form.last.data))


def _queue_filter_form() -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    any_ = [("", _("Any"))]
    form.language.choices = labels.options(any_ + [(code, language_label(code))
                                                   for code in triage.languages_in_use(db.session)])
    form.place.choices = labels.options(any_ + [(code, place_label(code)) for code in triage.places_in_use(db.session)])
    form.team.choices = labels.options(any_ + [(str(team.id), team.name) for team in all_teams(db.session)])
    return form


@bp.get("/")
@requires(Role.VIEWER)
def queue():
    form = _queue_filter_form()
    valid_filters(form)
    wanted = triage.QueueFilter(
        state=form.state.data or "new", kind=form.kind.data or None, channel=form.channel.data or None,
        language=form.language.data or None, place_code=form.place.data or None,
        team_id=int(form.team.data) if form.team.data else None,
        search=form.q.data or None, page_at=page_at(form))
    page = triage.intake_queue(db.session, current_user, wanted)
    return render_template("backoffice/queue.html", form=form, page=page, today=date.today())


@bp.get("/reports/<int:report_id>")
@requires(Role.VIEWER)
def report(report_id: int):
    report = visible_report(report_id)
    triage.record_view(db.session, current_user, report)
    triage_form = TriageForm(reassess_on=date.today() + timedelta(days=DEFAULT_REASSESSMENT_DAYS))
    link_form = LinkToCaseForm()
    link_form.case_id.choices = labels.options([(case.id, f"#{case.id} {case.person_of_concern}")
                                 for case in cases.open_cases(db.session, current_user)])
    transfer_form = TransferForm()
    transfer_form.team_id.choices = labels.options([(team.id, team.name) for team in all_teams(db.session)
                                     if team.id != report.team_id])
    return render_template("backoffice/report.html", report=report, alert=triage.alert_for(db.session, report),
                           triage_form=triage_form, link_form=link_form, transfer_form=transfer_form,
                           message_form=MessageForm(), status_form=PublicStatusForm(status=report.public_status.value))


@bp.get("/attachments/<int:attachment_id>")
@requires(Role.VIEWER)
def attachment(attachment_id: int):
    found = db.session.get(Attachment, attachment_id)
    if found is None:
        abort(404)
    visible_report(found.report_id)
    audit.record(db.session, current_user, "report.attachment_viewed", "report", found.report_id,
                 f"attachment={found.id}")
    db.session.commit()
    try:
        photo = attachment_store(current_app.config).read(found.stored_name)
    except FileNotFoundError:
        abort(404)
    except AttachmentStoreUnavailable as error:
        log_unavailable(error)
        abort(503)
    # A stored name never gets other bytes, so it serves as the ETag. Cache-Control: no-store
    # comes from the back office's private_headers.
    return send_file(io.BytesIO(photo), mimetype=found.media_type, download_name=found.stored_name,
                     etag=found.stored_name, max_age=0)


@bp.post("/reports/<int:report_id>/triage")
@requires(Role.MEMBER)
def triage_report(report_id: int):
    report = visible_report(report_id)
    form = TriageForm()
    if not form.validate():
        return back_to_report(report, form_problem(form))
    decision = TriageDecision(form.decision.data)
    if decision == TriageDecision.OPEN_CASE and report.case is None:
        if form.reassess_on.data is None:
            return back_to_report(report, _("A new case needs a reassessment date."))
        triage.triage(db.session, report, decision, current_user)
        person = form.person_of_concern.data or _("Person of concern in report #%(number)s", number=report.id)
        case = cases.open_case(db.session, report, person, form.reassess_on.data, current_user)
        return back_to_case(case, _("Case opened."))
    triage.triage(db.session, report, decision, current_user)
    return back_to_report(report, _("Decision recorded."))


@bp.post("/reports/<int:report_id>/acknowledge")
@requires(Role.MEMBER)
def acknowledge(report_id: int):
    report = visible_report(report_id)
    triage.acknowledge_alert(db.session, report, current_user)
    db.session.commit()
    return back_to_report(report, _("Alert acknowledged: it will not be escalated."))


@bp.post("/reports/<int:report_id>/case")
@requires(Role.MEMBER)
def link_to_case(report_id: int):
    report = visible_report(report_id)
    form = LinkToCaseForm()
    form.case_id.choices = labels.options([(case.id, str(case.id))
                                           for case in cases.open_cases(db.session, current_user)])
    if not form.validate():
        return back_to_report(report, form_problem(form))
    case = db.session.get(Case, form.case_id.data)
    try:
        cases.link_report(db.session, case, report, current_user)
    except cases.CaseError as error:
        return back_to_report(report, case_error_message(error))
    return back_to_case(case, _("Report linked."))


@bp.post("/reports/<int:report_id>/message")
@requires(Role.MEMBER)
def message_reporter(report_id: int):
    report = visible_report(report_id)
    form = MessageForm()
    if not form.validate():
        return back_to_report(report, form_problem(form))
    triage.send_team_message(db.session, report, form.body.data, current_user)
    return back_to_report(report, _("Message sent. The reporter sees it when they check their report."))


@bp.post("/reports/<int:report_id>/public-status")
@requires(Role.MEMBER)
def set_public_status(report_id: int):
    report = visible_report(report_id)
    form = PublicStatusForm()
    if not form.validate():
        return back_to_report(report, form_problem(form))
    triage.set_public_status(db.session, report, PublicStatus(form.status.data), current_user)
    return back_to_report(report, _("Status updated."))


@bp.post("/reports/<int:report_id>/transfer")
@requires(Role.LEAD)
def transfer(report_id: int):
    report = visible_report(report_id)
    form = TransferForm()
    form.team_id.choices = labels.options([(team.id, team.name) for team in all_teams(db.session)])
    if not form.validate():
        return back_to_report(report, form_problem(form))
    team = db.session.get(Team, form.team_id.data)
    try:
        triage.transfer(db.session, report, team, current_user)
    except ValueError:
        return back_to_report(report, _("Unlink the report from its case before transferring it."))
    flash(_("Report transferred to %(team)s.", team=team.name), "info")
    if triage.can_see_report(current_user, report):
        return back_to_report(report)
    return redirect(url_for("backoffice.queue"))


def case_error_message(error: cases.CaseError) -> str:
    messages = {
        "reassessment_required": _("An open case needs a reassessment date."),
        "report_in_other_case": _("That report is already in another case. Merge the two cases instead."),
        "report_in_other_team": _("That report belongs to another team."),
        "last_report": _("A case keeps at least one report. Close the case instead."),
        "same_case": _("That is this case."),
        "outcome_required": _("Choose an outcome to close the case."),
        "close_with_outcome": _("Close the case with the closing form, which asks for the outcome."),
        "case_closed": _("This case is closed."),
    }
    return messages.get(error.code, _("That change is not possible."))
