"""Installable and offline: pages open with no signal, and an update never loses a report."""
from __future__ import annotations

import pytest

from tests.browser.helpers import outbox, queue_reports, wait_for_offline_copy, wait_until


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_home_and_report_page_reload_from_the_cache_offline(live_server, browser, lang):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"/{lang}/")
    wait_for_offline_copy(page, f"/{lang}/", f"/{lang}/report", f"/{lang}/signs", f"/{lang}/status")
    home_title = page.locator("h1").inner_text()
    live_server.stop()

    page.reload()
    assert page.locator("h1").inner_text() == home_title
    assert page.locator("html").get_attribute("lang") == lang
    page.goto(f"/{lang}/report")
    assert page.locator("form#report-form textarea[name=description]").is_visible()
    # The stylesheet came from the cache too: the page is laid out, not bare HTML.
    assert page.evaluate("getComputedStyle(document.querySelector('.emergency')).borderInlineStartWidth") != "0px"
    page.goto(f"/{lang}/why-report")  # never visited: the offline page, in the same language
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator(f"a[href='/{lang}/report']").first.is_visible()
    context.close()


def test_a_new_service_worker_version_loses_no_queued_report(live_server, browser):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/en/")
    wait_for_offline_copy(page, "/en/report")
    first_worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    page.route("**/api/v1/reports", lambda route: route.abort("internetdisconnected"))
    queue_reports(page, 3, "Queued before the update ")
    assert len(outbox(page)) == 3

    live_server.app.config["SERVICE_WORKER_REVISION"] = "next"
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    page.get_by_text("A new version of Noticed is ready.").wait_for(timeout=20000)
    with page.expect_event("load"):
        page.get_by_role("button", name="Reload").click()
    wait_until(lambda: page.evaluate("navigator.serviceWorker.controller && navigator.serviceWorker.controller.state === 'activated'"))
    assert page.evaluate("caches.keys()") and page.evaluate("caches.match('/en/report').then(Boolean)")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == first_worker
    assert len(outbox(page)) == 3

    page.unroute("**/api/v1/reports")
    page.get_by_role("button", name="Send now").click()
    assert live_server.wait_for_reports(3) == 3
    wait_until(lambda: outbox(page) == [])
    context.close()


def test_manifest_passes_chromiums_installability_checks(live_server, phone):
    context = phone(live_server.url)  # a real profile: Chromium never offers install in incognito
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/en/")
    wait_for_offline_copy(page, "/en/")
    session = context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = session.send("Page.getAppManifest")
    assert not manifest.get("errors")
    context.close()
