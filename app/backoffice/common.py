"""Helpers shared by the back-office views: loading what the signed-in person may see."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models.case import Case
from app.models.report import Report
from app.services.cases import can_see_case
from app.services.triage import can_see_report


def visible_report(report_id: int) -> Report:
    """The report, or 404 (not 403) if it belongs to another team: its existence is not shared."""
    report = db.session.get(Report, report_id)
    if report is None or not can_see_report(current_user, report):
        abort(404)
    return report


def visible_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not can_see_case(current_user, case):
        abort(404)
    return case


def back_to_report(report: Report, message: str | None = None):
    if message:
        flash(message, "info")
    return redirect(url_for("backoffice.report", report_id=report.id))


def back_to_case(case: Case, message: str | None = None, anchor: str | None = None):
    if message:
        flash(message, "info")
    return redirect(url_for("backoffice.case", case_id=case.id, _anchor=anchor))


def form_problem(form) -> str:
    """The first error of a form posted from a page that shows several forms."""
    for errors in form.errors.values():
        if errors:
            return str(errors[0])
    return _("Please check the form.")


def valid_filters(form) -> None:
    """Check a list page's filters (its GET form). A value the form refuses (a kind that does not
    exist, a page that is not a number) stops the request with a 400 showing the form's own
    messages: never a 500, and never a list silently filtered some other way."""
    if form.validate():
        return
    page = render_template("backoffice/bad_filters.html", form=form, unfiltered=url_for(request.endpoint,
                                                                                         **request.view_args))
    abort(make_response(page, 400))
