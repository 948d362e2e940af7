"""Intake: routing to a team, the queue (most urgent and newest first, filters, search, pages),
a report shown in its own language and as text, triage and transfer."""
from __future__ import annotations

import json
import re
from html import unescape
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.extensions import db
from app.models.place import Place, PlaceKind
from app.models.report import Channel, TriageDecision
from app.models.staff import Role
from app.services import triage
from app.services.audit import AuditFilter, entries
from app.services.listing import PAGE_SIZE
from tests.backoffice.conftest import make_report, make_team, post
from tests.factories import api_report


def queue_report_ids(client, query: str = "") -> list[int]:
    html = client.get(f"/staff/?{query}").get_data(as_text=True)
    return [int(n) for n in re.findall(r'href="/staff/reports/(\d+)"', html)]


def pager_links(html: str) -> dict[str, str]:
    """The pager's links by their words: "Next page" -> its address."""
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    return {words: unescape(href) for href, words in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>',
                                                                   pager.group(0) if pager else "")}


def test_report_from_a_routed_place_goes_to_that_team(app):
    north = make_team("North High")
    triage.set_routing_rule(db.session, north, None, place_code="NORTH001")
    assert make_report(place_code="NORTH001").team == north


def test_report_from_a_place_in_a_routed_area_goes_to_that_areas_team(app):
    district = make_team("East District")
    triage.set_routing_rule(db.session, district, None, area="East District")
    db.session.add(Place(code="EASTCAFE", manage_token_hash="x" * 64, name="Cafe", kind=PlaceKind.BUSINESS,
                         area="east district", contact_email="", language="en", created_at=datetime.now(timezone.utc)))
    db.session.commit()
    assert make_report(place_code="EASTCAFE").team == district


def test_report_without_a_rule_goes_to_the_default_team(app):
    make_team("North High")
    assert make_report(place_code="ELSEWHRE").team.is_default


def test_report_sent_through_the_api_is_routed_too(app, client):
    north = make_team("North High")
    triage.set_routing_rule(db.session, north, None, place_code="NORTH001")
    body = api_report(place="NORTH001")
    assert client.post("/api/v1/reports", data=json.dumps(body), content_type="application/json").status_code == 201
    assert db.session.execute(select(triage.Report)).scalar_one().team == north


def test_queue_puts_danger_now_first_then_urgent_then_newest(staff_client):
    client, _ = staff_client(Role.VIEWER)
    routine_old = make_report(kind="other")
    danger = make_report(kind="other", danger_now="yes")
    urgent = make_report(kind="weapons")
    routine_new = make_report(kind="online")
    routine_new.received_at += timedelta(minutes=5)
    db.session.commit()
    assert queue_report_ids(client) == [danger.id, urgent.id, routine_new.id, routine_old.id]


def test_queue_shows_kind_channel_place_language_and_age(staff_client):
    client, _ = staff_client(Role.VIEWER)
    make_report(kind="self_harm", language="es", place_code="CAFE0001", channel=Channel.OFFLINE_SYNC)
    html = client.get("/staff/").get_data(as_text=True)
    for shown in ("Self-harm", "QR code at a place", "CAFE0001", "Spanish (español)", "ago"):
        assert shown in html


def test_queue_filters_by_kind(staff_client):
    client, _ = staff_client(Role.VIEWER)
    weapons = make_report(kind="weapons")
    make_report(kind="online")
    assert queue_report_ids(client, "kind=weapons") == [weapons.id]


def test_queue_filters_by_channel(staff_client):
    client, _ = staff_client(Role.VIEWER)
    synced = make_report(channel=Channel.OFFLINE_SYNC)
    make_report(channel=Channel.WEB_FORM)
    assert queue_report_ids(client, "channel=offline_sync") == [synced.id]


def test_queue_filters_by_language(staff_client):
    client, _ = staff_client(Role.VIEWER)
    spanish = make_report(language="es", description="Dijo que traería un arma.")
    make_report(language="en")
    assert queue_report_ids(client, "language=es") == [spanish.id]


def test_queue_filters_by_place(staff_client):
    client, _ = staff_client(Role.VIEWER)
    at_cafe = make_report(place_code="CAFE0001")
    make_report(place_code="PARK0001")
    assert queue_report_ids(client, "place=CAFE0001") == [at_cafe.id]


def test_queue_search_finds_words_in_the_report(staff_client):
    client, _ = staff_client(Role.VIEWER)
    found = make_report(description="Talked about the bus depot a lot.")
    make_report(description="Something else entirely.")
    assert queue_report_ids(client, "q=bus+depot") == [found.id]


def test_queue_shows_new_reports_unless_asked_for_triaged_ones(staff_client):
    client, member = staff_client(Role.MEMBER)
    done = make_report()
    waiting = make_report()
    triage.triage(db.session, done, TriageDecision.MONITOR, member)
    assert queue_report_ids(client) == [waiting.id]
    assert queue_report_ids(client, "state=triaged") == [done.id]


def test_queue_is_paged(staff_client):
    client, _ = staff_client(Role.VIEWER)
    newest_first = [make_report().id for _ in range(PAGE_SIZE + 2)][::-1]
    first = client.get("/staff/?kind=threat").get_data(as_text=True)
    assert queue_report_ids(client, "kind=threat") == newest_first[:PAGE_SIZE]
    assert "First page" not in first and "Previous page" not in first
    next_page = pager_links(first)["Next page"]
    assert "kind=threat" in next_page  # the filters stay
    second = client.get(next_page).get_data(as_text=True)
    assert [int(n) for n in re.findall(r'href="/staff/reports/(\d+)"', second)] == newest_first[PAGE_SIZE:]
    assert "Next page" not in second and "Last page" not in second
    back = client.get(pager_links(second)["Previous page"]).get_data(as_text=True)
    assert [int(n) for n in re.findall(r'href="/staff/reports/(\d+)"', back)] == newest_first[:PAGE_SIZE]
    last = client.get(pager_links(first)["Last page"]).get_data(as_text=True)
    assert [int(n) for n in re.findall(r'href="/staff/reports/(\d+)"', last)] == newest_first[-PAGE_SIZE:]


def test_a_queue_link_that_is_not_a_row_key_is_refused(staff_client):
    client, _ = staff_client(Role.VIEWER)
    for bad in ("2.202613451200.7", "1.2", "abc"):
        response = client.get("/staff/", query_string={"after": bad})
        assert response.status_code == 400, bad
        assert "This is not a link to a page of this list." in unescape(response.get_data(as_text=True))


def test_report_is_shown_in_its_own_language_and_labelled(staff_client):
    client, _ = staff_client(Role.VIEWER)
    report = make_report(language="ar", description="قال إنه سيحضر سكينًا.")
    html = client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html
    assert "Written in Arabic (العربية)" in html
    assert "قال إنه سيحضر سكينًا." in html


def test_report_text_with_html_or_script_is_shown_as_text(staff_client):
    client, _ = staff_client(Role.VIEWER)
    report = make_report(description='<script>alert("x")</script><b>bold</b>', involved="<img src=x onerror=alert(1)>")
    html = client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in html


def test_place_is_shown_by_its_name(staff_client):
    client, _ = staff_client(Role.VIEWER)
    db.session.add(Place(code="CAFE0001", manage_token_hash="y" * 64, name="Corner Cafe", kind=PlaceKind.BUSINESS,
                         area="", contact_email="", language="en", created_at=datetime.now(timezone.utc)))
    db.session.commit()
    report = make_report(place_code="CAFE0001")
    assert "Corner Cafe" in client.get(f"/staff/reports/{report.id}").get_data(as_text=True)
    assert "Corner Cafe" in client.get("/staff/").get_data(as_text=True)


def test_place_is_shown_by_its_code_when_it_has_no_name(staff_client):
    client, _ = staff_client(Role.VIEWER)
    report = make_report(place_code="CAFE0001")
    assert "CAFE0001" in client.get(f"/staff/reports/{report.id}").get_data(as_text=True)


def test_triage_records_the_decision_with_who_and_when(staff_client):
    client, member = staff_client(Role.MEMBER)
    report = make_report()
    post(client, f"/staff/reports/{report.id}/triage", {"decision": "monitor"})
    db.session.refresh(report)
    assert report.triage_decision == TriageDecision.MONITOR
    assert report.triaged_by_id == member.id
    assert abs((report.triaged_at.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)).total_seconds()) < 60
    assert report.public_status.value == "reviewing"


def test_transfer_moves_the_report_to_another_team_and_is_audited(staff_client):
    client, lead = staff_client(Role.LEAD)
    north = make_team("North High")
    report = make_report()
    response = post(client, f"/staff/reports/{report.id}/transfer", {"team_id": str(north.id)})
    assert response.headers["Location"] == "/staff/"  # it is no longer this lead's to see
    db.session.refresh(report)
    assert report.team == north
    moved = entries(db.session, AuditFilter(subject_type="report", subject_id=report.id))[0]
    assert (moved.action, moved.staff_id) == ("report.transferred", lead.id)
    assert moved.detail.endswith(f"-> {north.id}")
