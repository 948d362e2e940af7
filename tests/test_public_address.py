"""One public address: every absolute link Noticed writes is on PUBLIC_BASE_URL, whatever Host a
request names, and a request for another host is refused (an outside test once had a manage link
e-mailed on evil.example by posting a registration with `Host: evil.example`)."""
from __future__ import annotations

import email
import io
import re
from email import policy

import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import func, select

from app import create_app
from app.config import ConfigError
from app.extensions import db
from app.models.place import Place
from app.models.staff import Role
from tests.backoffice.conftest import OneContextPerRequestClient, make_staff, page_token, sign_in
from tests.conftest import in_app_context, make_app
from tests.posters.conftest import registration_answers

PUBLIC = "https://noticed.example.org"


@pytest.fixture
def app(tmp_path, migrated_database):
    with in_app_context(make_app(tmp_path, migrated_database, PUBLIC_BASE_URL=PUBLIC)) as app:
        yield app


@pytest.fixture
def client(app):
    """A browser that reached Noticed at its public address."""
    return at_public_address(app.test_client())


class PublicAddressClient(FlaskClient):
    """Requests to the public host. Plain http, as from a TLS proxy that does not say so: the links
    are https all the same, since they come from PUBLIC_BASE_URL, not from the request."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "http://noticed.example.org")
        return super().open(*args, **kwargs)


def at_public_address(client) -> FlaskClient:
    client.__class__ = PublicAddressClient
    return client


def mail_body(envelope) -> str:
    return email.message_from_bytes(envelope.content, policy=policy.default).get_content()


def register(client, **headers) -> tuple[str, str, str]:
    """Register a place with an owner's address; the page, its code and its manage key."""
    answers = registration_answers(client, contact_email="owner@pharmacy.example")
    response = client.post("/en/places/new", data=answers, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    code = re.search(r'class="receipt-code">([A-Z0-9]+)<', page).group(1)
    key = re.search(r"/places/manage\?key=([A-Za-z0-9_-]+)", page).group(1)
    return page, code, key


def places_stored() -> int:
    return db.session.execute(select(func.count()).select_from(Place)).scalar_one()


def test_a_registration_posted_for_another_host_is_refused_and_mails_nothing(client, mailbox):
    answers = registration_answers(client, contact_email="victim@example.org")
    response = client.post("/en/places/new", data=answers, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.get_data(as_text=True)
    assert mailbox.messages == []
    assert places_stored() == 0


def test_a_page_asked_for_another_host_is_refused(client):
    assert client.get("/en/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/en/").status_code == 200


def test_the_emailed_links_are_on_the_public_address(client, mailbox):
    page, code, key = register(client)
    [envelope] = mailbox.messages
    body = mail_body(envelope)
    assert f"{PUBLIC}/en/places/manage?key={key}" in body
    assert f"{PUBLIC}/r/{code}" in body
    assert f"{PUBLIC}/en/places/manage?key={key}" in page


def test_a_forwarded_host_from_a_trusted_proxy_changes_no_link(app, mailbox, tmp_path, migrated_database):
    """Behind a proxy (TRUSTED_PROXIES=1) X-Forwarded-Host is not taken for the public address."""
    (tmp_path / "proxied").mkdir()
    proxied = make_app(tmp_path / "proxied", migrated_database, PUBLIC_BASE_URL=PUBLIC, TRUSTED_PROXIES=1,
                       MAIL_SERVER=app.config["MAIL_SERVER"], MAIL_PORT=app.config["MAIL_PORT"])
    with in_app_context(proxied):
        client = at_public_address(proxied.test_client())
        page, code, _ = register(client, **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"})
    [envelope] = mailbox.messages
    body = mail_body(envelope)
    assert "evil.example" not in body + page
    assert f"{PUBLIC}/r/{code}" in body


def test_the_poster_short_link_and_its_qr_code_are_on_the_public_address(client, mailbox):
    _, code, key = register(client)
    poster = client.get(f"/en/places/poster?key={key}&size=a4&language=en").get_data(as_text=True)
    assert f"noticed.example.org/r/{code}" in poster
    assert "http://noticed.example.org" not in poster
    png = client.get(f"/en/places/qr.png?key={key}").data
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert barcode.text == f"{PUBLIC}/r/{code}"


def test_the_other_languages_of_a_page_are_named_on_the_public_address(client):
    html = client.get("/en/").get_data(as_text=True)
    assert f'hreflang="es" href="{PUBLIC}/es/"' in html


def test_an_invitation_link_is_on_the_public_address(tmp_path, migrated_database, mailbox, app):
    """The admin signed in at localhost (allowed: the public address is on loopback, as with `make
    run`); the link is written on the public address all the same."""
    (tmp_path / "loopback").mkdir()
    loopback = make_app(tmp_path / "loopback", migrated_database, PUBLIC_BASE_URL="http://127.0.0.1:5000",
                        MAIL_SERVER=app.config["MAIL_SERVER"], MAIL_PORT=app.config["MAIL_PORT"])
    loopback.test_client_class = OneContextPerRequestClient  # Flask-Login's user is kept in g
    with in_app_context(loopback):
        client = sign_in(loopback.test_client(), make_staff(Role.ADMIN))
        response = client.post("/staff/people/invite", data={
            "csrf_token": page_token(client), "email": "new@example.org", "role": "member", "team_id": "1"})
    assert "We emailed the invitation link." in response.get_data(as_text=True)
    [envelope] = mailbox.messages
    body = mail_body(envelope)
    assert re.search(r"http://127\.0\.0\.1:5000/staff/invite/\S+", body)
    assert "localhost" not in body


def test_without_a_public_address_the_app_refuses_to_start(monkeypatch):
    monkeypatch.delenv("PUBLIC_BASE_URL")
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL is not set"):
        create_app()


@pytest.mark.parametrize("address", ["noticed.example.org", "https://noticed.example.org/noticed",
                                     "ftp://noticed.example.org", "https://user:pw@noticed.example.org"])
def test_a_public_address_that_is_not_an_origin_is_refused(monkeypatch, address):
    monkeypatch.setenv("PUBLIC_BASE_URL", address)
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be"):
        create_app()


def test_a_loopback_public_address_answers_both_loopback_names(tmp_path, migrated_database):
    """`make run` sets http://127.0.0.1:5000; a browser opened at localhost:5000 works too."""
    app = make_app(tmp_path, migrated_database, PUBLIC_BASE_URL="http://127.0.0.1:5000")
    with in_app_context(app):
        for host in ("127.0.0.1:5000", "localhost:5000"):
            assert app.test_client().get("/en/", headers={"Host": host}).status_code == 200
        assert app.test_client().get("/en/", headers={"Host": "evil.example"}).status_code == 400
