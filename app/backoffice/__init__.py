"""Blueprint for the prevention team's back office under /staff. Every view denies by default
(see access.py); responses are never cached or indexed."""
from flask import Blueprint, request
from flask_login import LoginManager

bp = Blueprint("backoffice", __name__, url_prefix="/staff")


class NoRememberCookieLoginManager(LoginManager):
    """Noticed never sets Flask-Login's remember-me cookie. Its "strong" protection still answers
    every session without a sign-in (a reporter's form) with a bare, flagless deletion of that
    cookie, which costs a security scanner's marks and adds a header to public pages: delete
    only a cookie the browser actually sent, with the session cookie's flags."""

    def _clear_cookie(self, response):
        from flask import current_app

        name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        if name in request.cookies:
            response.delete_cookie(name, path=current_app.config.get("REMEMBER_COOKIE_PATH", "/"),
                                   secure=current_app.config["REMEMBER_COOKIE_SECURE"], httponly=True, samesite="Lax")


login_manager = NoRememberCookieLoginManager()


@bp.record_once
def _set_up(state) -> None:
    from app.backoffice.access import guard, private_headers
    from app.backoffice.alerting import install_report_listeners
    from app.extensions import db
    from app.services.staff import load_signed_in

    app = state.app
    # Flask-Login's remember-me cookie is never set (no "remember me"), but if it were it would
    # carry the same protections as the session cookie.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", True))
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.user_loader(lambda login_id: load_signed_in(db.session, login_id))
    app.before_request(guard)
    app.after_request(private_headers)
    install_report_listeners()


from app.backoffice import views  # noqa: E402,F401
