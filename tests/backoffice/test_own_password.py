"""Staff change their own password: the current one is checked like at sign-in (same growing
delays, never a lock), the new one follows the account rules, every other session ends, and the
change is audited without the password."""
from __future__ import annotations

import re

import pytest

from app.backoffice.access import sign_in_throttle
from app.extensions import db
from app.models.staff import Role
from app.services.audit import AuditFilter, entries
from app.services.throttle import ACCOUNT_FREE_FAILURES
from tests.backoffice.conftest import PASSWORD, submit_code, submit_password, totp_code
from tests.conftest import hidden_fields

PAGE = "/staff/account/password"
NEW_PASSWORD = "three unrelated words and more"


def change(client, current=PASSWORD, new=NEW_PASSWORD, again=None):
    token = hidden_fields(client.get(PAGE).get_data(as_text=True))["csrf_token"]
    return client.post(PAGE, data={"csrf_token": token, "current_password": current, "new_password": new,
                                   "new_password_again": new if again is None else again})


def error_of(html: str, field: str) -> str:
    """The error shown under a field, checked to be tied to it for screen readers."""
    assert re.search(rf'<input[^>]*aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"[^>]*name="{field}"', html)
    return re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html).group(1)


def failed_tries(email: str) -> int:
    counter = sign_in_throttle().account(email)
    return counter.storage.get(counter.key + ":failures")


def signs_in_with(app, email: str, password: str) -> bool:
    return submit_password(app.test_client(), email, password).status_code == 302


def test_every_page_links_to_changing_the_password(staff_client):
    client, _ = staff_client(Role.VIEWER)
    assert f'href="{PAGE}"' in client.get("/staff/").get_data(as_text=True)


def test_staff_change_their_password_and_it_is_audited_without_it(app, staff_client):
    client, member = staff_client(Role.MEMBER)
    page = client.get(PAGE).get_data(as_text=True)
    for label in ("Current password", "New password", "New password, again"):
        assert f">{label}</label>" in page
    response = change(client)
    assert response.status_code == 302
    assert "You were signed out on every other computer and phone." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert signs_in_with(app, member.email, NEW_PASSWORD)
    assert not signs_in_with(app, member.email, PASSWORD)
    [entry] = [e for e in entries(db.session, AuditFilter("staff", member.id)) if e.action == "staff.password_changed"]
    assert entry.staff_id == member.id
    assert NEW_PASSWORD not in entry.detail and PASSWORD not in entry.detail


def test_a_translator_changes_their_password_too(app, staff_client):
    client, translator = staff_client(Role.TRANSLATOR)
    response = change(client)
    assert response.headers["Location"] == "/staff/translations"
    assert signs_in_with(app, translator.email, NEW_PASSWORD)


def test_the_change_signs_out_every_other_session_and_keeps_this_one(app, staff_client):
    client, member = staff_client(Role.MEMBER)
    other_computer = app.test_client()
    submit_password(other_computer, member.email)
    submit_code(other_computer, totp_code(member, steps_ahead=1))  # the first sign-in's code is used up
    assert other_computer.get("/staff/").status_code == 200
    change(client)
    assert other_computer.get("/staff/").headers["Location"].startswith("/staff/sign-in")
    assert client.get("/staff/").status_code == 200


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_try(staff_client):
    client, member = staff_client(Role.MEMBER)
    stored_hash = member.password_hash
    response = change(client, current="not my password at all")
    assert response.status_code == 422
    assert error_of(response.get_data(as_text=True), "current_password") == "Your current password is wrong."
    db.session.refresh(member)
    assert member.password_hash == stored_hash
    assert failed_tries(member.email) == 1
    assert client.get("/staff/").status_code == 200  # still signed in


def test_after_a_few_wrong_tries_even_the_right_password_waits(app, staff_client):
    client, member = staff_client(Role.MEMBER)
    for _ in range(ACCOUNT_FREE_FAILURES):
        response = change(client, current="not my password at all")
    assert error_of(response.get_data(as_text=True), "current_password") == (
        "Too many tries. Wait 1 minute and try again.")
    assert change(client).status_code == 422  # inside the delay: not even checked
    assert not signs_in_with(app, member.email, NEW_PASSWORD)


def test_many_wrong_current_passwords_never_lock_the_account_or_sign_out(staff_client):
    client, member = staff_client(Role.MEMBER)
    for _ in range(ACCOUNT_FREE_FAILURES + 5):
        response = change(client, current="not my password at all")
    assert "lock" not in response.get_data(as_text=True).lower()
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize(("new", "again", "field", "message"), [
    (NEW_PASSWORD, NEW_PASSWORD + "!", "new_password_again", "The two new passwords are not the same."),
    ("too short", "too short", "new_password", "Use at least 12 characters."),
    ("", "", "new_password", "Choose a password."),
])
def test_the_new_password_must_be_typed_twice_and_follow_the_rules(staff_client, new, again, field, message):
    client, member = staff_client(Role.MEMBER)
    stored_hash = member.password_hash
    response = change(client, new=new, again=again)
    assert response.status_code == 422
    assert error_of(response.get_data(as_text=True), field) == message
    db.session.refresh(member)
    assert member.password_hash == stored_hash


def test_the_new_password_cannot_be_the_email_and_no_try_is_counted(staff_client):
    client, member = staff_client(Role.MEMBER)
    response = change(client, new=member.email.upper())
    assert error_of(response.get_data(as_text=True), "new_password") == (
        "Choose a password that is not your email address.")
    assert failed_tries(member.email) == 0
