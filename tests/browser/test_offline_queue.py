"""The central promise, in a real Chromium: a report, once Send is tapped, arrives exactly once."""
from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from app.extensions import db
from app.models.report import Channel
from app.services.reports import find_by_receipt
from tests.browser.helpers import (SENT, fill_report, outbox, queue_reports, send, wait_for_offline_copy,
                                   wait_until)
from tests.factories import api_report, photo_with_gps


def test_report_written_offline_arrives_once_after_the_browser_is_reopened(live_server, phone):
    context = phone(live_server.url)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/en/report")
    wait_for_offline_copy(page, "/en/report", "/en/")
    live_server.stop()  # no signal
    fill_report(page)
    send(page)
    page.get_by_text("Saved on this phone. It will be sent when you are back online").wait_for()
    receipt = page.locator(".sent-receipt .receipt-code").inner_text()
    assert len(receipt) == 14
    assert len(outbox(page)) == 1
    context.close()  # the browser is closed, the phone put away

    live_server.start()  # back online
    context = phone(live_server.url)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/en/")
    assert live_server.wait_for_reports(1) == 1
    wait_until(lambda: outbox(page) == [])
    [report] = live_server.reports()
    assert report.channel == Channel.OFFLINE_SYNC
    assert report.kind.value == "online"


def test_server_error_then_success_stores_the_report_once(live_server, browser_page):
    page = browser_page
    answers = []

    def flaky(route):
        answers.append(route.request.post_data)
        if len(answers) == 1:
            route.fulfill(status=500, body="boom")
        else:
            route.continue_()

    page.route("**/api/v1/reports", flaky)
    page.goto("/en/report")
    fill_report(page)
    send(page)
    page.get_by_text(SENT).wait_for(timeout=15000)
    assert live_server.wait_for_reports(1) == 1
    assert len(answers) == 2
    assert answers[0] == answers[1]  # every retry is the very same request


def test_response_lost_after_the_server_stored_the_report_is_a_replay(live_server, browser_page):
    page = browser_page
    statuses = []

    def lose_first_answer(route):
        if not statuses:
            response = route.fetch()  # the server stores the report...
            statuses.append(response.status)
            route.abort("connectionreset")  # ...but the phone never hears back
        else:
            response = route.fetch()
            statuses.append(response.status)
            route.fulfill(response=response)

    page.route("**/api/v1/reports", lose_first_answer)
    page.goto("/en/report")
    fill_report(page)
    send(page)
    page.get_by_text(SENT).wait_for(timeout=15000)
    assert statuses == [201, 200]
    assert live_server.wait_for_reports(1) == 1
    assert outbox(page) == []


def test_a_code_another_report_holds_is_replaced_and_the_phone_shows_the_servers_code(live_server, browser_page):
    page = browser_page
    statuses, receipts = [], []

    def taken_code_then_lost_answer(route):
        sent = json.loads(route.request.post_data)
        if not statuses:
            # Someone else's report already holds the code this phone made up.
            other = api_report(receipt=sent["receipt"])
            assert live_server.app.test_client().post("/api/v1/reports", json=other).status_code == 201
        response = route.fetch()
        statuses.append(response.status)
        receipts.append(response.json()["receipt"])
        if len(statuses) == 1:
            route.abort("connectionreset")  # stored, but the phone never hears back: it sends again
        else:
            route.fulfill(response=response)

    page.route("**/api/v1/reports", taken_code_then_lost_answer)
    page.goto("/en/report")
    fill_report(page)
    send(page)
    first_shown = page.locator(".sent-receipt .receipt-code").inner_text()
    page.get_by_text(SENT).wait_for(timeout=15000)
    assert statuses == [201, 200]  # the resend is recognised as the same report
    assert receipts[0] == receipts[1] != first_shown
    assert page.locator(".sent-receipt .receipt-code").inner_text() == receipts[0]
    assert page.get_by_text("This is your report's code now").is_visible()
    assert live_server.wait_for_reports(2) == 2
    with live_server.app.app_context():
        mine = find_by_receipt(db.session, receipts[0], live_server.app.config["SECRET_KEY"])
        assert mine.description == "He posted that he will bring a gun to the game on Friday."
        db.session.remove()
    assert outbox(page) == []


def test_send_tapped_twice_is_stored_once(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    fill_report(page)
    page.get_by_role("button", name="Send report").dblclick()
    page.get_by_text(SENT).wait_for()
    assert live_server.wait_for_reports(1) == 1


def test_the_same_outbox_in_two_tabs_sends_each_report_once(live_server, browser_page):
    context = browser_page.context
    context.route("**/api/v1/reports", lambda route: route.abort("internetdisconnected"))
    first = browser_page
    first.goto("/en/report")
    fill_report(first)
    send(first)
    wait_until(lambda: len(outbox(first)) == 1)
    second = context.new_page()
    second.goto("/en/")
    context.unroute("**/api/v1/reports")
    flush = "NoticedQueue.flush(document.body.dataset.api, {force: true})"
    first.evaluate(f"() => {{ {flush}; }}")
    second.evaluate(f"() => {{ {flush}; }}")
    assert live_server.wait_for_reports(1) == 1
    wait_until(lambda: outbox(first) == [] and outbox(second) == [])


def test_a_422_is_shown_and_the_report_stays_on_the_phone(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    fill_report(page, "Words the reporter must not lose")
    page.evaluate("document.querySelector('[name=place]').value = 'not a place!'")
    send(page)
    page.locator("#queue-status .error").wait_for()
    assert "place code is not valid" in page.locator("#queue-status").inner_text()
    [record] = outbox(page)
    assert record["state"] == "attention"
    assert record["fields"]["description"] == "Words the reporter must not lose"
    page.goto("/en/")  # still there on another page, with a way to copy it out
    page.get_by_role("button", name="Copy report").wait_for()
    assert len(outbox(page)) == 1
    assert live_server.report_count() == 0


def test_twenty_reports_queued_offline_all_arrive_in_order(live_server, browser_page):
    page = browser_page
    page.route("**/api/v1/reports", lambda route: route.abort("internetdisconnected"))
    page.goto("/en/")
    queue_reports(page, 20, "Report ")
    assert len(outbox(page)) == 20
    page.unroute("**/api/v1/reports")
    page.reload()  # any page load sends what waits
    assert live_server.wait_for_reports(20, timeout=40) == 20
    assert [r.description for r in live_server.reports()] == [f"Report {i}" for i in range(1, 21)]
    wait_until(lambda: outbox(page) == [])


def test_photo_sent_from_the_phone_is_stored_without_metadata(live_server, browser_page, tmp_path):
    page = browser_page
    picture = tmp_path / "IMG_0042.jpg"
    picture.write_bytes(photo_with_gps())
    page.goto("/en/report")
    fill_report(page)
    page.get_by_label("Photos or screenshots").set_input_files(str(picture))
    send(page)
    assert live_server.wait_for_reports(1) == 1
    folder = tmp_path / "attachments"
    [stored] = list(folder.iterdir())
    data = stored.read_bytes()
    assert b"Test Camera Model" not in data
    assert not Image.open(io.BytesIO(data)).getexif()


def test_form_works_end_to_end_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/es/report")
    page.locator("input[name=kind][value=threat]").check()
    page.locator("textarea[name=description]").fill("Dijo que traería un arma.")
    page.locator("input[type=submit]").click()
    code = page.locator("#receipt-code").inner_text()
    assert len(code) == 14
    assert live_server.wait_for_reports(1) == 1
    assert live_server.reports()[0].language == "es"
    context.close()


@pytest.mark.parametrize("choice, box, links", [
    ("input[name=danger_now][value=yes]", "#danger-now-call", ["tel:911"]),  # "call 911 now"
    ("input[name=kind][value=self_harm]", "#crisis-call", ["tel:988", "sms:988", "tel:911"]),  # the 988 Lifeline
], ids=["danger-now-911", "may-hurt-themselves-988"])
def test_a_choice_shows_who_to_call_without_javascript(browser, live_server, choice, box, links):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/en/report")
    shown = page.locator(box)
    assert not shown.is_visible()
    page.locator(choice).check()
    assert shown.is_visible()
    for link in links:
        assert shown.locator(f"a[href='{link}']").is_visible()
    context.close()


def test_the_saved_receipt_offers_988_when_someone_may_hurt_themselves(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    page.locator("input[name=kind][value=self_harm]").check()
    page.get_by_label("What happened?").fill("She wrote goodbye letters to her friends last night.")
    send(page)
    receipt = page.locator(".sent-receipt")
    receipt.wait_for()
    assert receipt.locator(".crisis-call a[href='tel:988']").is_visible()
    assert live_server.wait_for_reports(1) == 1


def test_a_refused_report_can_be_corrected_and_sent_with_the_same_receipt(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    fill_report(page, "First words")
    page.evaluate("document.querySelector('[name=place]').value = 'not a place!'")
    send(page)
    [refused] = wait_until(lambda: [r for r in outbox(page) if r["state"] == "attention"])
    receipt = page.locator(".sent-receipt .receipt-code").inner_text()
    page.get_by_role("button", name="Correct and send again").click()
    page.wait_for_url("**/en/report?edit=*")
    description = page.get_by_label("What happened?")
    wait_until(lambda: description.input_value() == "First words")
    page.evaluate("document.querySelector('[name=place]').value = ''")
    description.fill("First words, corrected")
    send(page)
    page.get_by_text(SENT).wait_for()
    assert page.locator(".sent-receipt .receipt-code").inner_text() == receipt
    [report] = live_server.reports()
    assert report.description == "First words, corrected"
    wait_until(lambda: outbox(page) == [])
