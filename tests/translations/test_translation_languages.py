"""Languages beyond the catalogs: a lead starts one in the browser and its translators make it
readable without a developer; approvals count toward the language menu; a lead marks a machine
draft as reviewed by a fluent speaker."""
from __future__ import annotations

import re

from babel.messages.pofile import read_po

from app.extensions import db
from app.models.staff import Role
from app.services import translations
from tests.translations.conftest import (approve_through_the_pages, change_catalog, form_token, review, suggest,
                                        suggestions)

SOMALI = {  # the report page's title, a question and its button
    "Report a concern": "Soo sheeg walaac",
    "What happened?": "Maxaa dhacay?",
    "Send report": "Dir warbixinta",
}


def start(client, code: str):
    token = form_token(client.get("/staff/translations").get_data(as_text=True))
    return client.post("/staff/translations/languages", data={"csrf_token": token, "code": code})


def switcher_languages(html: str) -> set[str]:
    return set(re.findall(r'hreflang="([^"]+)"', html))


def test_a_lead_starts_somali_and_its_pages_are_served_in_english_until_translated(client, staff_with_languages):
    assert client.get("/so/report").status_code == 404
    lead, _ = staff_with_languages(Role.LEAD)
    response = start(lead, "so")
    assert response.status_code == 302 and response.headers["Location"].endswith("/staff/translations/so")
    assert "Soomaali" in lead.get("/staff/translations").get_data(as_text=True)

    page = client.get("/so/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="so" dir="ltr"' in html
    assert "<h1>Report a concern</h1>" in html
    assert "only partly translated" in html
    assert "so" not in switcher_languages(client.get("/en/").get_data(as_text=True))


def test_translators_make_the_somali_report_form_readable(client, staff_with_languages):
    lead, _ = staff_with_languages(Role.LEAD)
    start(lead, "so")
    author, _ = staff_with_languages(languages="so")
    reviewer, _ = staff_with_languages(languages="so")
    for english, somali in SOMALI.items():
        assert suggest(author, "so", english, somali).status_code == 302
    for suggestion in suggestions():
        assert review(reviewer, suggestion.id).status_code == 302

    html = client.get("/so/report").get_data(as_text=True)
    assert "<h1>Soo sheeg walaac</h1>" in html
    assert "Maxaa dhacay?" in html and 'value="Dir warbixinta"' in html
    assert "only partly translated" in html  # the rest is still English


def test_a_translator_cannot_start_a_language(staff_with_languages):
    translator, _ = staff_with_languages(languages="es")
    token = form_token(translator.get("/staff/translations").get_data(as_text=True))
    response = translator.post("/staff/translations/languages", data={"csrf_token": token, "code": "so"})
    assert response.status_code == 403
    assert "so" not in translations.translatable_languages(db.session, translations.translations_dir_of({
        "BABEL_TRANSLATION_DIRECTORIES": translator.application.config["BABEL_TRANSLATION_DIRECTORIES"]}))


def test_an_unknown_or_existing_code_is_refused_with_a_reason(staff_with_languages):
    lead, _ = staff_with_languages(Role.LEAD)
    refused = lead.get(start(lead, "xx-nonsense").headers["Location"]).get_data(as_text=True)
    assert "not a language code we know" in refused
    again = lead.get(start(lead, "es").headers["Location"]).get_data(as_text=True)
    assert "already here" in again
    assert translations.started_languages(db.session) == []


def test_export_po_writes_the_first_catalog_of_a_started_language(app, catalogs, staff_with_languages):
    lead, _ = staff_with_languages(Role.LEAD)
    start(lead, "so")
    author, _ = staff_with_languages(languages="so")
    suggest(author, "so", "Send report", SOMALI["Send report"])
    review(lead, suggestions()[0].id)

    result = app.test_cli_runner().invoke(args=["translate", "export-po", "so", "--translations-dir", str(catalogs)])
    assert result.exit_code == 0, result.output
    with open(catalogs / "so" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    assert str(catalog.locale) == "so" and not catalog.fuzzy
    assert catalog.get("Send report").string == SOMALI["Send report"]
    assert catalog.get("What happened?").string == ""
    assert len(catalog) == len(translations.load_catalog(catalogs, "es").messages)


def test_an_approved_safety_string_puts_the_language_in_the_menu(client, catalogs, staff_with_languages):
    change_catalog(catalogs, "es", "Send report", translation="")  # one safety-critical string missing
    assert "es" not in switcher_languages(client.get("/en/").get_data(as_text=True))
    approve_through_the_pages(staff_with_languages, "Send report", "Enviar el reporte")
    assert "es" in switcher_languages(client.get("/en/").get_data(as_text=True))


def review_note(html: str) -> bool:
    return 'class="translation-note"' in html


def test_a_lead_marks_a_draft_as_reviewed_and_the_note_goes(client, staff_with_languages):
    assert review_note(client.get("/vi/").get_data(as_text=True))
    lead, _ = staff_with_languages(Role.LEAD)
    overview = lead.get("/staff/translations").get_data(as_text=True)
    assert "awaiting community review" in re.search(r'<tr data-language="vi">(.*?)</tr>', overview, re.S).group(1)
    response = lead.post("/staff/translations/vi/reviewed", data={"csrf_token": form_token(overview)})
    assert response.status_code == 302
    assert not review_note(client.get("/vi/").get_data(as_text=True))
    assert review_note(client.get("/ko/").get_data(as_text=True))


def test_a_translator_cannot_mark_a_language_reviewed(client, staff_with_languages):
    translator, _ = staff_with_languages(languages="vi")
    token = form_token(translator.get("/staff/translations").get_data(as_text=True))
    assert translator.post("/staff/translations/vi/reviewed", data={"csrf_token": token}).status_code == 403
    assert review_note(client.get("/vi/").get_data(as_text=True))
