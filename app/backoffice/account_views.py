"""The signed-in person's own account: changing their password. Open to every role, translators
included: everyone has a password to look after."""
from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.backoffice import bp
from app.backoffice.access import home_for, requires, start_session
from app.backoffice.auth_views import attempts_for, refusal_message, warn_account_holder
from app.backoffice.forms import ChangePasswordForm
from app.extensions import db, limiter
from app.models.staff import Role
from app.services import staff as accounts
from app.services.staff import Attempt


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Role.TRANSLATOR)
@limiter.limit("20/minute", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        staff = current_user._get_current_object()
        try:
            result = accounts.change_own_password(db.session, staff, form.current_password.data,
                                                  form.new_password.data, attempts_for(staff.email))
        except accounts.StaffError:
            form.new_password.errors = [_("Choose a password that is not your email address.")]
        else:
            warn_account_holder(result)
            if result.outcome == Attempt.ACCEPTED:
                # The new password ended every session, this one too: carry on in a new one.
                login_user(staff)
                start_session(staff)
                db.session.commit()
                flash(_("Your password is changed. You were signed out on every other computer and phone."), "info")
                return redirect(home_for(staff))
            form.current_password.errors = [refusal_message(result, _("Your current password is wrong."))]
    status = 422 if request.method == "POST" else 200
    return render_template("backoffice/change_password.html", form=form), status
