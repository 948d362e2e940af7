"""Places, posters and the /r/<code> short link.

Where the manage token travels: in the query string, /<lang>/places/manage?key=<token>, never
in the path. gunicorn's access log (gunicorn.conf.py, `%(U)s`) writes paths but not query
strings, and Flask's own error log names only request.path, so the token reaches no log that
Noticed writes. It needs no JavaScript: every form on the manage page posts back to an address
carrying the key. Referrer-Policy: no-referrer (global) keeps it out of Referer headers, and
Cache-Control: no-store keeps these pages out of caches. A wrong key is a 404, like a page that
does not exist, and changes nothing.
"""
from __future__ import annotations

import smtplib
from datetime import date, datetime, timezone

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import DATABASE_UNAVAILABLE, log_unavailable
from app.extensions import csrf, db, limiter
from app.i18n import language_links, match_language
from app.models.place import Place
from app.posters import bp
from app.posters.forms import EditPlaceForm, PosterOptionsForm, RegisterPlaceForm, RetirePlaceForm
from app.posters.poster import make_poster, qr_modules, qr_png, qr_svg, qr_svg_at, short_link_for
from app.posters.svg_layout import layout_poster
from app.public_address import public_url_for
from app.services.mail import send_email
from app.services.places import (SMALLEST_SHOWN_COUNT, live_place, normalise_place_code, place_for_manage_token,
                                  record_scan, register_place, reports_by_week, retire_place, scans_by_day,
                                  update_place)


def _private(response, status: int | None = None):
    response = make_response(response) if status is None else make_response(response, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _today() -> date:
    return _now().date()


def _explain_expired_token(form) -> None:
    if "csrf_token" in form.errors:
        form.errors.pop("csrf_token")
        form.form_errors.append(_("This page was open too long. Please press the button again."))


def _managed_place() -> tuple[Place, str]:
    key = request.args.get("key", "")
    place = place_for_manage_token(db.session, key)
    if place is None:
        abort(404)
    return place, key


def _manage_page_language_links(key: str):
    """The language switcher for pages about one place: that place's manage page in each offered
    language. The standard switcher rebuilds the current path only: it would drop the key from the
    query string, and on the page shown after registering it would lose the manage link for good."""
    def links():
        return [{**link, "href": url_for("posters.manage", lang=link["code"], key=key)} for link in language_links()]
    return links


# --- Registering a place -------------------------------------------------------------------

# The form's own CSRF check (FlaskForm) replaces the global one, so an expired token re-shows the
# form with its answers instead of a bare 400 page.
@bp.route("/<lang>/places/new", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit("20/hour;100/day", methods=["POST"])
def register():
    form = RegisterPlaceForm()
    if request.method == "GET":
        form.language.data = g.lang
    if form.validate_on_submit():
        registration = register_place(db.session, form.details(), _now())
        place = registration.place
        manage_link = public_url_for("posters.manage", key=registration.manage_token)
        emailed = _email_links(place, manage_link) if place.contact_email else None
        return _private(render_template("posters/created.html", place=place, short_link=short_link_for(place),
                                        manage_link=manage_link, emailed=emailed,
                                        language_links=_manage_page_language_links(registration.manage_token)))
    _explain_expired_token(form)
    return _private(render_template("posters/new.html", form=form), 422 if request.method == "POST" else 200)


def _email_links(place: Place, manage_link: str) -> bool:
    """Send the owner their links; False (never an error page) if the mail server refuses."""
    body = "\n\n".join([
        _("Thank you for putting up Noticed posters at %(name)s.", name=place.name),
        _("Place code: %(code)s", code=place.code),
        _("Short link on your posters: %(link)s", link=short_link_for(place)),
        _("Your manage link, to print posters, see how often they are used, or retire the code. "
          "Keep it private: anyone who has it can change your place.\n%(link)s", link=manage_link),
    ])
    try:
        send_email(place.contact_email, _("Your Noticed poster code %(code)s", code=place.code), body)
    except (OSError, smtplib.SMTPException) as error:
        # The error's type only: its text could quote the message, manage link included.
        current_app.logger.warning("could not email a place's links: %s", type(error).__name__)
        return False
    return True


# --- The owner's page ----------------------------------------------------------------------

@bp.route("/<lang>/places/manage", methods=["GET", "POST"])
@csrf.exempt
def manage():
    place, key = _managed_place()
    form = EditPlaceForm(obj=place)
    if request.method == "POST":
        if form.validate_on_submit():
            update_place(db.session, place, form.details())
            return _render_manage(place, key, saved=True)
        _explain_expired_token(form)
        return _render_manage(place, key, edit_form=form, status=422)
    return _render_manage(place, key, edit_form=form)


@bp.post("/<lang>/places/manage/retire")
@csrf.exempt
def retire():
    place, key = _managed_place()
    form = RetirePlaceForm()
    if form.validate_on_submit():
        retire_place(db.session, place, _now())
        return _private(redirect(url_for("posters.manage", key=key), 303))
    _explain_expired_token(form)
    return _render_manage(place, key, retire_form=form, status=422)


def _render_manage(place: Place, key: str, edit_form=None, retire_form=None, saved=False, status=200):
    today = _today()
    return _private(render_template(
        "posters/manage.html",
        place=place,
        key=key,
        saved=saved,
        edit_form=edit_form or EditPlaceForm(obj=place),
        retire_form=_ids_prefixed(retire_form or RetirePlaceForm(), "retire"),
        poster_form=_ids_prefixed(PosterOptionsForm(formdata=None, key=key, language=place.language), "poster"),
        short_link=short_link_for(place),
        scans=scans_by_day(db.session, place, today),
        reports=reports_by_week(db.session, place, today),
        smallest_shown=SMALLEST_SHOWN_COUNT,
        language_links=_manage_page_language_links(key),
    ), status)


def _ids_prefixed(form, prefix: str):
    """Three forms share the manage page, two with a `language`, a `csrf_token` and a `submit`:
    their ids (not their names, which the posts and the poster's address use) get a prefix, so no
    id is on the page twice and each label still names its own field."""
    for f in form:
        f.id = f"{prefix}-{f.id}"
        f.label.field_id = f.id
    return form


# --- Posters -------------------------------------------------------------------------------

def _requested_poster(place: Place):
    form = PosterOptionsForm(formdata=request.args, language=place.language)
    if not form.validate():  # a hand-edited address: fall back to the place's usual poster
        form = PosterOptionsForm(formdata=None, language=place.language)
    return make_poster(place, form.size.data, form.languages())


@bp.get("/<lang>/places/poster")
def print_poster():
    place, key = _managed_place()
    if place.is_retired:
        return _private(redirect(url_for("posters.manage", key=key), 303))
    poster = _requested_poster(place)
    return _private(render_template("posters/print.html", poster=poster, qr=qr_svg(poster.short_link),
                                    manage_url=url_for("posters.manage", key=key)))


@bp.get("/<lang>/places/poster.svg")
def poster_svg():
    place, key = _managed_place()
    if place.is_retired:
        return _private(redirect(url_for("posters.manage", key=key), 303))
    poster = _requested_poster(place)
    layout = layout_poster(poster, qr_modules(poster.short_link))
    svg = render_template("posters/poster.svg", poster=poster, layout=layout,
                          qr=qr_svg_at(poster.short_link, layout.qr_scale))
    name = f"noticed-poster-{place.code}-{poster.size.key}-{'-'.join(t.lang for t in poster.texts)}.svg"
    return _download(svg, "image/svg+xml", name)


@bp.get("/<lang>/places/qr.png")
def qr_code_png():
    place, key = _managed_place()
    if place.is_retired:
        return _private(redirect(url_for("posters.manage", key=key), 303))
    return _download(qr_png(short_link_for(place)), "image/png", f"noticed-qr-{place.code}.png")


def _download(body, mimetype: str, filename: str):
    response = _private(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The short link on the poster ----------------------------------------------------------

@bp.get("/r/<code>")
def short_link(code: str):
    """Count the scan (a +1 for the day, nothing about the visitor) and open the report form."""
    place = None
    try:
        place = live_place(db.session, code)
        if place is not None and request.method == "GET":  # a HEAD from a link checker is no scan
            record_scan(db.session, place, _today())
    except DATABASE_UNAVAILABLE as error:
        # Reporting must work with the database down: the form opens with the code unchecked (it
        # tags the report once sent), and this scan goes uncounted.
        db.session.rollback()
        log_unavailable(error)
    lang = _visitor_language(place)
    # An unknown or retired code still opens the form: it says the code is not in use any more.
    place_code = place.code if place else normalise_place_code(code) or code.upper()
    return _private(redirect(url_for("reporting.form", lang=lang, place=place_code), 302))


def _visitor_language(place: Place | None) -> str:
    """The phone's language if we ship it, else the language the place chose for its visitors."""
    languages = current_app.config["LANGUAGES"]
    wanted = match_language(request.accept_languages.values(), languages)
    if wanted:
        return wanted
    if place is not None and place.language in languages:
        return place.language
    return languages[0]

