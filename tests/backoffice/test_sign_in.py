"""Signing in with two factors: enrolment at the first sign-in, recovery codes, growing delays
after repeated failures (never a lock, and the same for an e-mail without an account), a new
session after sign-in, and safe cookies."""
from __future__ import annotations

import re
import statistics
import time
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
from click.testing import CliRunner
from limits.storage import MemoryStorage

from app.extensions import db
from app.models.staff import Role
from app.services import staff as accounts
from app.services.audit import AuditFilter, entries
from app.services.staff import Attempt
from app.services.throttle import ACCOUNT_FREE_FAILURES, LONGEST_WAIT, SignInThrottle
from tests.backoffice.conftest import (PASSWORD, csrf_token, make_staff, page_token, submit_code, submit_password,
                                       totp_code)
from tests.backoffice.test_alerts import inbox  # noqa: F401 (a fixture: a real SMTP server)
from tests.conftest import hidden_fields, make_app

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WRONG = "The email or the password is wrong."


@pytest.fixture
def throttle():
    return SignInThrottle(MemoryStorage(), "test secret")


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
    assert WRONG in wrong_password
    assert WRONG in unknown_email


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


def test_a_totp_code_cannot_be_used_twice(app, throttle):
    staff = make_staff(Role.MEMBER)
    code = pyotp.TOTP(staff.totp_secret).at(NOW)
    attempts = throttle.attempts(staff.email, "client")
    assert accounts.check_second_factor(db.session, staff, code, attempts, NOW).outcome == Attempt.ACCEPTED
    assert accounts.check_second_factor(db.session, staff, code, attempts, NOW).outcome == Attempt.REJECTED


def test_repeated_failures_bring_growing_delays_of_minutes(app, throttle):
    staff = make_staff(Role.MEMBER)
    attempts = throttle.attempts(staff.email, "client")
    waits = []
    moment = NOW
    for _ in range(8):
        result = accounts.check_password(db.session, staff.email, "wrong password!", attempts, moment)
        assert result.outcome == Attempt.REJECTED
        waits.append(result.wait // timedelta(minutes=1))
        moment += result.wait
    assert waits == [0, 0, 0, 0, 1, 2, 4, 8]


def test_a_try_inside_the_delay_is_not_even_checked(app, throttle):
    staff = make_staff(Role.MEMBER)
    attempts = throttle.attempts(staff.email, "client")
    for _ in range(ACCOUNT_FREE_FAILURES):
        accounts.check_password(db.session, staff.email, "wrong password!", attempts, NOW)
    soon = NOW + timedelta(seconds=1)
    result = accounts.check_password(db.session, staff.email, PASSWORD, attempts, soon)
    assert result.outcome == Attempt.TOO_SOON
    later = accounts.check_password(db.session, staff.email, PASSWORD, attempts, soon + result.wait)
    assert later.outcome == Attempt.ACCEPTED


def test_failures_alone_never_lock_an_account_not_even_an_admins(app, throttle):
    admin = make_staff(Role.ADMIN)
    attempts = throttle.attempts(admin.email, "client")
    moment = NOW
    for _ in range(100):
        result = accounts.check_password(db.session, admin.email, "wrong password!", attempts, moment)
        assert result.wait <= LONGEST_WAIT
        moment += result.wait
    assert accounts.check_password(db.session, admin.email, PASSWORD, attempts, moment).outcome == Attempt.ACCEPTED


def test_wrong_second_factors_slow_down_the_account_too(app, throttle):
    staff = make_staff(Role.MEMBER)
    attempts = throttle.attempts(staff.email, "client")
    for _ in range(ACCOUNT_FREE_FAILURES):
        accounts.check_second_factor(db.session, staff, "12345x", attempts, NOW)
    result = accounts.check_password(db.session, staff.email, PASSWORD, attempts, NOW + timedelta(seconds=1))
    assert result.outcome == Attempt.TOO_SOON


def test_one_client_guessing_at_many_accounts_is_slowed_down(app, throttle):
    moment, results = NOW, []
    for number in range(25):  # a different e-mail each time: only the client's counter grows
        attempts = throttle.attempts(f"guess{number}@example.org", "one client")
        results.append(accounts.check_password(db.session, f"guess{number}@example.org", "password?", attempts, moment))
    assert results[-1].wait > timedelta(0)
    other_client = throttle.attempts("guess99@example.org", "another client")
    assert other_client.wait(moment) == timedelta(0)


def wrong_tries(client, email: str, count: int) -> list[str]:
    """The error shown after each of `count` wrong passwords."""
    shown = []
    for _ in range(count):
        page = submit_password(client, email, "not the password at all").get_data(as_text=True)
        shown.append(re.search(r'<div class="error-summary" role="alert"><p>([^<]*)</p>', page).group(1))
    return shown


def test_a_stranger_gets_the_same_answers_for_a_staff_email_and_an_unknown_one(app):
    staff = make_staff(Role.ADMIN)
    known = wrong_tries(app.test_client(), staff.email, ACCOUNT_FREE_FAILURES + 2)
    unknown = wrong_tries(app.test_client(), "nobody@example.org", ACCOUNT_FREE_FAILURES + 2)
    assert known == unknown
    assert known[0] == WRONG
    assert known[-1] == "Too many tries. Wait 1 minute and try again."
    assert not any("lock" in shown.lower() for shown in known)


def test_a_known_and_an_unknown_email_take_about_as_long_to_refuse(app, throttle):
    staff = make_staff(Role.MEMBER)

    def seconds_to_refuse(email: str) -> float:
        attempts = throttle.attempts(email, "client")
        started = time.perf_counter()
        accounts.check_password(db.session, email, "not the password", attempts)
        attempts.succeeded()  # no wait builds up during the measurement
        return time.perf_counter() - started

    known, unknown = [], []
    for _ in range(7):  # interleaved, so a busy moment on the machine hits both
        known.append(seconds_to_refuse(staff.email))
        unknown.append(seconds_to_refuse("nobody@example.org"))
    ratio = statistics.median(known) / statistics.median(unknown)
    assert 0.67 < ratio < 1.5, (known, unknown)


def test_the_account_holder_is_emailed_when_the_waits_begin(app, inbox):  # noqa: F811
    staff = make_staff(Role.MEMBER)
    wrong_tries(app.test_client(), "nobody@example.org", ACCOUNT_FREE_FAILURES + 1)
    wrong_tries(app.test_client(), staff.email, ACCOUNT_FREE_FAILURES + 1)
    [envelope] = inbox.wait_for(1)
    time.sleep(0.5)  # a second message, or one for the unknown e-mail, would have come by now
    assert len(inbox.envelopes) == 1
    assert envelope.rcpt_tos == [staff.email]
    text = envelope.content.decode()
    assert "Failed sign-ins to your Noticed account" in text and "tell an admin" in text


def test_admin_lets_a_slowed_down_account_try_again_at_once(app, staff_client):
    member = make_staff(Role.MEMBER)
    stranger = app.test_client()
    wrong_tries(stranger, member.email, ACCOUNT_FREE_FAILURES)
    admin_client, _ = staff_client(Role.ADMIN)
    assert "Sign-ins slowed down after failed tries" in admin_client.get("/staff/people").get_data(as_text=True)
    response = admin_client.post(f"/staff/people/{member.id}/unlock", data={"csrf_token": page_token(admin_client)})
    assert "can try to sign in again now" in admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert submit_password(app.test_client(), member.email).headers["Location"] == "/staff/sign-in/code"


def test_cli_lets_a_slowed_down_account_try_again(app):
    member = make_staff(Role.MEMBER)
    wrong_tries(app.test_client(), member.email, ACCOUNT_FREE_FAILURES)
    result = app.test_cli_runner().invoke(args=["staff", "unlock", member.email])
    assert result.exit_code == 0, result.output
    assert submit_password(app.test_client(), member.email).headers["Location"] == "/staff/sign-in/code"


def test_a_disabled_account_gets_the_answer_a_wrong_password_gets(client):
    staff = make_staff(Role.MEMBER)
    accounts.set_active(db.session, staff, False, make_staff(Role.ADMIN))
    response = submit_password(client, staff.email)
    assert response.status_code == 422
    assert WRONG in response.get_data(as_text=True)


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
    assert submit_password(app.test_client(), "lead@example.org").headers["Location"] == "/staff/sign-in/enrol"
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
