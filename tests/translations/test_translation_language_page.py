"""A language's page lists what needs work (missing, outdated), with the English, its context and
a link to where it shows; filtered by safety-critical and searched."""
from __future__ import annotations

import html
import re

from app.services.translations import message_key
from tests.translations.conftest import change_catalog, suggest


def row_of(page: str, msgid: str) -> str | None:
    found = re.search(rf'<tr data-key="{message_key(msgid)}">(.*?)</tr>', page, re.S)
    return html.unescape(found.group(1)) if found else None


def test_missing_and_outdated_strings_are_listed_with_their_state(catalogs, staff_with_languages):
    change_catalog(catalogs, "es", "Worried about someone?", fuzzy=True)
    change_catalog(catalogs, "es", "Report a concern", translation="")
    translator, _ = staff_with_languages(languages="es")
    page = translator.get("/staff/translations/es?show=needs_work&safety=&q=").get_data(as_text=True)
    assert "Outdated: the English changed" in row_of(page, "Worried about someone?")
    assert "Missing" in row_of(page, "Report a concern")


def test_a_string_shows_its_english_context_and_a_link_to_the_public_page(staff_with_languages):
    translator, _ = staff_with_languages(languages="es")
    page = translator.get("/staff/translations/es?show=all&q=Worried+about+someone").get_data(as_text=True)
    row = row_of(page, "Worried about someone?")
    assert '<p class="reported">Worried about someone?</p>' in row
    assert '<a href="/es/" target="_blank" rel="noopener">Home page</a>' in row


def test_a_paragraph_of_the_signs_page_links_to_that_page(staff_with_languages):
    translator, _ = staff_with_languages(languages="es")
    page = translator.get("/staff/translations/es?show=all&q=Warning+signs").get_data(as_text=True)
    assert ('<a href="/es/signs" target="_blank" rel="noopener">Warning signs page</a>'
            in row_of(page, "Warning signs"))


def test_the_safety_critical_filter_keeps_only_safety_critical_strings(staff_with_languages):
    translator, _ = staff_with_languages(languages="es")
    page = translator.get("/staff/translations/es?show=all&safety=y&q=report").get_data(as_text=True)
    assert row_of(page, "Send report") is not None  # the report form
    assert row_of(page, "%(num)s report") is None  # the back office's queue


def test_search_finds_a_string_by_its_translation(staff_with_languages):
    translator, _ = staff_with_languages(languages="es")
    page = translator.get("/staff/translations/es?show=all&q=te+preocupa").get_data(as_text=True)
    assert row_of(page, "Worried about someone?") is not None
    assert row_of(page, "Send report") is None


def test_waiting_suggestions_are_listed_for_review_with_buttons_for_a_reviewer(staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", "Send report", "Mandar el reporte")
    page = reviewer.get("/staff/translations/es?show=waiting").get_data(as_text=True)
    row = row_of(page, "Send report")
    assert "Mandar el reporte" in row and "Approve" in row and "Reject" in row
    assert "Approve" not in row_of(author.get("/staff/translations/es?show=waiting").get_data(as_text=True),
                                   "Send report")
