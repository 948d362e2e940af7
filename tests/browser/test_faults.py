"""Faults and abuse, as a phone lives them, in a real Chromium: a flood that trips the rate
limit, the database going down; the report waits on the phone and arrives exactly once. And the
honeypot: out of sight and out of the Tab order for people; what a bot sends is kept, flagged."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.models.report import Report
from app.reporting.forms import HONEYPOT_FIELD_NAME
from tests.browser.conftest import LiveServer
from tests.browser.helpers import SENT, fill_report, outbox, send, wait_until
from tests.conftest import make_app
from tests.robustness.faults import allow_connections, refuse_connections

API = "/api/v1/reports"


@pytest.fixture
def serve(tmp_path, migrated_database):
    """Start the app with these settings on loopback (stopped at the end)."""
    servers = []

    def start(**config):
        server = LiveServer(make_app(tmp_path, migrated_database, **config))
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
        with server.app.app_context():
            db.engine.dispose()


def phone_page(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block",
                                  base_url=server.url)
    return context.new_page()


def answers_to_reports(page) -> list[int]:
    statuses = []
    page.on("response", lambda response: statuses.append(response.status) if response.url.endswith(API) else None)
    return statuses


def wait_on(page, predicate, timeout: float) -> None:
    """Like helpers.wait_until, but lets Playwright deliver the page's events while waiting (its
    sync API only does so inside its own calls)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(100)


def post_json(url: str, body: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_flood_gets_429_and_the_phones_report_waits_then_arrives_once(browser, serve):
    server = serve(RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="3 per 6 seconds")
    page = phone_page(browser, server)
    statuses = answers_to_reports(page)
    page.goto("/en/report")
    fill_report(page, "Sent in the middle of a flood")

    flood = [post_json(server.url + API, {}) for _ in range(5)]  # from the same address as the phone
    assert flood == [422, 422, 422, 429, 429]
    send(page)

    wait_on(page, lambda: 429 in statuses, timeout=5)
    [record] = outbox(page)  # refused for now, kept on the phone, to be tried again by itself
    assert record["state"] == "waiting"
    assert record["fields"]["description"] == "Sent in the middle of a flood"
    assert server.report_count() == 0

    assert server.wait_for_reports(1, timeout=40) == 1  # after the window, a retry gets through
    page.get_by_text(SENT).wait_for(timeout=10000)
    wait_until(lambda: outbox(page) == [])
    assert statuses[0] == 429 and statuses[-1] == 201
    assert set(statuses) == {429, 201} and statuses.count(201) == 1
    [report] = server.reports()
    assert report.description == "Sent in the middle of a flood"
    page.context.close()


def count_reports(url: str) -> int:
    """Counted on a connection of its own: the app's pool may still hold connections that the
    outage killed."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Report)).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_with_the_database_down_the_report_waits_on_the_phone_and_arrives_once_it_is_back(
        browser, serve, postgres_cluster, postgres_template):
    url = postgres_cluster.url(postgres_cluster.new_database(template=postgres_template))
    server = serve(database_url=url)
    page = phone_page(browser, server)
    statuses = answers_to_reports(page)
    page.goto("/en/report")
    fill_report(page, "Sent while the database was down")

    refuse_connections(postgres_cluster, url)
    try:
        send(page)
        wait_on(page, lambda: statuses.count(503) >= 2, timeout=15)  # refused, and retried by itself
        [record] = outbox(page)
        assert record["state"] == "waiting"
        assert "Not sent yet: our server is busy." in page.locator(".sent-receipt").inner_text()
    finally:
        allow_connections(postgres_cluster, url)

    wait_on(page, lambda: count_reports(url) >= 1, timeout=40)
    page.get_by_text(SENT).wait_for(timeout=20000)
    wait_until(lambda: outbox(page) == [])
    page.wait_for_timeout(500)  # and nothing more arrives just after
    assert count_reports(url) == 1
    assert 500 not in statuses
    assert statuses.count(201) == 1 and statuses[-1] == 201
    assert set(statuses) <= {503, 201}
    page.context.close()


def test_the_honeypot_is_out_of_sight_and_out_of_reach_of_the_tab_key(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    wrapper = page.locator(f"div.visually-hidden:has(input[name={HONEYPOT_FIELD_NAME}])")
    box = wrapper.bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1  # all a person could see is one clipped pixel
    assert wrapper.evaluate("e => getComputedStyle(e).overflow") == "hidden"
    assert wrapper.evaluate("e => getComputedStyle(e).position") == "absolute"  # and it takes no room
    # Not in the accessibility tree either: no screen reader announces it.
    assert page.get_by_role("textbox", name="Leave this empty").count() == 0
    focused = []
    page.locator("body").focus()
    for _ in range(80):  # more than a whole round of the page (the date field alone takes 7 stops)
        page.keyboard.press("Tab")
        focused.append(page.evaluate("(e => e.type === 'submit' ? 'submit' : e.name || e.id)(document.activeElement)"))
    assert {"description", "photos", "submit"} <= set(focused)  # the whole form was tabbed through...
    assert HONEYPOT_FIELD_NAME not in focused  # ...without ever stopping at the honeypot


def test_a_bot_filling_the_honeypot_is_told_sent_and_the_report_is_kept_flagged(live_server, browser_page):
    page = browser_page
    statuses = answers_to_reports(page)
    page.goto("/en/report")
    fill_report(page, "Buy cheap watches")
    page.evaluate(f"document.querySelector('input[name={HONEYPOT_FIELD_NAME}]').value = 'https://spam.example'")
    send(page)
    page.get_by_text(SENT).wait_for()
    wait_until(lambda: outbox(page) == [])
    assert statuses == [201]
    assert live_server.wait_for_reports(1) == 1
    assert [report.possibly_automated for report in live_server.reports()] == [True]
