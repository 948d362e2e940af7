"""Registering a place without an account: a code, a short link and a manage link shown once
(and emailed when an address is given), the manage token kept only as a hash."""
from __future__ import annotations

import email
import re
from email import policy

import pytest
from sqlalchemy import func, select

from app.models.place import Place, PlaceKind
from app.services.places import place_for_manage_token
from tests.posters.conftest import free_port, registration_answers


def places(db_session) -> list[Place]:
    return db_session.execute(select(Place)).scalars().all()


def test_registering_shows_the_code_short_link_and_manage_link(register, db_session):
    place = register()
    assert re.fullmatch(r"[A-Z0-9]{8}", place.code)
    assert f'href="http://localhost/r/{place.code}"' in place.page
    assert f"http://localhost/en/places/manage?key={place.key}" in place.page
    assert "We show it only this once" in place.page
    [stored] = places(db_session)
    assert (stored.name, stored.kind, stored.area) == ("Main Street Pharmacy", PlaceKind.BUSINESS, "Springfield")


def test_switching_language_after_registering_keeps_the_manage_link(register):
    place = register()
    assert f'<a href="/es/places/manage?key={place.key}" lang="es"' in place.page


def test_the_page_with_the_manage_link_is_never_cached(client):
    response = client.post("/en/places/new", data=registration_answers(client))
    assert response.headers["Cache-Control"] == "no-store"


def test_the_manage_token_is_stored_only_as_a_hash(register, db_session):
    place = register()
    [stored] = places(db_session)
    columns = [str(getattr(stored, c.key)) for c in Place.__table__.columns]
    assert not any(place.key in value for value in columns)
    assert place_for_manage_token(db_session, place.key) is stored


def test_each_place_gets_its_own_code_and_key(register):
    first, second = register(), register(name="Springfield High School", kind="school")
    assert first.code != second.code
    assert first.key != second.key


def test_registration_emails_the_links_to_the_owner(register, mailbox):
    place = register(contact_email="owner@pharmacy.example")
    [envelope] = mailbox.messages
    assert envelope.rcpt_tos == ["owner@pharmacy.example"]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert place.code in message["Subject"]
    body = message.get_content()
    assert f"http://localhost/en/places/manage?key={place.key}" in body
    assert f"http://localhost/r/{place.code}" in body
    assert "We also sent these links to owner@pharmacy.example" in place.page


def test_without_an_address_no_email_is_sent(register, mailbox):
    place = register(contact_email="")
    assert mailbox.messages == []
    assert "sent these links" not in place.page


def test_when_the_email_cannot_be_sent_the_links_are_still_shown(app, register):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    place = register(contact_email="owner@pharmacy.example")
    assert "We could not send the email" in place.page
    assert f"/en/places/manage?key={place.key}" in place.page


def test_missing_name_and_area_show_errors_and_store_nothing(client, db_session):
    response = client.post("/en/places/new", data=registration_answers(client, name=" ", area=""))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give the name people know the place by." in html
    assert "Give the city, town or neighbourhood." in html
    assert db_session.execute(select(func.count()).select_from(Place)).scalar_one() == 0


def test_a_malformed_email_address_is_refused(client, db_session):
    response = client.post("/en/places/new", data=registration_answers(client, contact_email="owner at pharmacy"))
    assert response.status_code == 422
    assert "This does not look like an email address." in response.get_data(as_text=True)
    assert places(db_session) == []


def test_an_expired_form_keeps_the_answers_and_says_what_to_do(client, db_session):
    answers = registration_answers(client, csrf_token="expired")
    response = client.post("/en/places/new", data=answers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please press the button again." in html
    assert 'value="Main Street Pharmacy"' in html
    assert places(db_session) == []


def test_the_visitors_language_defaults_to_the_page_language(client):
    html = client.get("/es/places/new").get_data(as_text=True)
    assert re.search(r'<option [^>]*\bselected\b[^>]*value="es"|<option [^>]*value="es"[^>]*\bselected\b', html)


@pytest.mark.parametrize("lang, direction", [("en", "ltr"), ("es", "ltr"), ("ar", "rtl")])
def test_the_registration_page_speaks_its_language_under_the_emergency_line(client, lang, direction):
    html = client.get(f"/{lang}/places/new").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert 'href="tel:911"' in html[:html.index('<main id="main"')]


@pytest.mark.parametrize("page", ["workplaces", "community"])
def test_awareness_pages_invite_places_to_register(client, page):
    html = client.get(f"/es/{page}").get_data(as_text=True)
    assert '<a class="button" href="/es/places/new">' in html
