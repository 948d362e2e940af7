"""Who may open which /staff page. Deny by default: a view is reachable only if it says so.

Every /staff view carries one of two marks: @requires(Role.X) (signed in with two factors, at
least that role) or @signed_out_page (the sign-in steps, which check their own state). The
guard below refuses any /staff endpoint without a mark, even to an admin, so forgetting the
decorator fails closed, and tests/backoffice/test_access.py fails too.
"""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.extensions import db
from app.models.staff import Role
from app.services import staff as accounts
from app.services.staff import SessionState
from app.services.throttle import SignInThrottle

URL_PREFIX = "/staff"
REQUIRED_ROLE = "_staff_required_role"
SIGNED_OUT_PAGE = "_staff_signed_out_page"
# The token of this browser's session row (app/models/staff.py StaffSession).
SESSION_TOKEN = "staff_session"
THROTTLE = "noticed.sign_in_throttle"


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


def sign_in_throttle() -> SignInThrottle:
    """The app's sign-in throttle, over the rate limiter's storage (made at first use: the
    factory stays free of I/O). It works even where the other rate limits are switched off."""
    app = current_app._get_current_object()
    if THROTTLE not in app.extensions:
        app.extensions.setdefault(THROTTLE, SignInThrottle.from_uri(app.config["RATELIMIT_STORAGE_URI"],
                                                                    app.config["SECRET_KEY"]))
    return app.extensions[THROTTLE]


def client_address() -> str:
    # Only a throttle key (hashed, in the limiter's storage): never stored or logged.
    return request.remote_addr or "unknown"


def start_session(staff) -> None:
    """This browser is now signed in as staff: a new session row, its token in the cookie."""
    session[SESSION_TOKEN] = accounts.start_session(db.session, staff)


def end_session() -> None:
    if current_user.is_authenticated:
        accounts.end_session(db.session, current_user, session.get(SESSION_TOKEN))
        db.session.commit()
    logout_user()
    session.clear()


def _ended_message(state: SessionState) -> str | None:
    if state == SessionState.IDLE:
        return _("You were signed out after a time without activity. Please sign in again.")
    if state == SessionState.EXPIRED:
        return _("You were signed out because you signed in a long time ago. Please sign in again.")
    return None


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
    idle_limit = timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])
    state = accounts.use_session(db.session, current_user, session.get(SESSION_TOKEN), idle_limit)
    if state != SessionState.CURRENT:
        # Ended on the server (signed out elsewhere, a copied cookie, a new password...), or just now.
        logout_user()
        session.clear()
        if message := _ended_message(state):
            flash(message, "info")
        return redirect(url_for("backoffice.sign_in"))
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

