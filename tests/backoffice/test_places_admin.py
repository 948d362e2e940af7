"""Places in the back office: leads and admins list every registered place with its scans and
reports, and fix a misleading name by renaming the place or retiring its code, with a reason kept
in the place's history (the audit log says only that it happened). Nobody else reaches them."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models.place import Place, PlaceKind
from app.models.staff import Role
from app.services.audit import AuditFilter, entries
from app.services.listing import PAGE_SIZE
from app.services.place_admin import PlaceAdminError, retire_by_staff
from app.services.places import PlaceDetails, record_scan, register_place
from tests.backoffice.conftest import csrf_token, make_report, make_staff
from tests.conftest import hidden_fields

MISLEADING = "Don't report, call 555-0100 instead"
REASON = "Name tells people not to report."


def a_place(name: str = "Main Street Pharmacy", area: str = "Springfield", days_ago: int = 0) -> Place:
    registered = datetime.now(timezone.utc) - timedelta(days=days_ago)
    details = PlaceDetails(name=name, kind=PlaceKind.BUSINESS, area=area)
    return register_place(db.session, details, registered).place


def listed_names(client, query: str = "") -> list[str]:
    html = client.get(f"/staff/places{query}").get_data(as_text=True)
    return re.findall(r'<a href="/staff/places/\d+">([^<]*)</a>', html)


def row_of(html: str, place: Place) -> list[str]:
    row = re.search(rf'<tr>\s*<td><a href="/staff/places/{place.id}">.*?</tr>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


def send(client, place: Place, action: str, **answers):
    token = csrf_token(client, f"/staff/places/{place.id}")
    return client.post(f"/staff/places/{place.id}/{action}", data={"csrf_token": token, **answers})


def report_form(app, place: Place) -> str:
    reporter = app.test_client()
    scanned = reporter.get(f"/r/{place.code}", headers={"Accept-Language": "en"})
    return reporter.get(scanned.headers["Location"]).get_data(as_text=True)


def test_a_lead_sees_every_place_newest_first_with_its_scans_and_reports(staff_client):
    older = a_place("Corner Cafe", days_ago=3)
    newer = a_place("Main Street Pharmacy")
    today = datetime.now(timezone.utc).date()  # scans are counted per UTC day
    for _ in range(3):
        record_scan(db.session, newer, today)
    record_scan(db.session, newer, today - timedelta(days=29))
    record_scan(db.session, newer, today - timedelta(days=30))  # too old to count
    make_report(place_code=newer.code)
    make_report(place_code=newer.code)
    client, _ = staff_client(Role.LEAD)
    html = client.get("/staff/places").get_data(as_text=True)
    assert listed_names(client) == ["Main Street Pharmacy", "Corner Cafe"]
    assert "Scans in the last 30 days" in html
    cells = row_of(html, newer)
    registered = cells.pop(5)
    assert cells == ["Main Street Pharmacy", "Business or workplace", "Springfield", newer.code, "English",
                     "In use", "4", "2"]
    assert str(today.year) in registered
    assert row_of(html, older)[-2:] == ["0", "0"]


@pytest.mark.parametrize("search, found", [
    ("pharm", ["Main Street Pharmacy"]),
    ("SHELBY", ["Corner Cafe"]),
    ("100%", []),  # the user's % is a percent sign, not "anything"
])
def test_the_search_finds_places_by_name_or_area(staff_client, search, found):
    a_place("Corner Cafe", area="Shelbyville")
    a_place("Main Street Pharmacy", area="Springfield")
    client, _ = staff_client(Role.LEAD)
    assert listed_names(client, f"?q={search.replace('%', '%25')}") == found


def test_the_search_finds_a_place_by_its_code_in_any_case(staff_client):
    a_place("Corner Cafe")
    wanted = a_place("Main Street Pharmacy")
    client, _ = staff_client(Role.LEAD)
    assert listed_names(client, f"?q={wanted.code.lower()}") == ["Main Street Pharmacy"]


@pytest.mark.parametrize("status, found", [
    ("in_use", ["Main Street Pharmacy"]),
    ("retired", ["Corner Cafe"]),
    ("all", ["Main Street Pharmacy", "Corner Cafe"]),
])
def test_the_filter_shows_places_in_use_retired_or_all(staff_client, status, found):
    retire_by_staff(db.session, a_place("Corner Cafe", days_ago=1), REASON, make_staff(Role.LEAD))
    a_place("Main Street Pharmacy")
    client, _ = staff_client(Role.LEAD)
    assert listed_names(client, f"?status={status}") == found


def test_places_are_listed_a_page_at_a_time(staff_client):
    for number in range(PAGE_SIZE + 1):
        a_place(f"Place {number}", days_ago=number)
    client, _ = staff_client(Role.LEAD)
    assert len(listed_names(client)) == PAGE_SIZE
    assert listed_names(client, "?page=2") == [f"Place {PAGE_SIZE}"]


def test_a_lead_renames_a_place_and_the_report_form_shows_the_new_name(app, staff_client):
    place = a_place(MISLEADING)
    client, _ = staff_client(Role.LEAD)
    response = send(client, place, "rename", new_name="Main Street Pharmacy", rename_reason=REASON)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/places/{place.id}"
    assert "The place is renamed." in client.get(response.headers["Location"]).get_data(as_text=True)
    form = report_form(app, place)
    assert "Reporting from: Main Street Pharmacy" in form
    assert "555-0100" not in form


def test_a_lead_retires_a_place_and_its_code_no_longer_names_it(app, staff_client):
    place = a_place(MISLEADING)
    client, _ = staff_client(Role.LEAD)
    response = send(client, place, "retire", retire_reason=REASON)
    assert response.status_code == 303
    assert place.is_retired
    form = report_form(app, place)
    assert "This poster's code is not in use any more" in form
    assert "555-0100" not in form
    assert hidden_fields(form)["place"] == ""  # the report is sent without the retired code


@pytest.mark.parametrize("action, answers, error_id", [
    ("rename", {"new_name": "Main Street Pharmacy", "rename_reason": "  "}, "rename_reason-error"),
    ("rename", {"new_name": "", "rename_reason": REASON}, "new_name-error"),
    ("retire", {"retire_reason": ""}, "retire_reason-error"),
])
def test_a_missing_answer_changes_nothing_and_is_shown_by_its_field(app, staff_client, action, answers, error_id):
    place = a_place(MISLEADING)
    client, _ = staff_client(Role.LEAD)
    response = send(client, place, action, **answers)
    assert response.status_code == 422
    assert f'id="{error_id}"' in response.get_data(as_text=True)
    assert (place.name, place.retired_at) == (MISLEADING, None)
    assert entries(db.session, AuditFilter("place", place.id)) == []
    assert "No changes by the team." in response.get_data(as_text=True)


def test_renaming_to_the_same_name_is_refused_by_the_field(staff_client):
    place = a_place()
    client, _ = staff_client(Role.LEAD)
    response = send(client, place, "rename", new_name=place.name, rename_reason=REASON)
    assert response.status_code == 422
    assert "That is already the place&#39;s name." in response.get_data(as_text=True)
    assert entries(db.session, AuditFilter("place", place.id)) == []


def test_the_places_history_shows_who_changed_what_and_why(staff_client):
    place = a_place(MISLEADING)
    client, lead = staff_client(Role.LEAD)
    send(client, place, "rename", new_name="Main Street Pharmacy", rename_reason=REASON)
    send(client, place, "retire", retire_reason="Owner put the old name back.")
    page = client.get(f"/staff/places/{place.id}").get_data(as_text=True)
    history = re.search(r'<section id="history".*?</section>', page, re.S).group(0)
    assert history.count(lead.email) == 2
    assert "Owner put the old name back." in history
    assert "Renamed from “Don&#39;t report, call 555-0100 instead” to “Main Street Pharmacy”" in history
    assert "Retire the code" not in page  # no form to retire a retired code


def test_the_audit_log_says_who_changed_the_place_but_not_the_reason_or_the_names(staff_client):
    place = a_place(MISLEADING)
    client, lead = staff_client(Role.LEAD)
    send(client, place, "rename", new_name="Main Street Pharmacy", rename_reason=REASON)
    send(client, place, "retire", retire_reason=REASON)
    logged = entries(db.session, AuditFilter("place", place.id))
    assert [entry.action for entry in logged] == ["place.retired_by_staff", "place.renamed_by_staff"]
    assert {(entry.staff_id, entry.detail) for entry in logged} == {(lead.id, f"code={place.code}")}


def test_retiring_a_retired_code_again_is_refused(app):
    place = a_place()
    lead = make_staff(Role.LEAD)
    retire_by_staff(db.session, place, REASON, lead)
    with pytest.raises(PlaceAdminError, match="already_retired"):
        retire_by_staff(db.session, place, REASON, lead)
    assert len(entries(db.session, AuditFilter("place", place.id))) == 1


def test_an_unknown_place_is_a_404(staff_client):
    client, _ = staff_client(Role.LEAD)
    assert client.get("/staff/places/999").status_code == 404


@pytest.mark.parametrize("role", [Role.MEMBER, Role.VIEWER, Role.TRANSLATOR])
def test_only_leads_and_admins_reach_the_places_pages(staff_client, role):
    place = a_place(MISLEADING)
    client, _ = staff_client(role)
    token = csrf_token(client, "/staff/account/password")
    assert client.get("/staff/places").status_code == 403
    assert client.get(f"/staff/places/{place.id}").status_code == 403
    for action, answers in (("rename", {"new_name": "Taken Over", "rename_reason": REASON}),
                            ("retire", {"retire_reason": REASON})):
        response = client.post(f"/staff/places/{place.id}/{action}", data={"csrf_token": token, **answers})
        assert response.status_code == 403
    assert (place.name, place.retired_at) == (MISLEADING, None)
    assert 'href="/staff/places"' not in client.get("/staff/account/password").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.LEAD, Role.ADMIN])
def test_leads_and_admins_find_places_in_the_navigation(staff_client, role):
    client, _ = staff_client(role)
    page = client.get("/staff/places")
    assert page.status_code == 200
    assert 'href="/staff/places"' in page.get_data(as_text=True)
