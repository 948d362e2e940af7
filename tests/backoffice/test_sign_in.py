"""Signing in with two factors: enrolment at the first sign-in, recovery codes, growing delays and
a lock after repeated failures, a new session after sign-in, and safe cookies."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
from click.testing import CliRunner

from app.extensions import db
from app.models.staff import Role
from app.services import staff as accounts
from app.services.audit import AuditFilter, entries
from app.services.staff import Attempt
from tests.backoffice.conftest import (PASSWORD, csrf_token, make_staff, submit_code, submit_password, totp_code)
from tests.conftest import hidden_fields, make_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def test_password_alone_does_not_sign_in(client):
    staff = make_staff(Role.ADMIN)
    assert submit_password(client, staff.email).headers["Location"] == "/staff/sign-in/code"
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/sign-in")


def test_wrong_second_factor_does_not_sign_in(client):
    staff = make_staff(Role.ADMIN)
    submit_password(client, staff.email)
    wrong = "000000" if totp_code(staff) != "000000" else "111111"
    response = submit_code(client, wrong)
    assert response.status_code == 422
    assert "That code is wrong" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_wrong_password_is_refused_without_saying_whether_the_email_exists(client):
    staff = make_staff(Role.ADMIN)
    wrong_password = submit_password(client, staff.email, "not the password at all").get_data(as_text=True)
    unknown_email = submit_password(client, "nobody@example.org").get_data(as_text=True)
    assert "The email or the password is wrong." in wrong_password
    assert "The email or the password is wrong." in unknown_email


def test_first_sign_in_sets_up_two_factors_before_anything_else(client):
    staff = make_staff(Role.MEMBER, enrolled=False)
    assert submit_password(client, staff.email).headers["Location"] == "/staff/sign-in/enrol"
    enrol_page = client.get("/staff/sign-in/enrol").get_data(as_text=True)
    assert '<svg' in enrol_page  # the QR code, drawn inline
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', enrol_page).group(1)
    response = client.post("/staff/sign-in/enrol", data={"csrf_token": hidden_fields(enrol_page)["csrf_token"],
                                                          "code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    assert len(codes) == accounts.RECOVERY_CODE_COUNT
    assert client.get("/staff/").status_code == 200
    db.session.refresh(staff)
    assert staff.totp_secret == secret


def test_recovery_code_signs_in_once(app):
    staff = make_staff(Role.MEMBER)
    codes = accounts.replace_recovery_codes(staff)
    db.session.commit()
    first = app.test_client()
    submit_password(first, staff.email)
    assert submit_code(first, codes[0].upper()).status_code == 302
    second = app.test_client()
    submit_password(second, staff.email)
    assert submit_code(second, codes[0]).status_code == 422


def test_a_totp_code_cannot_be_used_twice(app):
    staff = make_staff(Role.MEMBER)
    code = pyotp.TOTP(staff.totp_secret).at(NOW)
    assert accounts.check_second_factor(db.session, staff, code, NOW).outcome == Attempt.ACCEPTED
    assert accounts.check_second_factor(db.session, staff, code, NOW).outcome == Attempt.REJECTED


def test_repeated_failures_bring_growing_delays(app):
    staff = make_staff(Role.MEMBER)
    waits = []
    moment = NOW
    for _ in range(6):
        result = accounts.check_password(db.session, staff.email, "wrong password!", moment)
        waits.append(result.wait_seconds)
        moment += timedelta(seconds=result.wait_seconds)
    assert waits == [0, 0, 2, 4, 8, 16]


def test_a_try_inside_the_delay_is_not_even_checked(app):
    staff = make_staff(Role.MEMBER)
    for _ in range(3):
        accounts.check_password(db.session, staff.email, "wrong password!", NOW)
    result = accounts.check_password(db.session, staff.email, PASSWORD, NOW + timedelta(seconds=1))
    assert result.outcome == Attempt.TOO_SOON


def test_account_locks_after_repeated_failures(app):
    staff = make_staff(Role.MEMBER)
    moment = NOW
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        moment += timedelta(minutes=10)  # past every delay
        accounts.check_password(db.session, staff.email, "wrong password!", moment)
    result = accounts.check_password(db.session, staff.email, PASSWORD, moment + timedelta(days=1))
    assert result.outcome == Attempt.LOCKED


def test_locked_account_cannot_sign_in_even_with_the_right_password(client):
    staff = make_staff(Role.MEMBER)
    staff.locked = True
    db.session.commit()
    response = submit_password(client, staff.email)
    assert response.status_code == 422
    assert "locked" in response.get_data(as_text=True)


def test_wrong_second_factors_count_towards_the_lock(app):
    staff = make_staff(Role.MEMBER)
    moment = NOW
    for _ in range(accounts.LOCK_AFTER_FAILURES):
        moment += timedelta(minutes=10)
        accounts.check_second_factor(db.session, staff, "12345x", moment)
    assert staff.locked


def test_admin_unlocks_a_locked_account(app):
    staff = make_staff(Role.MEMBER)
    staff.locked = True
    db.session.commit()
    accounts.unlock(db.session, staff, make_staff(Role.ADMIN))
    assert accounts.check_password(db.session, staff.email, PASSWORD).outcome == Attempt.ACCEPTED


def test_sign_in_starts_a_new_session(client):
    staff = make_staff(Role.MEMBER)
    with client.session_transaction() as session:
        session["planted_by_an_attacker"] = "x"
    submit_password(client, staff.email)
    submit_code(client, totp_code(staff))
    with client.session_transaction() as session:
        assert "planted_by_an_attacker" not in session
        assert "_user_id" in session


def test_session_cookie_is_secure_httponly_and_samesite(tmp_path, migrated_database):
    app = make_app(tmp_path, migrated_database, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    client.get("/staff/sign-in", base_url="https://localhost")
    cookie = client.get_cookie("session", domain="localhost")
    assert cookie.secure and cookie.http_only and cookie.same_site == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    with app.app_context():
        db.engine.dispose()


def test_signing_out_ends_the_session(staff_client):
    client, _ = staff_client(Role.MEMBER)
    html = client.get("/staff/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert client.post("/staff/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/staff/").status_code == 302


def test_cli_creates_an_account_with_the_password_from_standard_input(app):
    result = CliRunner().invoke(app.cli, ["staff", "create", "Lead@Example.org", "--role", "lead"],
                                input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    staff = accounts.find_by_email(db.session, "lead@example.org")
    assert staff.role == Role.LEAD
    assert accounts.check_password(db.session, "lead@example.org", PASSWORD).outcome == Attempt.ACCEPTED
    assert not staff.two_factor_enrolled


def test_cli_refuses_a_short_password(app):
    result = CliRunner().invoke(app.cli, ["staff", "create", "a@example.org", "--role", "admin"], input="short\n")
    assert result.exit_code != 0
    assert "at least" in result.output
    assert accounts.find_by_email(db.session, "a@example.org") is None


def test_admin_invites_and_the_invited_person_chooses_a_password(app, staff_client):
    admin_client, _ = staff_client(Role.ADMIN)
    page = admin_client.get("/staff/people").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    # No mail server in this test: the admin is shown the link to pass on.
    response = admin_client.post("/staff/people/invite", data={"csrf_token": token, "email": "new@example.org",
                                                                "role": "member", "team_id": "1"})
    html = response.get_data(as_text=True)
    link = re.search(r'<code class="secret">http://localhost(/staff/invite/[^<]+)</code>', html).group(1)
    invited = app.test_client()
    form_token = csrf_token(invited, link)
    assert invited.post(link, data={"csrf_token": form_token, "password": PASSWORD}).status_code == 302
    assert submit_password(invited, "new@example.org").headers["Location"] == "/staff/sign-in/enrol"


def test_admin_changes_a_role_and_the_change_is_audited(app, staff_client):
    admin_client, admin = staff_client(Role.ADMIN)
    member = make_staff(Role.MEMBER)
    page = admin_client.get("/staff/people").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    admin_client.post(f"/staff/people/{member.id}/role", data={"csrf_token": token, "role": "lead"})
    db.session.refresh(member)
    assert member.role == Role.LEAD
    assert [e.action for e in entries(db.session, AuditFilter(subject_type="staff", subject_id=member.id))][0] \
        == "staff.role_changed"


def test_the_last_admin_cannot_be_demoted(app):
    admin = make_staff(Role.ADMIN)
    try:
        accounts.change_role(db.session, admin, Role.MEMBER, admin)
    except accounts.StaffError as error:
        assert error.code == "last_admin"
    else:
        raise AssertionError("the last admin was demoted")
