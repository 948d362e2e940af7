"""Reporter pages: the form (works without JavaScript), the receipt, the status page."""
from __future__ import annotations

import time
import uuid

from flask import current_app, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import exc as sa_exc

from app.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS, database_unavailable, log_unavailable
from app.extensions import csrf, db, limiter
from app.models.report import Channel, PublicStatus
from app.reporting import bp
from app.reporting.display import in_utc, reader_moment, utc_minute
from app.reporting.forms import ReplyForm, ReportForm, StatusLookupForm, report_rate_limit
from app.reporting.intake import clean_photos, submission_from_form
from app.services.attachments import attachment_store
from app.services.photos import PhotoError
from app.services.places import normalise_place_code, place_name_for_code
from app.services.receipts import new_receipt, normalise_receipt
from app.services.reports import ReportConflict, add_reporter_message, find_by_receipt, submit_report

STATUS_STEPS = [PublicStatus.RECEIVED, PublicStatus.REVIEWING, PublicStatus.ACTION_TAKEN, PublicStatus.CLOSED]
# After an answer, the status page is shown again at GET /<lang>/status/reply (post-redirect-get,
# so a reload neither sends twice nor fails). The receipt code must not go into that address,
# where it would reach the history and the logs: it waits in the signed session cookie instead,
# for this long and no more, with the id of the answer just sent.
AFTER_REPLY = "status_after_reply"
AFTER_REPLY_SECONDS = 15 * 60


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _explain_expired_token(form) -> None:
    if "csrf_token" in form.errors:
        form.errors.pop("csrf_token")
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        form.form_errors.append(_("This page was open too long. Your words are still here: please press Send again."))


def _place_name(code) -> tuple[str | None, bool]:
    """The name of the live place with this code, and whether the database could be asked. Only a
    courtesy on the form: with the database down, the form must still take the words."""
    try:
        return place_name_for_code(code), True
    except DATABASE_UNAVAILABLE as error:
        db.session.rollback()
        log_unavailable(error)
        return None, False


def _not_saved(form, place_name, error):
    """The form again with the reporter's words, a 503 and what to do: nothing was stored."""
    db.session.rollback()
    log_unavailable(error)
    # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
    form.form_errors.append(_("We could not save your report just now. Your words are still here: "
                              "please press Send again in a few minutes."))
    response = make_response(render_template("reporting/form.html", form=form, place_name=place_name), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _private(response)


# These views check the CSRF token through their FlaskForm instead of the global check, so an
# expired token re-shows the form with the reporter's words kept, never a bare 400 page.
# Sending is limited per client (shared with the JSON API); showing the form is not.
@bp.route("/report", methods=["GET", "POST"])
@csrf.exempt
@limiter.shared_limit(report_rate_limit, scope="reports", methods=["POST"])
def form():
    form = ReportForm()
    if request.method == "GET":
        # A no-JavaScript reporter gets an id and a receipt from us, so a second tap is a replay.
        form.report_id.data = str(uuid.uuid4())
        form.receipt.data = new_receipt()
        form.place.data = request.args.get("place", "").upper()[:16] or None
    place_name, place_checked = _place_name(form.place.data)
    if request.method == "GET":
        # A code the database could not check stays, to tag the report once sent: saying it is not
        # in use could be false. Only one that cannot be a place code at all goes without asking.
        unknown_place = bool(form.place.data) and place_name is None and (
            place_checked or normalise_place_code(form.place.data) is None)
        if unknown_place:
            form.place.data = None  # an old poster's code: report without it, never a dead end
        return _private(make_response(render_template("reporting/form.html", form=form, place_name=place_name,
                                                      unknown_place=unknown_place)))

    if form.validate_on_submit():
        uploads = [f.read() for f in form.photos.data or [] if getattr(f, "filename", None)]
        try:
            photos = clean_photos(uploads)
        except PhotoError as error:
            form.photos.errors = [str(error)]
        else:
            submission = submission_from_form(form, photos, Channel.WEB_FORM, g.lang)
            try:
                store = attachment_store(current_app.config)
                result = submit_report(db.session, store, submission, current_app.config["SECRET_KEY"])
            except OSError as error:  # the attachment store is full or failing; nothing was kept
                return _not_saved(form, place_name, error)
            except (sa_exc.DBAPIError, sa_exc.TimeoutError) as error:
                if not database_unavailable(error):
                    raise
                return _not_saved(form, place_name, error)
            except ReportConflict:
                # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
                form.form_errors.append(_("This report was already sent with different words. "
                                          "Please start a new report."))
            else:
                # The report's code: the one in the form, or the server's if another report holds that one.
                return _private(make_response(render_template("reporting/receipt.html", receipt=result.receipt,
                                                              kind=submission.content.kind)))
    _explain_expired_token(form)
    return _private(make_response(render_template("reporting/form.html", form=form, place_name=place_name), 422))


@bp.route("/status", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit("10/minute;50/hour", methods=["POST"])
def status():
    form = StatusLookupForm()
    if form.validate_on_submit():
        session.pop(AFTER_REPLY, None)  # another code, or the same one again: a new look starts here
        receipt = normalise_receipt(form.receipt.data)
        report = find_by_receipt(db.session, receipt, current_app.config["SECRET_KEY"]) if receipt else None
        if report:
            return _private(make_response(_render_status(report, receipt, ReplyForm(receipt=receipt))))
        # The same answer whether the code is malformed or simply not ours.
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        form.receipt.errors = [_("We could not find a report with that code. Check the code and try again.")]
    _explain_expired_token(form)
    return _private(make_response(render_template("reporting/status_lookup.html", form=form),
                                  422 if request.method == "POST" else 200))


@bp.route("/status/reply", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit("10/minute;50/hour", methods=["POST"])
def reply():
    if request.method == "GET":
        return _status_after_reply()
    form = ReplyForm()
    receipt = normalise_receipt(form.receipt.data or "")
    report = find_by_receipt(db.session, receipt, current_app.config["SECRET_KEY"]) if receipt else None
    if report is None:
        lookup = StatusLookupForm()
        # Translators: SAFETY: someone in danger may read this; keep its numbers, links and meaning exact.
        lookup.receipt.errors = [_("We could not find a report with that code. Check the code and try again.")]
        return _private(make_response(render_template("reporting/status_lookup.html", form=lookup), 422))
    if form.validate_on_submit():
        message = add_reporter_message(db.session, report, form.body.data.strip(), g.lang)
        db.session.commit()
        session[AFTER_REPLY] = {"receipt": receipt, "until": int(time.time()) + AFTER_REPLY_SECONDS,
                                "sent": message.id}
        return _private(redirect(url_for("reporting.reply"), 303))
    _explain_expired_token(form)
    return _private(make_response(_render_status(report, receipt, form), 422))


def _status_after_reply():
    """The status page again after an answer: an empty box, and the answer marked as sent. Once
    the session's note is gone or too old, the look-up page (the code is asked for again)."""
    after = session.get(AFTER_REPLY)
    receipt = normalise_receipt(after.get("receipt") or "") if isinstance(after, dict) else None
    fresh = bool(receipt) and isinstance(after.get("until"), int) and after["until"] > time.time()
    report = find_by_receipt(db.session, receipt, current_app.config["SECRET_KEY"]) if fresh else None
    if report is None:
        session.pop(AFTER_REPLY, None)
        return _private(redirect(url_for("reporting.status"), 303))
    return _private(make_response(_render_status(report, receipt, ReplyForm(receipt=receipt),
                                                 sent_message_id=after.get("sent"))))


def _render_status(report, receipt, reply_form, sent_message_id=None):
    # Oldest first, so the newest is last, next to the answer box.
    messages = sorted(report.messages, key=lambda message: (in_utc(message.sent_at), message.id))
    return render_template("reporting/status.html", report=report, receipt=receipt, reply_form=reply_form,
                           steps=STATUS_STEPS, messages=messages, sent_message_id=sent_message_id,
                           reader_moment=reader_moment, utc_minute=utc_minute)
