"""Administration: staff accounts, teams and routing, the audit log; and the leads' CSV export."""
from __future__ import annotations

import io
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.backoffice import bp, labels
from app.backoffice.access import requires, sign_in_throttle
from app.backoffice.common import form_problem, valid_filters
from app.backoffice.forms import (AuditFilterForm, ExportForm, InviteForm, OnCallForm, RoleForm,
                                  RoutingRuleForm, StaffTeamForm, TeamForm)
from app.extensions import db
from app.models.report import PublicStatus
from app.models.staff import Role, RoutingRule, StaffUser, Team
from app.public_address import public_url_for
from app.services import audit, exports, triage
from app.services import staff as accounts
from app.services.clock import now_utc
from app.services.mail import send_email

STAFF_ERRORS = {
    "email_taken": _l("There is already an account with this email."),
    "email_invalid": _l("Enter a valid email address."),
    "last_admin": _l("There must always be at least one active admin."),
    "team_exists": _l("There is already a team with this name."),
}


def _staff_error(error: accounts.StaffError) -> str:
    return str(STAFF_ERRORS.get(error.code, _l("That change is not possible.")))


def _team_choices() -> list[tuple[int, str]]:
    return [(team.id, team.name) for team in accounts.all_teams(db.session)]


def _staff_member(staff_id: int) -> StaffUser:
    staff = db.session.get(StaffUser, staff_id)
    if staff is None:
        abort(404)
    return staff


def _back_to_people(message: str | None = None):
    if message:
        flash(message, "info")
    return redirect(url_for("backoffice.people"))


@bp.get("/people")
@requires(Role.ADMIN)
def people():
    invite_form = InviteForm()
    invite_form.team_id.choices = labels.options(_team_choices())
    everyone = accounts.all_staff(db.session)
    now, throttle = now_utc(), sign_in_throttle()
    slowed = {person.id for person in everyone if throttle.account(person.email).wait(now)}
    return render_template("backoffice/people.html", people=everyone, slowed=slowed, invite_form=invite_form,
                           team_choices=_team_choices())


def _send_invitation(email: str, link: str) -> bool:
    try:
        send_email(email, _("Your Noticed back-office account"),
                   _("You are invited to the prevention team's back office. Choose a password here "
                     "(the link works for 3 days):") + "\n\n" + link)
    except Exception:  # noqa: BLE001 (the admin is shown the link to pass on another way)
        current_app.logger.warning("invitation email could not be sent")
        return False
    return True


@bp.post("/people/invite")
@requires(Role.ADMIN)
def invite():
    form = InviteForm()
    form.team_id.choices = labels.options(_team_choices())
    if not form.validate():
        return _back_to_people(form_problem(form))
    try:
        staff, token = accounts.invite(db.session, form.email.data, Role(form.role.data),
                                       db.session.get(Team, form.team_id.data), current_user)
    except accounts.StaffError as error:
        return _back_to_people(_staff_error(error))
    link = public_url_for("backoffice.accept_invite", token=token)
    sent = _send_invitation(staff.email, link)
    return render_template("backoffice/invited.html", staff=staff, link=link, sent=sent)


@bp.post("/people/<int:staff_id>/role")
@requires(Role.ADMIN)
def change_role(staff_id: int):
    staff = _staff_member(staff_id)
    form = RoleForm()
    if not form.validate():
        return _back_to_people(form_problem(form))
    try:
        accounts.change_role(db.session, staff, Role(form.role.data), current_user)
    except accounts.StaffError as error:
        return _back_to_people(_staff_error(error))
    return _back_to_people(_("Role changed for %(email)s.", email=staff.email))


@bp.post("/people/<int:staff_id>/team")
@requires(Role.ADMIN)
def change_team(staff_id: int):
    staff = _staff_member(staff_id)
    form = StaffTeamForm()
    form.team_id.choices = labels.options(_team_choices())
    if not form.validate():
        return _back_to_people(form_problem(form))
    accounts.move_to_team(db.session, staff, db.session.get(Team, form.team_id.data), current_user)
    return _back_to_people(_("Team changed for %(email)s.", email=staff.email))


@bp.post("/people/<int:staff_id>/on-call")
@requires(Role.ADMIN)
def change_on_call(staff_id: int):
    staff = _staff_member(staff_id)
    form = OnCallForm()
    if not form.validate():
        return _back_to_people(form_problem(form))
    accounts.set_on_call_position(db.session, staff, form.position.data, current_user)
    return _back_to_people(_("On-call rota changed."))


@bp.post("/people/<int:staff_id>/disable")
@requires(Role.ADMIN)
def disable(staff_id: int):
    staff = _staff_member(staff_id)
    try:
        accounts.set_active(db.session, staff, False, current_user)
    except accounts.StaffError as error:
        return _back_to_people(_staff_error(error))
    return _back_to_people(_("%(email)s can no longer sign in.", email=staff.email))


@bp.post("/people/<int:staff_id>/enable")
@requires(Role.ADMIN)
def enable(staff_id: int):
    staff = _staff_member(staff_id)
    accounts.set_active(db.session, staff, True, current_user)
    return _back_to_people(_("%(email)s can sign in again.", email=staff.email))


@bp.post("/people/<int:staff_id>/unlock")
@requires(Role.ADMIN)
def unlock(staff_id: int):
    """Lift the wait that failed sign-ins put on an account (failures never lock one)."""
    staff = _staff_member(staff_id)
    accounts.let_try_again(db.session, staff, sign_in_throttle(), current_user)
    return _back_to_people(_("%(email)s can try to sign in again now.", email=staff.email))


@bp.post("/people/<int:staff_id>/reset-two-factor")
@requires(Role.ADMIN)
def reset_two_factor(staff_id: int):
    staff = _staff_member(staff_id)
    accounts.reset_two_factor(db.session, staff, current_user)
    return _back_to_people(_("%(email)s will set up two-step sign-in again at the next sign-in.", email=staff.email))


# Teams and routing -------------------------------------------------------------------------

@bp.get("/teams")
@requires(Role.ADMIN)
def teams():
    rule_form = RoutingRuleForm()
    rule_form.team_id.choices = labels.options(_team_choices())
    accounts.default_team(db.session)
    db.session.commit()
    return render_template("backoffice/teams.html", teams=accounts.all_teams(db.session),
                           rules=triage.routing_rules(db.session), team_form=TeamForm(), rule_form=rule_form)


@bp.post("/teams")
@requires(Role.ADMIN)
def add_team():
    form = TeamForm()
    if form.validate():
        try:
            accounts.create_team(db.session, form.name.data, actor=current_user)
            flash(_("Team added."), "info")
        except accounts.StaffError as error:
            flash(_staff_error(error), "info")
    else:
        flash(form_problem(form), "info")
    return redirect(url_for("backoffice.teams"))


@bp.post("/teams/routes")
@requires(Role.ADMIN)
def add_route():
    form = RoutingRuleForm()
    form.team_id.choices = labels.options(_team_choices())
    if not form.validate() or not (form.place_code.data or form.area.data):
        flash(_("Give a place code or an area.") if form.validate() else form_problem(form), "info")
        return redirect(url_for("backoffice.teams"))
    triage.set_routing_rule(db.session, db.session.get(Team, form.team_id.data), current_user,
                            place_code=form.place_code.data, area=form.area.data)
    flash(_("Routing saved."), "info")
    return redirect(url_for("backoffice.teams"))


@bp.post("/teams/routes/<int:rule_id>/delete")
@requires(Role.ADMIN)
def delete_route(rule_id: int):
    rule = db.session.get(RoutingRule, rule_id)
    if rule is not None:
        triage.remove_routing_rule(db.session, rule, current_user)
        flash(_("Routing removed."), "info")
    return redirect(url_for("backoffice.teams"))


# Audit log ---------------------------------------------------------------------------------

def _audit_filter() -> audit.AuditFilter:
    form = AuditFilterForm(request.args)
    valid_filters(form)
    return audit.AuditFilter(subject_type=form.subject_type.data or None, subject_id=form.subject_id.data)


@bp.get("/audit")
@requires(Role.ADMIN)
def audit_log():
    wanted = _audit_filter()
    return render_template("backoffice/audit.html", entries=audit.entries(db.session, wanted), wanted=wanted)


def _csv_response(rows, name: str) -> Response:
    out = io.StringIO()
    exports.write_csv(rows, out)
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/audit.csv")
@requires(Role.ADMIN)
def audit_csv():
    entries = audit.entries(db.session, _audit_filter(), limit=None)
    audit.record(db.session, current_user, "audit.exported", "audit")
    db.session.commit()
    return _csv_response(exports.audit_rows(entries), f"noticed-audit-{date.today().isoformat()}.csv")


# Report export (leads) ---------------------------------------------------------------------

@bp.get("/export")
@requires(Role.LEAD)
def export():
    form = ExportForm(request.args)
    valid_filters(form)
    return render_template("backoffice/export.html", form=form)


@bp.get("/export.csv")
@requires(Role.LEAD)
def export_csv():
    form = ExportForm(request.args)
    valid_filters(form)
    wanted = exports.ReportExport(since=form.since.data, until=form.until.data,
                                  status=PublicStatus(form.status.data) if form.status.data else None,
                                  team_ids=triage.visible_team_ids(current_user))
    audit.record(db.session, current_user, "reports.exported", "report", None,
                 f"since={wanted.since or ''} until={wanted.until or ''} status={form.status.data or ''}")
    db.session.commit()
    return _csv_response(exports.report_rows(db.session, wanted), f"noticed-reports-{date.today().isoformat()}.csv")
