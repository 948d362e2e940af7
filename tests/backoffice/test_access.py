"""Deny by default: every /staff URL needs a signed-in account of the right role, and each role
can do what it should and nothing more."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.backoffice.access import SIGNED_OUT_PAGE, required_role
from app.extensions import db
from app.models.staff import Role, StaffSession
from app.services.staff import set_active
from app.services.triage import set_routing_rule
from tests.backoffice.conftest import csrf_token, make_report, make_staff, make_team, page_token, post

SIGN_IN_STEPS = {"backoffice.sign_in", "backoffice.second_factor", "backoffice.enrol", "backoffice.accept_invite"}


def staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")]


def example_url(rule, ident: int = 1) -> str:
    """The rule with every argument filled in (the id for numbers, a word for the rest)."""
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(ident) if m.group(1) == "int" else "x", rule.rule)


def request_rule(client, rule, token: str):
    if "GET" in rule.methods:
        return client.get(example_url(rule))
    return client.post(example_url(rule), data={"csrf_token": token})


def test_every_staff_url_sends_an_anonymous_visitor_to_sign_in(app, client):
    token = csrf_token(client)  # so a POST meets the access rule, not only the CSRF check
    rules = [rule for rule in staff_rules(app) if rule.endpoint != "backoffice.sign_in"]
    assert len(rules) > 30
    for rule in rules:
        response = request_rule(client, rule, token)
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/staff/sign-in"), rule.rule


def test_every_staff_view_declares_the_role_it_needs(app):
    undeclared = [rule.endpoint for rule in staff_rules(app)
                  if required_role(app.view_functions[rule.endpoint]) is None
                  and not getattr(app.view_functions[rule.endpoint], SIGNED_OUT_PAGE, False)]
    assert undeclared == []
    signed_out = {rule.endpoint for rule in staff_rules(app)
                  if getattr(app.view_functions[rule.endpoint], SIGNED_OUT_PAGE, False)}
    assert signed_out == SIGN_IN_STEPS


def test_a_staff_view_without_a_declared_role_is_refused_even_to_an_admin(app, staff_client):
    app.add_url_rule("/staff/forgotten", endpoint="backoffice.forgotten", view_func=lambda: "secret")
    client, _ = staff_client(Role.ADMIN)
    response = client.get("/staff/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)


def test_translator_is_refused_every_staff_page_but_the_translation_pages_and_their_own_account(app, staff_client):
    client, _ = staff_client(Role.TRANSLATOR)
    pages = [rule for rule in staff_rules(app) if "GET" in rule.methods and rule.endpoint not in SIGN_IN_STEPS
             and not rule.rule.startswith(("/staff/translations", "/staff/account/"))]
    assert client.get("/staff/account/password").status_code == 200
    for rule in pages:
        assert client.get(example_url(rule)).status_code == 403, rule.rule


def test_viewer_can_read_but_every_change_is_refused(app, staff_client):
    client, _ = staff_client(Role.VIEWER)
    report = make_report()
    assert client.get(f"/staff/reports/{report.id}").status_code == 200
    token = page_token(client)
    changes = [rule for rule in staff_rules(app) if "POST" in rule.methods and "GET" not in rule.methods
               and rule.endpoint not in SIGN_IN_STEPS | {"backoffice.sign_out"}]
    assert len(changes) > 25
    for rule in changes:
        assert client.post(example_url(rule, report.id), data={"csrf_token": token}).status_code == 403, rule.rule


def test_viewer_sees_no_buttons_that_change_a_report(staff_client):
    client, _ = staff_client(Role.VIEWER)
    report = make_report()
    html = client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert "Record decision" not in html
    assert "Send to the reporter" not in html


def test_member_cannot_manage_staff(staff_client):
    client, _ = staff_client(Role.MEMBER)
    assert client.get("/staff/people").status_code == 403
    response = post(client, "/staff/people/invite", {"email": "new@example.org", "role": "admin", "team_id": "1"})
    assert response.status_code == 403


def test_member_cannot_export_or_transfer(staff_client):
    client, _ = staff_client(Role.MEMBER)
    report = make_report()
    assert client.get("/staff/export.csv").status_code == 403
    assert post(client, f"/staff/reports/{report.id}/transfer", {"team_id": "1"}).status_code == 403


def test_lead_can_export_but_not_read_the_audit_log(staff_client):
    client, _ = staff_client(Role.LEAD)
    assert client.get("/staff/export.csv").status_code == 200
    assert client.get("/staff/audit").status_code == 403


def test_staff_see_only_their_own_teams_reports(app, staff_client):
    north = make_team("North High")
    set_routing_rule(db.session, north, None, place_code="NORTH001")
    ours = make_report(description="Ours: default team.")
    theirs = make_report(description="Theirs: North High.", place_code="NORTH001")
    client, _ = staff_client(Role.LEAD)  # in the default team
    assert client.get(f"/staff/reports/{theirs.id}").status_code == 404
    queue = client.get("/staff/").get_data(as_text=True)
    assert f"/staff/reports/{ours.id}" in queue
    assert f"/staff/reports/{theirs.id}" not in queue


def test_admin_sees_every_teams_reports(staff_client):
    north = make_team("North High")
    set_routing_rule(db.session, north, None, place_code="NORTH001")
    theirs = make_report(place_code="NORTH001")
    client, _ = staff_client(Role.ADMIN)
    assert client.get(f"/staff/reports/{theirs.id}").status_code == 200
    assert f"/staff/reports/{theirs.id}" in client.get("/staff/").get_data(as_text=True)


def test_staff_pages_are_never_cached_or_indexed(staff_client):
    client, _ = staff_client(Role.VIEWER)
    for path in ("/staff/", "/staff/sign-in"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in client.get("/staff/").get_data(as_text=True)


def age_session(staff, started: timedelta = timedelta(0), last_seen: timedelta = timedelta(0)) -> None:
    """Move the staff member's session back in time, as if started and last used that long ago."""
    [row] = db.session.execute(select(StaffSession).where(StaffSession.staff_id == staff.id)).scalars()
    row.started_at -= started
    row.last_seen_at -= last_seen
    db.session.commit()


@pytest.mark.parametrize("minutes_idle, signed_in", [(5, True), (31, False)])
def test_session_ends_after_the_idle_timeout(staff_client, minutes_idle, signed_in):
    client, staff = staff_client(Role.VIEWER)
    age_session(staff, started=timedelta(minutes=minutes_idle), last_seen=timedelta(minutes=minutes_idle))
    response = client.get("/staff/")
    assert (response.status_code == 200) is signed_in
    if not signed_in:
        assert response.headers["Location"].startswith("/staff/sign-in")
        assert client.get("/staff/").status_code == 302  # the session is really gone


def test_disabled_account_is_signed_out_at_its_next_request(staff_client):
    client, member = staff_client(Role.MEMBER)
    admin = make_staff(Role.ADMIN)
    set_active(db.session, member, False, admin)
    assert client.get("/staff/").status_code == 302

