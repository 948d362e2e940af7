"""Error pages: translated, and always pointing somewhere useful (home and help).

The JSON API gets JSON errors; a 429 and a 503 there say "try again later", and the phone's
queue does exactly that (it keeps the report and retries 429 and 5xx answers)."""
from __future__ import annotations

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, SecurityError

from app.extensions import db
from app.i18n import available_languages

# The database is down, refusing connections, locked, full or unreachable: the request may
# well succeed later, so these are 503s, never 500s. Other database errors are bugs.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)
RETRY_AFTER_SECONDS = 60


def database_unavailable(error: BaseException) -> bool:
    return isinstance(error, DATABASE_UNAVAILABLE) or (
        isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated)


def unavailable_message() -> str:
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    return _("Noticed cannot save anything just now. Please try again in a few minutes.")


def log_unavailable(error: BaseException) -> None:
    # Only the error's kind and first line: the statement and its parameters (a report's
    # words) never go to the log, and neither does anything about the client.
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0][:200]
    current_app.logger.error("storage unavailable: %s: %s", type(cause).__name__, first_line)


def unavailable_json():
    response = jsonify({"error": "Service Unavailable", "message": unavailable_message()})
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _language_from_path() -> str | None:
    first = request.path.strip("/").split("/", 1)[0]
    return first if first in available_languages() else None


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _own_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The headers the error itself carries (a 405's Allow, which HTTP requires), without the
    Content-Type of werkzeug's own page, which the translated page replaces."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, SecurityError):
            # A Host other than PUBLIC_BASE_URL's (TRUSTED_HOSTS, app/public_address.py): no page
            # can be built, since links need a host, and no reader meets this, only a wrong proxy
            # or someone trying to get links written on their own host.
            return _("This server answers only at its public address."), 400, {
                "Content-Type": "text/plain; charset=utf-8"}
        if _wants_json():
            message = error.description
            if error.code == 429:
                # Not the limiter's English "30 per 1 minute": the same translated words as the page.
                # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                message = _("Too many tries in a short time. Please wait a minute and try again.")
            response = jsonify({"error": error.name, "message": message})
            response.status_code = error.code
            response.headers.extend(_own_headers(error))
            if error.code == 429 and "Retry-After" not in response.headers:
                response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        # From the path alone: a valid prefix keeps its language, anything else falls back to
        # the browser's (an error raised before routing never ran the URL preprocessor).
        g.lang = _language_from_path()
        messages = {
            # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
            404: _("We could not find that page."),
            # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
            429: _("Too many tries in a short time. Please wait a minute and try again."),
            # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
            413: _("That was too large to send. Photos can be at most 10 MB each."),
        }
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        message = messages.get(error.code, _("Something went wrong with that request."))
        return render_template("errors/error.html", code=error.code, message=message), error.code, _own_headers(error)

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def database_error(error):
        if not database_unavailable(error):
            raise error
        # The session's transaction died with its connection: end it, or the next use of this
        # session fails with "Can't reconnect until invalid transaction is rolled back".
        db.session.rollback()
        log_unavailable(error)
        if _wants_json():
            return unavailable_json()
        g.lang = g.get("lang") or _language_from_path()
        response = current_app.make_response(
            (render_template("errors/error.html", code=503, message=unavailable_message()), 503))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
