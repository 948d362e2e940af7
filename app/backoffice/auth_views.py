"""Signing in: password, then a second factor (TOTP or a recovery code); enrolment in two-step
sign-in the first time; accepting an invitation; signing out.

Between the two steps the session holds only the account id, its session token and the time;
the full session is created, from nothing, once both factors are checked (no session fixation).
"""
from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import segno
from flask import Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from app.backoffice import bp
from app.backoffice.access import (client_address, end_session, home_for, required_role, requires, safe_next,
                                   sign_in_throttle, signed_out_page, start_session)
from app.backoffice.forms import EnrolForm, SecondFactorForm, SetPasswordForm, SignInForm
from app.extensions import db, limiter
from app.models.staff import Role, StaffUser
from app.services import audit
from app.services import staff as accounts
from app.services.mail import send_email
from app.services.staff import Attempt, AttemptResult
from app.services.throttle import minutes_to_wait

PENDING = "staff_pending_sign_in"
PENDING_SECONDS = 10 * 60


def refusal_message(result: AttemptResult, wrong: str) -> str:
    """The same words whether or not the e-mail has an account (the waits are counted for both)."""
    if result.wait:
        return ngettext("Too many tries. Wait %(num)s minute and try again.",
                        "Too many tries. Wait %(num)s minutes and try again.", minutes_to_wait(result.wait))
    return wrong


def attempts_for(email: str):
    return sign_in_throttle().attempts(email, client_address())


def warn_account_holder(result: AttemptResult) -> None:
    """Tell the account holder that failed tries have begun to slow down sign-ins to their
    account. Sent from a thread, so the answer takes no longer for an e-mail with an account than
    without one (and never fails because of the mail server)."""
    if result.warn_holder is None:
        return
    subject = _("Failed sign-ins to your Noticed account")
    body = _("Someone typed a wrong password or code several times while signing in to your Noticed "
             "back-office account, so further tries must now wait a little. If it was you, wait a few minutes "
             "and try again. If it was not, tell an admin. Nobody can sign in without your password and your "
             "phone's code.")
    app = current_app._get_current_object()
    threading.Thread(target=_send_in_background, args=(app, result.warn_holder.email, subject, body), daemon=True,
                     name="noticed-sign-in-warning").start()


def _send_in_background(app: Flask, email: str, subject: str, body: str) -> None:
    with app.app_context():
        try:
            send_email(email, subject, body)
        except Exception:  # noqa: BLE001 (a warning that cannot be sent changes nothing about the sign-in)
            app.logger.warning("sign-in warning email could not be sent")


def _pending_staff() -> StaffUser | None:
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    staff = db.session.get(StaffUser, pending["id"])
    if staff is None or not staff.active or staff.session_token != pending.get("token"):
        return None
    return staff


def _start_pending(staff: StaffUser, next_url: str) -> None:
    session.clear()
    session[PENDING] = {"id": staff.id, "token": staff.session_token, "at": int(time.time()), "next": next_url}


def _opens_for(staff: StaffUser, target: str) -> bool:
    """Whether the page at `target` lets this person in; if not (a translator sent to /staff/),
    signing in ends on their own home page rather than on a 403."""
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(urlsplit(target).path, method="GET")
    except HTTPException:
        return False
    role = required_role(current_app.view_functions[endpoint])
    return role is not None and staff.can(role)


def _complete_sign_in(staff: StaffUser) -> str:
    next_url = session.get(PENDING, {}).get("next")
    if not next_url or next_url == url_for("backoffice.queue") or not _opens_for(staff, next_url):
        next_url = home_for(staff)
    session.clear()
    login_user(staff)
    start_session(staff)
    audit.record(db.session, staff, "staff.signed_in", "staff", staff.id)
    db.session.commit()
    return next_url


@bp.route("/sign-in", methods=["GET", "POST"])
@signed_out_page
@limiter.limit("20/minute", methods=["POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = SignInForm()
    if form.validate_on_submit():
        result = accounts.check_password(db.session, form.email.data, form.password.data,
                                         attempts_for(form.email.data))
        warn_account_holder(result)
        if result.outcome == Attempt.ACCEPTED:
            _start_pending(result.staff, safe_next(request.args.get("next")))
            if not result.staff.two_factor_enrolled:
                return redirect(url_for("backoffice.enrol"))
            return redirect(url_for("backoffice.second_factor"))
        form.form_errors.append(refusal_message(result, _("The email or the password is wrong.")))
    status = 422 if request.method == "POST" else 200
    return render_template("backoffice/sign_in.html", form=form), status


@bp.route("/sign-in/code", methods=["GET", "POST"])
@signed_out_page
@limiter.limit("20/minute", methods=["POST"])
def second_factor():
    staff = _pending_staff()
    if staff is None:
        return redirect(url_for("backoffice.sign_in"))
    if not staff.two_factor_enrolled:
        return redirect(url_for("backoffice.enrol"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        result = accounts.check_second_factor(db.session, staff, form.code.data, attempts_for(staff.email))
        warn_account_holder(result)
        if result.outcome == Attempt.ACCEPTED:
            return redirect(_complete_sign_in(staff))
        form.form_errors.append(refusal_message(result, _("That code is wrong or was already used.")))
    status = 422 if request.method == "POST" else 200
    return render_template("backoffice/second_factor.html", form=form), status


def _qr_svg(uri: str) -> Markup:
    # Inline SVG, drawn with attributes only: no image request, nothing for the CSP to block.
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, border=4, light="#fff"))


@bp.route("/sign-in/enrol", methods=["GET", "POST"])
@signed_out_page
@limiter.limit("20/minute", methods=["POST"])
def enrol():
    """Two-step sign-in is required: the first sign-in sets it up before anything else."""
    staff = _pending_staff()
    if staff is None:
        return redirect(url_for("backoffice.sign_in"))
    if staff.two_factor_enrolled:
        return redirect(url_for("backoffice.second_factor"))
    pending = session[PENDING]
    # Until confirmed, the new secret waits in the (signed) session cookie of the person who is
    # shown it as a QR code anyway; signing in clears the session.
    if "secret" not in pending:
        pending["secret"] = accounts.new_totp_secret()
        session.modified = True
    form = EnrolForm()
    if form.validate_on_submit():
        codes = accounts.finish_enrolment(db.session, staff, pending["secret"], form.code.data)
        if codes:
            next_url = _complete_sign_in(staff)
            return render_template("backoffice/recovery_codes.html", codes=codes, next_url=next_url)
        form.form_errors.append(_("That code does not match. Check the time on your phone and try the new code."))
    uri = accounts.provisioning_uri(pending["secret"], staff.email)
    status = 422 if request.method == "POST" else 200
    return render_template("backoffice/enrol.html", form=form, qr=_qr_svg(uri), secret=pending["secret"]), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
@signed_out_page
@limiter.limit("20/minute", methods=["POST"])
def accept_invite(token: str):
    staff = accounts.find_by_invite(db.session, token)
    if staff is None:
        flash(_("This invitation link is not valid any more. Ask an admin for a new one."), "error")
        return redirect(url_for("backoffice.sign_in"))
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.accept_invite(db.session, staff, form.password.data)
        except accounts.StaffError:
            form.password.errors = [_("Choose a password that is not your email address.")]
        else:
            end_session()
            flash(_("Your password is saved. Sign in to set up two-step sign-in."), "info")
            return redirect(url_for("backoffice.sign_in"))
    status = 422 if request.method == "POST" else 200
    return render_template("backoffice/invite.html", form=form, email=staff.email), status


@bp.post("/sign-out")
@requires(Role.TRANSLATOR)
def sign_out():
    audit.record(db.session, current_user, "staff.signed_out", "staff", current_user.id)
    db.session.commit()
    end_session()
    flash(_("You are signed out."), "info")
    return redirect(url_for("backoffice.sign_in"))
