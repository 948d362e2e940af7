"""Back-office fixtures: staff accounts with a known second factor, signed-in clients, and reports
stored the way the form and the API store them (through submit_report)."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from flask import current_app
from flask.testing import FlaskClient

from app.extensions import db
from app.models.report import Channel, Report
from app.models.staff import Role, StaffUser, Team
from app.services import staff as accounts
from app.services.attachments import attachment_store
from app.services.receipts import new_receipt
from app.services.reports import ReportContent, Submission, submit_report
from tests.conftest import hidden_fields, on_both_databases

PASSWORD = "a long enough test password"


def pytest_generate_tests(metafunc):
    # Production runs on PostgreSQL: the queue's ordering, search and dates must hold there too.
    on_both_databases(metafunc)


def make_staff(role: Role, team: Team | None = None, email: str | None = None, enrolled: bool = True) -> StaffUser:
    staff = accounts.create_staff(db.session, email or f"{role.value}-{uuid.uuid4().hex[:6]}@example.org", role,
                                  password=PASSWORD, team=team)
    if enrolled:
        staff.totp_secret = pyotp.random_base32()
        db.session.commit()
    return staff


def make_team(name: str) -> Team:
    return accounts.create_team(db.session, name)


def totp_code(staff: StaffUser, steps_ahead: int = 0) -> str:
    totp = pyotp.TOTP(staff.totp_secret)
    return totp.at(datetime.now(timezone.utc) + timedelta(seconds=30 * steps_ahead))


def csrf_token(client, path: str = "/staff/sign-in") -> str:
    return hidden_fields(client.get(path).get_data(as_text=True))["csrf_token"]


def submit_password(client, email: str, password: str = PASSWORD):
    return client.post("/staff/sign-in", data={"csrf_token": csrf_token(client), "email": email, "password": password})


def submit_code(client, code: str):
    token = csrf_token(client, "/staff/sign-in/code")
    return client.post("/staff/sign-in/code", data={"csrf_token": token, "code": code})


def sign_in(client, staff: StaffUser):
    """Both factors, as a person does."""
    assert submit_password(client, staff.email).status_code == 302
    response = submit_code(client, totp_code(staff))
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def page_token(client) -> str:
    """The CSRF token of the signed-in session (every staff page has the sign-out form)."""
    html = client.get("/staff/reassessments").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post(client, path: str, data: dict | None = None, token: str | None = None):
    return client.post(path, data={"csrf_token": token or page_token(client), **(data or {})})


def make_report(**changes) -> Report:
    """A report submitted through submit_report, as the form and the API do."""
    content = {"kind": "threat", "description": "He said he would bring a knife to school.", "danger_now": "no",
               "language": "en"}
    content.update({k: v for k, v in changes.items() if k != "channel"})
    submission = Submission(public_id=str(uuid.uuid4()), receipt=new_receipt(),
                            content=ReportContent(**content), channel=changes.get("channel", Channel.WEB_FORM))
    store = attachment_store(current_app.config)
    return submit_report(db.session, store, submission, current_app.config["SECRET_KEY"]).report


class OneContextPerRequestClient(FlaskClient):
    """Each request in an app context of its own, as in production. The `app` fixture keeps one
    app context open for the whole test, and Flask reuses it for every request: `g` (where
    Flask-Login caches the signed-in user and Flask-WTF its token) would leak between requests.
    The test's own session is expired afterwards, so the test reads what the request wrote."""

    def open(self, *args, **kwargs):
        test_session = db.session()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        test_session.expire_all()
        return response


@pytest.fixture
def app(app):
    app.test_client_class = OneContextPerRequestClient
    return app


@pytest.fixture
def staff_client(app):
    """signed_in(role, team=None) -> (client, staff): a new account, signed in on a new client."""
    def signed_in(role: Role, team: Team | None = None):
        staff = make_staff(role, team)
        return sign_in(app.test_client(), staff), staff
    return signed_in
