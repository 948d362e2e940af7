"""Posters in a real Chromium: a business registers and prints a poster, a phone scanning the
printed code lands on the report form with the place filled in, and the place travels with a
report that waited on the phone for the network."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import pytest
import zxingcpp
from PIL import Image

from app.extensions import db
from app.models.place import PlaceKind
from app.services.places import PlaceDetails, register_place
from tests.browser.helpers import fill_report, outbox, send, wait_until

FLUSH = "NoticedQueue.flush(document.body.dataset.api, {force: true})"


def place_in(live_server, language="en") -> tuple[str, str]:
    """A registered place's code and manage key, made straight through the service."""
    with live_server.app.app_context():
        details = PlaceDetails("Main Street Pharmacy", PlaceKind.BUSINESS, "Springfield", language=language)
        registration = register_place(db.session, details, datetime.now(timezone.utc))
        code, key = registration.place.code, registration.manage_token
        db.session.remove()
    return code, key


def register_in_browser(page) -> str:
    page.goto("/en/places/new")
    page.get_by_label("Name of the place").fill("Main Street Pharmacy")
    page.get_by_label("What kind of place is it?").select_option("business")
    page.get_by_label("City or area").fill("Springfield")
    page.get_by_role("button", name="Make my poster code").click()
    return page.locator(".receipt-code").inner_text()


def scan(png: bytes) -> str:
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return barcode.text


def test_a_phone_scanning_the_printed_poster_lands_on_the_form_with_the_place(live_server, browser):
    owner = browser.new_context(base_url=live_server.url, viewport={"width": 1000, "height": 1300},
                                service_workers="block")
    page = owner.new_page()
    code = register_in_browser(page)
    page.get_by_role("link", name="Print your posters").click()
    page.get_by_role("button", name="Open the poster to print").click()
    page.emulate_media(media="print")
    printed = page.locator(".sheet").screenshot()  # the sheet as it prints, at 96 dpi
    owner.close()

    link = scan(printed)
    assert link == f"{live_server.url}/r/{code}"
    phone = browser.new_context(locale="es-ES", viewport={"width": 360, "height": 740}, service_workers="block")
    page = phone.new_page()
    page.goto(link)
    assert page.url == f"{live_server.url}/es/report?place={code}"
    assert page.get_by_text("Reportando desde: Main Street Pharmacy").is_visible()
    assert page.locator("[name=place]").input_value() == code
    phone.close()


def test_the_place_survives_a_report_sent_while_the_network_was_down(live_server, browser_page):
    code, _key = place_in(live_server)
    page = browser_page
    page.goto(f"/r/{code}")
    page.get_by_text("Reporting from: Main Street Pharmacy").wait_for()
    live_server.stop()  # the signal drops while the reporter writes
    fill_report(page)
    send(page)
    wait_until(lambda: len(outbox(page)) == 1)
    [waiting] = outbox(page)
    assert waiting["fields"]["place"] == code

    live_server.start()  # back online
    page.evaluate(f"() => {{ {FLUSH}; }}")
    assert live_server.wait_for_reports(1) == 1
    wait_until(lambda: outbox(page) == [])
    [report] = live_server.reports()
    assert report.place_code == code


@pytest.mark.parametrize("size, points", [("a4", (595, 842)), ("letter", (612, 792)), ("tent", (298, 420))])
def test_each_poster_size_prints_on_one_page_of_its_paper(live_server, browser_page, size, points):
    _code, key = place_in(live_server)
    page = browser_page
    page.goto(f"/en/places/poster?key={key}&size={size}&language=en&second=ar")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, "the poster spilled onto a second page"
    width, height = (float(n) for n in boxes[0])
    assert abs(width - points[0]) < 2 and abs(height - points[1]) < 2
