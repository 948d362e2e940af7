"""The receipt a phone shows after Send says, at its top, what is true: not sent yet (and, with
someone in danger now, that 911 is the way), then sent and when."""
from __future__ import annotations

import re

from tests.browser.helpers import SENT, fill_report, outbox, send, wait_until

NOT_SENT = "Not sent yet: no connection. It will be sent by itself when the phone is back online."
NOBODY_HAS_IT = "This has not reached anyone yet. If someone is in danger now, call 911."
PHONE_HEIGHT = 740


def in_view(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE_HEIGHT


def test_a_report_sent_with_no_connection_says_not_sent_yet_then_sent_with_its_time(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    fill_report(page)
    page.context.set_offline(True)  # the signal is gone
    send(page)
    not_sent = page.locator(".sent-receipt").get_by_text(NOT_SENT)
    not_sent.wait_for()
    assert in_view(not_sent)  # at the top, where the person looks, not below the fold
    assert page.locator(".sent-receipt [data-slot=state][role=status]").inner_text() == NOT_SENT  # read out too
    page.wait_for_timeout(1500)
    assert not_sent.is_visible()  # and it stays true while the phone is offline
    assert len(outbox(page)) == 1 and live_server.report_count() == 0

    page.context.set_offline(False)  # back online: sent by itself, no tap needed
    sent = page.locator(".sent-receipt").get_by_text(SENT)
    sent.wait_for(timeout=15000)
    assert re.search(r"Sent at \d{1,2}:\d{2}\s?[AP]M\.", sent.inner_text())  # the time, as English writes it
    assert in_view(sent)
    assert not page.get_by_text("Not sent yet").is_visible()
    assert live_server.wait_for_reports(1) == 1
    wait_until(lambda: outbox(page) == [])


def test_the_time_sent_is_written_in_the_readers_language(live_server, browser):
    context = browser.new_context(viewport={"width": 360, "height": PHONE_HEIGHT}, service_workers="block",
                                  base_url=live_server.url, timezone_id="UTC")
    page = context.new_page()
    page.goto("/ko/report")
    page.locator("input[name=kind][value=online]").check()
    page.locator("textarea[name=description]").fill("그가 금요일에 총을 가져오겠다고 올렸어요.")
    page.locator("#send-report").click()
    state = page.locator(".sent-receipt [data-slot=state]")
    wait_until(lambda: "오전" in state.inner_text() or "오후" in state.inner_text())  # Korean writes "오후 2:03"
    assert live_server.wait_for_reports(1) == 1
    context.close()


def test_with_danger_now_an_unsent_report_says_nobody_has_it_and_to_call_911(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    fill_report(page)
    page.locator("input[name=danger_now][value=yes]").check()
    page.context.set_offline(True)
    send(page)
    warning = page.locator(".sent-receipt [role=alert]")
    warning.wait_for()
    assert warning.inner_text() == NOBODY_HAS_IT
    assert in_view(warning)
    call = warning.locator("a[href='tel:911']")
    assert call.inner_text() == "call 911"
    assert call.bounding_box()["height"] >= 44  # a thumb-sized target, like the other emergency links
    assert page.locator(".sent-receipt").get_by_text(NOT_SENT).is_visible()

    page.context.set_offline(False)
    page.locator(".sent-receipt").get_by_text(SENT).wait_for(timeout=15000)
    assert not warning.is_visible()  # it has reached the team now
    [report] = live_server.reports()
    assert report.danger_now.value == "yes"


def test_without_danger_now_an_unsent_report_shows_no_911_line(live_server, browser_page):
    page = browser_page
    page.goto("/en/report")
    fill_report(page)
    page.locator("input[name=danger_now][value=no]").check()
    page.context.set_offline(True)
    send(page)
    page.locator(".sent-receipt").get_by_text(NOT_SENT).wait_for()
    assert not page.get_by_text("This has not reached anyone yet").is_visible()
    page.context.set_offline(False)
