"""Who may open which /staff page. Deny by default: a view is reachable only if it says so.

Every /staff view carries one of two marks: @requires(Role.X) (signed in with two factors, at
least that role) or @signed_out_page (the sign-in steps, which check their own state). The
guard below refuses any /staff endpoint without a mark, even to an admin, so forgetting the
decorator fails closed, and tests/backoffice/test_access.py fails too.
"""
from __future__ import annotations

import time

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.models.staff import Role

URL_PREFIX = "/staff"
REQUIRED_ROLE = "_staff_required_role"
SIGNED_OUT_PAGE = "_staff_signed_out_page"
LAST_SEEN = "staff_last_seen"


def requires(role: Role):
    """Mark a view as open to signed-in staff of at least this role."""
    def mark(view):
        setattr(view, REQUIRED_ROLE, role)
        return view
    return mark


def signed_out_page(view):
    """Mark a sign-in step: reachable without an account session (it checks its own state)."""
    setattr(view, SIGNED_OUT_PAGE, True)
    return view


def required_role(view) -> Role | None:
    return getattr(view, REQUIRED_ROLE, None)


def is_staff_request() -> bool:
    return request.blueprint == "backoffice" or request.path == URL_PREFIX or request.path.startswith(URL_PREFIX + "/")


def _idle_too_long() -> bool:
    last_seen = session.get(LAST_SEEN)
    limit = current_app.config["STAFF_IDLE_MINUTES"] * 60
    return last_seen is None or time.time() - last_seen > limit


def end_session() -> None:
    logout_user()
    session.clear()


def guard():
    """before_request for every /staff URL."""
    if not is_staff_request() or request.routing_exception is not None:
        return None  # a 404/405 is answered as usual
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, SIGNED_OUT_PAGE, False):
        return None
    role = required_role(view)
    if role is None:
        abort(403)  # no declared role: nobody gets in
    if not current_user.is_authenticated:
        return redirect(url_for("backoffice.sign_in", next=request.full_path if request.method == "GET" else None))
    if _idle_too_long():
        end_session()
        flash(_("You were signed out after a time without activity. Please sign in again."), "info")
        return redirect(url_for("backoffice.sign_in"))
    session[LAST_SEEN] = int(time.time())
    if not current_user.can(role):
        abort(403)
    return None


def private_headers(response):
    """after_request: staff pages are never cached (not even by the service worker) or indexed."""
    if is_staff_request():
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        response.headers["Pragma"] = "no-cache"
    return response


def may(role: Role) -> bool:
    """For templates: show a control only to those who may use it (the view checks again)."""
    return current_user.is_authenticated and current_user.can(role)


def home_for(staff) -> str:
    """Where a signed-in person starts: translators reach nothing but the translation pages."""
    if staff.role == Role.TRANSLATOR:
        return url_for("backoffice.translations_overview")
    return url_for("backoffice.queue")


def safe_next(target: str | None) -> str:
    """Only a path inside /staff, so a crafted link cannot send someone elsewhere after sign-in."""
    if target and target.startswith(URL_PREFIX + "/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("backoffice.queue")

