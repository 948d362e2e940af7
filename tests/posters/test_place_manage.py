"""The owner's manage page: reachable only with the right key (a wrong one is a 404 and changes
nothing), never cached, and able to edit the place and retire its code."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models.place import Place
from app.services.places import place_name_for_code
from tests.conftest import hidden_fields

WRONG_KEY = "x" * 43


def stored(db_session, code) -> Place:
    db_session.expire_all()
    return db_session.execute(select(Place).where(Place.code == code)).scalar_one()


def edit_answers(client, place, **changes) -> dict:
    fields = hidden_fields(client.get(place.manage_url()).get_data(as_text=True))
    return {"csrf_token": fields["csrf_token"], "name": "Main Street Pharmacy", "kind": "business",
            "area": "Springfield", "contact_email": "", "language": "en", **changes}


@pytest.mark.parametrize("method, path", [
    ("get", "/en/places/manage"),
    ("post", "/en/places/manage"),
    ("post", "/en/places/manage/retire"),
    ("get", "/en/places/poster"),
    ("get", "/en/places/poster.svg"),
    ("get", "/en/places/qr.png"),
])
@pytest.mark.parametrize("key", [WRONG_KEY, "", None])
def test_a_wrong_or_missing_key_is_a_404_and_changes_nothing(client, register, db_session, method, path, key):
    place = register()
    answers = {**edit_answers(client, place, name="Taken Over"), "confirm": "y"}
    url = path if key is None else f"{path}?key={key}"
    response = getattr(client, method)(url, data=answers if method == "post" else None)
    assert response.status_code == 404
    after = stored(db_session, place.code)
    assert after.name == "Main Street Pharmacy"
    assert after.retired_at is None


def test_the_right_key_opens_the_manage_page_which_is_never_cached(client, register):
    place = register()
    response = client.get(place.manage_url())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "<h1>Main Street Pharmacy</h1>" in html
    assert place.code in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_language_switcher_keeps_the_key(client, register):
    place = register()
    html = client.get(place.manage_url()).get_data(as_text=True)
    assert f'<a href="/es/places/manage?key={place.key}" lang="es"' in html
    assert client.get(place.manage_url("es")).status_code == 200


def test_the_owner_renames_the_place_and_reporters_see_the_new_name(client, register, db_session):
    place = register()
    response = client.post(place.manage_url(), data=edit_answers(client, place, name="Main St. Pharmacy & Clinic"))
    assert response.status_code == 200
    assert "Your changes are saved." in response.get_data(as_text=True)
    assert stored(db_session, place.code).name == "Main St. Pharmacy & Clinic"
    assert place_name_for_code(place.code) == "Main St. Pharmacy & Clinic"
    form = client.get(f"/en/report?place={place.code}").get_data(as_text=True)
    assert "Reporting from: Main St. Pharmacy &amp; Clinic" in form


def test_an_edit_with_an_empty_name_is_refused(client, register, db_session):
    place = register()
    response = client.post(place.manage_url(), data=edit_answers(client, place, name=""))
    assert response.status_code == 422
    assert stored(db_session, place.code).name == "Main Street Pharmacy"


def test_retiring_needs_the_box_ticked(client, register, db_session):
    place = register()
    response = client.post(f"/en/places/manage/retire?key={place.key}", data=edit_answers(client, place))
    assert response.status_code == 422
    assert "Tick the box to confirm." in response.get_data(as_text=True)
    assert stored(db_session, place.code).retired_at is None


def test_a_retired_code_no_longer_names_the_place(client, register, db_session):
    place = register()
    answers = {**edit_answers(client, place), "confirm": "y"}
    response = client.post(f"/en/places/manage/retire?key={place.key}", data=answers)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/en/places/manage?key={place.key}"
    assert stored(db_session, place.code).retired_at is not None
    assert place_name_for_code(place.code) is None
    html = client.get(place.manage_url()).get_data(as_text=True)
    assert "This code is retired." in html
    assert "Open the poster to print" not in html
    assert client.get(f"/en/places/poster?key={place.key}").status_code == 303
