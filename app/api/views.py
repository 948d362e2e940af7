"""POST /api/v1/reports: the offline queue's way in. Same rules as the form (same ReportForm,
same submit_report()); answers are JSON, errors translated per field.

Why this endpoint takes no CSRF token: a report written offline days ago must still be
accepted, so it cannot depend on a token from a cookie session that has long expired.
It needs none: it acts for no signed-in user (there is no ambient authority for a forged
request to borrow), it accepts only `application/json`, which a cross-site page cannot send
without a CORS preflight that this API never grants, and it refuses any request whose
`Origin` header is present and is not our own. See SECURITY.md.

Abuse: a per-client rate limit (REPORT_RATE_LIMIT, shared with the HTML form; the phone's queue
keeps the report and retries a 429) and the honeypot field `website`, which people never see:
a report with it filled is stored like any other and flagged for the team as possibly automated.
"""
from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path

from flask import current_app, g, jsonify, request, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.api import bp
from app.errors import log_unavailable, unavailable_json
from app.extensions import csrf, db, limiter
from app.i18n import available_languages, best_language
from app.models.report import Channel
from app.reporting.forms import HONEYPOT_FIELD_NAME, ReportForm, report_rate_limit
from app.reporting.intake import clean_photos, submission_from_form
from app.services.attachments import attachment_store
from app.services.photos import MAX_PHOTOS, PhotoError
from app.services.reports import ReportConflict, submit_report

# JSON key -> ReportForm field. The client's UUID travels as `id`, the honeypot as `website`.
FIELDS = {"id": "report_id", "website": HONEYPOT_FIELD_NAME, **{name: name for name in (
    "receipt", "kind", "description", "danger_now", "involved", "location", "occurred_at", "contact", "place")}}
OPENAPI = Path(__file__).with_name("openapi.json")


def _errors(errors: dict, status: int = 422):
    return jsonify({"errors": errors}), status


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return origin is None or origin == request.host_url.rstrip("/")


def _form_data(body: dict) -> tuple[MultiDict | None, dict]:
    """The body as form data for ReportForm, or the type errors that stop us getting there."""
    errors: dict[str, str] = {}
    data = MultiDict()
    for key, name in FIELDS.items():
        value = body.get(key)
        if value is None:
            continue
        if isinstance(value, bool) and name == "danger_now":
            value = "yes" if value else "no"
        if not isinstance(value, str):
            # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
            errors[key] = _("This must be text.")
            continue
        data[name] = value
    still = body.get("still_happening", False)
    if not isinstance(still, bool):
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        errors["still_happening"] = _("This must be true or false.")
    elif still:
        data["still_happening"] = "y"
    return (None if errors else data), errors


def _decode_attachments(raw) -> tuple[list[bytes], str | None]:
    if raw is None:
        return [], None
    if not isinstance(raw, list) or len(raw) > MAX_PHOTOS:
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        return [], _("You can send up to %(count)d photos.", count=MAX_PHOTOS)
    uploads = []
    for item in raw:
        data = item.get("data") if isinstance(item, dict) else None
        if not isinstance(data, str):
            # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
            return [], _("Photos must be JPEG, PNG, WebP or HEIC pictures.")
        try:
            uploads.append(base64.b64decode(data, validate=True))
        except (binascii.Error, ValueError):
            # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
            return [], _("Photos must be JPEG, PNG, WebP or HEIC pictures.")
    return uploads, None


@bp.post("/reports")
@csrf.exempt
@limiter.shared_limit(report_rate_limit, scope="reports")
def submit_report_json():
    g.lang = best_language()
    if not _same_origin():
        return jsonify({"error": "Forbidden", "message": "Cross-site requests are refused."}), 403
    if request.mimetype != "application/json":
        return jsonify({"error": "Unsupported Media Type", "message": "Send application/json."}), 415
    try:
        body = json.loads(request.get_data(cache=False).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        return _errors({"body": _("The report could not be read. Please try again.")})
    if not isinstance(body, dict):
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        return _errors({"body": _("The report could not be read. Please try again.")})

    language = body.get("language")
    if isinstance(language, str) and language in available_languages():
        g.lang = language
    formdata, errors = _form_data(body)
    uploads, photo_error = _decode_attachments(body.get("attachments"))
    if photo_error:
        errors["attachments"] = photo_error
    if errors:
        return _errors(errors)

    form = ReportForm(formdata=formdata, meta={"csrf": False})
    if not form.validate():
        return _errors({("id" if name == "report_id" else name): messages[0]
                        for name, messages in form.errors.items()})
    try:
        photos = clean_photos(uploads)
    except PhotoError as error:
        return _errors({"attachments": str(error)})

    # A report that needed more than one try waited on the phone: the team sees it came late.
    attempt = request.headers.get("X-Noticed-Attempt", "1")
    channel = Channel.APP if attempt == "1" else Channel.OFFLINE_SYNC
    submission = submission_from_form(form, photos, channel, g.lang)
    try:
        store = attachment_store(current_app.config)
        result = submit_report(db.session, store, submission, current_app.config["SECRET_KEY"])
    except OSError as error:
        # The attachment store is full or failing: submit_report removed what it wrote and
        # stored no row, so the phone's retry (5xx is retryable) finds a clean slate.
        log_unavailable(error)
        return unavailable_json()
    except ReportConflict:
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        return jsonify({"error": "Conflict", "message": _(
            "A different report was already sent with this identifier. Copy your words into a new report.")}), 409
    # The report's code: the one sent, or the server's when another report holds that one (the
    # phone's queue shows the code it gets back). Never "in use": see app/services/reports.py.
    return jsonify({"receipt": result.receipt, "id": submission.public_id}), 201 if result.created else 200


@bp.get("/openapi.json")
def openapi():
    return send_file(OPENAPI, mimetype="application/json", max_age=3600)
