"""The dashboard: figures drawn as SVG on the server, nothing loaded from elsewhere, each chart
with a table of the same numbers."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from app.extensions import db
from app.models.report import Channel, TriageDecision
from app.models.staff import Role
from app.services import triage
from app.services.dashboard import dashboard
from tests.backoffice.conftest import make_report, make_staff, make_team


def table_rows(html: str, caption: str) -> list[tuple[str, str]]:
    table = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row">([^<]*)</th><td>(\d+)</td>', table)


def received_on(report, moment: datetime):
    report.received_at = moment
    db.session.flush()


def test_reports_are_counted_per_week_including_empty_weeks(app):
    member = make_staff(Role.MEMBER)
    wednesday = date(2026, 3, 4)
    for moment in (datetime(2026, 3, 2, 0, 5, tzinfo=timezone.utc), datetime(2026, 3, 4, 23, 55, tzinfo=timezone.utc),
                   datetime(2026, 2, 22, 23, 59, tzinfo=timezone.utc), datetime(2026, 1, 1, 9, tzinfo=timezone.utc)):
        received_on(make_report(), moment)
    figures = dashboard(db.session, member, wednesday, weeks=3)
    assert figures.reports_per_week == [(date(2026, 2, 16), 1), (date(2026, 2, 23), 0), (date(2026, 3, 2), 2)]


def test_time_to_first_triage_falls_into_bands_with_its_median(app):
    member = make_staff(Role.MEMBER)
    for hours in (0.5, 2, 30, 100):
        report = make_report()
        triage.triage(db.session, report, TriageDecision.MONITOR, member,
                      now=report.received_at + timedelta(hours=hours))
    make_report()  # not triaged yet: in no band
    figures = dashboard(db.session, member, date.today())
    assert figures.triage_bands == [("< 1 h", 1), ("1–4 h", 1), ("4–24 h", 0), ("1–3 days", 1), ("> 3 days", 1)]
    assert figures.median_hours_to_triage == 16.0  # between 2 h and 30 h


def test_dashboard_counts_kinds_channels_places_and_triage_time(app):
    member = make_staff(Role.MEMBER)
    weapons = make_report(kind="weapons", place_code="CAFE0001")
    make_report(kind="weapons", channel=Channel.OFFLINE_SYNC)
    make_report(kind="online")
    triage.triage(db.session, weapons, TriageDecision.MONITOR, member, now=weapons.received_at + timedelta(hours=2))
    figures = dashboard(db.session, member, date.today())
    assert dict(figures.by_kind) == {"weapons": 2, "online": 1}
    assert dict(figures.by_channel) == {"qr_place": 1, "offline_sync": 1, "web_form": 1}
    assert figures.by_place == [("CAFE0001", 1)]
    assert figures.median_hours_to_triage == 2.0
    assert figures.untriaged == 2


def test_dashboard_page_shows_each_chart_as_an_image_beside_a_table(staff_client):
    client, _ = staff_client(Role.VIEWER)
    make_report(kind="weapons")
    make_report(kind="weapons")
    html = client.get("/staff/dashboard").get_data(as_text=True)
    assert html.count('<img src="/staff/dashboard/') == 5
    assert table_rows(html, "Reports by kind") == [("Weapons or attack planning", "2")]
    assert "<script" not in html


def test_chart_is_svg_drawn_here_that_loads_nothing_from_another_host(staff_client):
    client, _ = staff_client(Role.VIEWER)
    make_report(kind="weapons")
    response = client.get("/staff/dashboard/by-kind.svg")
    svg = response.get_data(as_text=True)
    assert response.mimetype == "image/svg+xml"
    assert "<svg" in svg and "Weapons or attack planning" in svg
    assert "<script" not in svg
    assert not re.search(r'(?:href|src)="https?://', svg)
    assert "@import" not in svg
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_the_charts_draw_the_figures_their_page_counted_for_that_team_only(staff_client):
    client, lead = staff_client(Role.LEAD)
    make_report(kind="weapons")
    page = client.get("/staff/dashboard").get_data(as_text=True)
    chart_url = re.search(r'<img src="(/staff/dashboard/by-kind\.svg\?figures=[^"]+)"', page).group(1)
    make_report(kind="online")  # arrives after the page was counted
    assert "Online post or message" not in client.get(chart_url.replace("&amp;", "&")).get_data(as_text=True)
    assert "Online post or message" in client.get("/staff/dashboard/by-kind.svg").get_data(as_text=True)

    other_team, _ = staff_client(Role.LEAD, make_team("Other High School"))
    # Another team's viewer cannot borrow these figures through the address: it counts its own.
    assert "Weapons or attack planning" not in other_team.get(chart_url.replace("&amp;", "&")).get_data(as_text=True)
