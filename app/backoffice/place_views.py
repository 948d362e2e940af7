"""Places, for leads: every registered place and how much it is used, and one page per place to
rename it or retire its code when its name misleads reporters (see services.place_admin)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.backoffice import bp
from app.backoffice.access import requires
from app.backoffice.common import valid_filters
from app.backoffice.forms import PlaceFilterForm, RenamePlaceForm, RetirePlaceByStaffForm
from app.extensions import db
from app.models.place import Place
from app.models.staff import Role
from app.services import place_admin
from app.services.clock import now_utc
from app.services.place_admin import PlaceAdminError, PlaceFilter, PlaceStatus

PLACE_ERRORS = {
    "name_unchanged": _l("That is already the place's name."),
    "already_retired": _l("This code is already retired."),
}


def _utc_today():
    return now_utc().date()  # scans are counted per UTC day


def _scans_heading() -> str:
    return ngettext("Scans in the last %(num)s day", "Scans in the last %(num)s days", place_admin.SCAN_DAYS_COUNTED)


def _place_error(error: PlaceAdminError) -> str:
    return str(PLACE_ERRORS.get(error.code, _l("That change is not possible.")))


@bp.get("/places")
@requires(Role.LEAD)
def places():
    form = PlaceFilterForm(request.args)
    valid_filters(form)
    status = PlaceStatus(form.status.data) if form.status.data in set(PlaceStatus) else None
    wanted = PlaceFilter(status=status, search=form.q.data or None, page=form.page.data or 1)
    page = place_admin.places_page(db.session, wanted, _utc_today())
    return render_template("backoffice/places.html", form=form, page=page, scans_heading=_scans_heading())


def _found_place(place_id: int) -> Place:
    place = db.session.get(Place, place_id)
    if place is None:
        abort(404)
    return place


def _place_page(place: Place, rename_form: RenamePlaceForm | None = None,
                retire_form: RetirePlaceByStaffForm | None = None, status: int = 200):
    """The place's page; a refused form comes back with its errors beside the fields, as typed."""
    return render_template(
        "backoffice/place.html", place=place, use=place_admin.place_use(db.session, place.id, _utc_today()),
        changes=place_admin.staff_changes(db.session, place), scans_heading=_scans_heading(),
        rename_form=rename_form or RenamePlaceForm(formdata=None, new_name=place.name),
        retire_form=retire_form or RetirePlaceByStaffForm(formdata=None)), status


def _back_to_place(place: Place, message: str):
    flash(message, "info")
    return redirect(url_for("backoffice.place", place_id=place.id), 303)


@bp.get("/places/<int:place_id>")
@requires(Role.LEAD)
def place(place_id: int):
    return _place_page(_found_place(place_id))


@bp.post("/places/<int:place_id>/rename")
@requires(Role.LEAD)
def rename_place(place_id: int):
    place = _found_place(place_id)
    form = RenamePlaceForm()
    if form.validate():
        try:
            place_admin.rename_by_staff(db.session, place, form.new_name.data, form.rename_reason.data, current_user)
            return _back_to_place(place, _("The place is renamed. The report form shows the new name."))
        except PlaceAdminError as error:
            form.new_name.errors.append(_place_error(error))
    return _place_page(place, rename_form=form, status=422)


@bp.post("/places/<int:place_id>/retire")
@requires(Role.LEAD)
def retire_place(place_id: int):
    place = _found_place(place_id)
    form = RetirePlaceByStaffForm()
    if not form.validate():
        return _place_page(place, retire_form=form, status=422)
    try:
        place_admin.retire_by_staff(db.session, place, form.retire_reason.data, current_user)
    except PlaceAdminError as error:  # retired meanwhile, by its owner or another lead
        return _back_to_place(place, _place_error(error))
    return _back_to_place(place, _("The code is retired. The report form no longer names the place."))
