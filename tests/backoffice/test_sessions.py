"""Sessions kept on the server: signing out, a new password, a new role or a disabled account end
them everywhere, a copy of the cookie is worth nothing afterwards, and however busy a session
is kept, it ends after an absolute lifetime."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models.staff import Role, StaffSession
from app.services import staff as accounts
from app.services.clock import as_utc
from tests.backoffice.conftest import make_staff, page_token, post
from tests.backoffice.test_access import age_session


def copy_of(app, client):
    """Another browser holding a copy of this browser's session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def sent_to_sign_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/staff/sign-in")


def sessions_of(staff) -> int:
    return db.session.execute(select(func.count()).select_from(StaffSession)
                              .where(StaffSession.staff_id == staff.id)).scalar_one()


def test_a_copied_cookie_is_refused_once_its_owner_signs_out(app, staff_client):
    client, member = staff_client(Role.MEMBER)
    thief = copy_of(app, client)
    assert thief.get("/staff/").status_code == 200  # a copy works while the session lasts...
    assert client.post("/staff/sign-out", data={"csrf_token": page_token(client)}).status_code == 302
    assert sent_to_sign_in(thief.get("/staff/"))  # ...and not a moment after
    assert sent_to_sign_in(client.get("/staff/"))
    assert sessions_of(member) == 0


def test_signing_out_ends_only_that_browsers_session(app, staff_client):
    client, member = staff_client(Role.MEMBER)
    other = make_staff(Role.MEMBER)
    assert sessions_of(member) == 1 and sessions_of(other) == 0
    client.post("/staff/sign-out", data={"csrf_token": page_token(client)})
    assert sessions_of(member) == 0


def test_a_busy_session_still_ends_after_its_absolute_lifetime(app, staff_client):
    client, member = staff_client(Role.MEMBER)
    thief = copy_of(app, client)
    # Used a minute ago, so never idle: only its age can end it.
    age_session(member, started=accounts.SESSION_LIFETIME - timedelta(minutes=2), last_seen=timedelta(minutes=1))
    assert thief.get("/staff/").status_code == 200
    age_session(member, started=timedelta(minutes=3))
    response = thief.get("/staff/")
    assert sent_to_sign_in(response)
    assert "You were signed out because you signed in a long time ago." in thief.get(
        response.headers["Location"]).get_data(as_text=True)
    assert sent_to_sign_in(client.get("/staff/"))  # the session itself is gone, not only the copy


def test_using_a_session_moves_its_idle_timer_but_not_its_age(app, staff_client):
    client, member = staff_client(Role.MEMBER)
    age_session(member, started=timedelta(minutes=20), last_seen=timedelta(minutes=20))
    assert client.get("/staff/").status_code == 200
    row = db.session.execute(select(StaffSession).where(StaffSession.staff_id == member.id)).scalar_one()
    assert as_utc(row.last_seen_at) > as_utc(row.started_at) + timedelta(minutes=19)


def test_a_new_role_ends_the_persons_sessions_everywhere(app, staff_client):
    member_client, member = staff_client(Role.MEMBER)
    thief = copy_of(app, member_client)
    admin_client, _ = staff_client(Role.ADMIN)
    post(admin_client, f"/staff/people/{member.id}/role", {"role": "viewer"})
    assert sent_to_sign_in(member_client.get("/staff/"))
    assert sent_to_sign_in(thief.get("/staff/"))
    assert sessions_of(member) == 0


def test_disabling_an_account_ends_its_sessions_everywhere(app, staff_client):
    member_client, member = staff_client(Role.MEMBER)
    admin_client, _ = staff_client(Role.ADMIN)
    post(admin_client, f"/staff/people/{member.id}/disable")
    assert sent_to_sign_in(member_client.get("/staff/"))
    assert sessions_of(member) == 0
