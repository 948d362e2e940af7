"""A volunteer translator's way through: signed in, they land on the translation pages; a
complete language lists every string to search and fix; a reviewer sees what a suggestion
changes and how it will look; a rejection tells its author why; a string says which page a
reader sees it on."""
from __future__ import annotations

import html
import re

import pyotp
from babel.messages.pofile import read_po, write_po

from app.extensions import db
from app.models.staff import Role
from app.models.translation import SuggestionStatus
from app.services.translation_checks import render_as_allowed
from app.services.translations import Change, word_diff
from tests.backoffice.conftest import PASSWORD, csrf_token, make_staff, submit_code, totp_code
from tests.translations.conftest import change_catalog, message_page, review, suggest, suggestions

HOME_TITLE = "Worried about someone?"
SHIPPED_HOME_TITLE = "¿Te preocupa alguien?"
DANGER_LINK = 'Someone in danger now? <a href="%(tel)s">Call 911</a>'


def text_of(response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


# Landing after sign-in ---------------------------------------------------------------------

def test_a_translator_who_opened_the_staff_home_lands_on_the_translations_after_signing_in(client):
    translator = make_staff(Role.TRANSLATOR)
    translator.languages = "es"
    db.session.commit()
    to_sign_in = client.get("/staff/")
    assert to_sign_in.status_code == 302
    sign_in_page = to_sign_in.headers["Location"]
    client.post(sign_in_page, data={"csrf_token": csrf_token(client, sign_in_page), "email": translator.email,
                                    "password": PASSWORD})
    landed = submit_code(client, totp_code(translator))
    assert landed.headers["Location"].endswith("/staff/translations")
    page = client.get(landed.headers["Location"])
    assert page.status_code == 200 and "Translations" in text_of(page)


def test_after_setting_up_two_step_sign_in_a_translator_continues_to_the_translations(client):
    translator = make_staff(Role.TRANSLATOR, enrolled=False)
    translator.languages = "es"
    db.session.commit()
    client.get("/staff/queue")  # a link someone sent, to a page translators cannot open
    client.post("/staff/sign-in?next=/staff/queue?", data={
        "csrf_token": csrf_token(client), "email": translator.email, "password": PASSWORD})
    enrol = client.get("/staff/sign-in/enrol").get_data(as_text=True)
    secret = re.search(r"\b([A-Z2-7]{32})\b", enrol).group(1)
    done = client.post("/staff/sign-in/enrol", data={"csrf_token": csrf_token(client, "/staff/sign-in/enrol"),
                                                     "code": pyotp.TOTP(secret).now()})
    assert 'href="/staff/translations"' in done.get_data(as_text=True)
    assert client.get("/staff/translations").status_code == 200


# A complete language -----------------------------------------------------------------------

def complete(catalogs, lang: str = "es") -> None:
    """Fill what the test's copy of the catalog lacks, so that nothing needs work."""
    path = catalogs / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang)
    for message in catalog:
        if not message.id:
            continue
        forms = message.string if message.pluralizable else (message.string,)
        if message.fuzzy or not all(forms):  # the English stands in: it passes every check
            message.flags.discard("fuzzy")
            message.string = (message.id[1],) * len(forms) if message.pluralizable else message.id
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=None)


def test_a_complete_language_lists_every_string_and_its_search_finds_any(catalogs, staff_with_languages):
    complete(catalogs)
    translator, _ = staff_with_languages(languages="es")
    with open(catalogs / "es" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        every_string = sum(1 for message in read_po(handle) if message.id)
    page = translator.get("/staff/translations/es")
    assert f"{every_string} strings" in text_of(page)
    assert '<option selected value="all">' in page.get_data(as_text=True)
    found = text_of(translator.get("/staff/translations/es", query_string={"q": "preocupa alguien"}))
    assert SHIPPED_HOME_TITLE in found and "No strings match" not in found


def test_a_language_with_work_to_do_still_lists_only_that_work_first(staff_with_languages, catalogs):
    change_catalog(catalogs, "es", HOME_TITLE, "")
    translator, _ = staff_with_languages(languages="es")
    page = text_of(translator.get("/staff/translations/es"))
    assert HOME_TITLE in page and "Report a concern" not in page.split("Suggestions waiting for review")[1]


# What the reviewer sees --------------------------------------------------------------------

def test_word_diff_shows_what_a_suggestion_removes_and_adds():
    assert word_diff("Llama al 911 ahora", "Llama al 911 o al 119 ahora") == [
        (Change.SAME, "Llama al 911 "), (Change.ADDED, "o al 119 "), (Change.SAME, "ahora")]
    assert word_diff("¿Te preocupa alguien?", "¿Te inquieta alguien?") == [
        (Change.SAME, "¿Te "), (Change.REMOVED, "preocupa"), (Change.ADDED, "inquieta"), (Change.SAME, " alguien?")]


def test_word_diff_compares_chinese_character_by_character():
    assert word_diff("你担心某人吗？", "你担心别人吗？") == [
        (Change.SAME, "你担心"), (Change.REMOVED, "某"), (Change.ADDED, "别"), (Change.SAME, "人吗？")]


def test_only_the_tags_of_the_english_render_in_the_preview():
    assert render_as_allowed(DANGER_LINK, '¿Peligro? <a href="%(tel)s">Llama al 911</a>') == \
        '¿Peligro? <a href="%(tel)s">Llama al 911</a>'
    hijacked = render_as_allowed(DANGER_LINK, '¿Peligro? <a/href=//evil.example/x href="%(tel)s">Llama</a><!--')
    assert "<a" not in hijacked and "&lt;a href=&quot;//evil.example/x&quot;&gt;" in hijacked


def test_the_reviewer_sees_the_changed_words_and_the_rendered_suggestion(staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", HOME_TITLE, "¿Te inquieta alguien?")
    page = reviewer.get("/staff/translations/es?show=waiting").get_data(as_text=True)
    assert "<del>preocupa</del><ins>inquieta</ins>" in page
    assert "As readers will see it:" in page


# Rejection with a reason -------------------------------------------------------------------

def test_a_rejection_carries_a_reason_its_author_reads(staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", HOME_TITLE, "¿Le preocupa alguien a usted?")
    assert review(reviewer, suggestions()[0].id, "reject", reason="Use tú, as the rest of the site.").status_code == 302
    assert suggestions()[0].status == SuggestionStatus.REJECTED
    seen = text_of(author.get(message_page("es", HOME_TITLE)))
    assert "Why it was rejected: Use tú, as the rest of the site." in seen


def test_a_rejection_without_a_reason_is_refused(staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", HOME_TITLE, "¿Le preocupa alguien a usted?")
    response = review(reviewer, suggestions()[0].id, "reject", reason="  ")
    assert suggestions()[0].status == SuggestionStatus.SUGGESTED
    assert "Say in a few words why" in text_of(reviewer.get(response.headers["Location"]))


# Where a string appears ----------------------------------------------------------------------

def test_a_string_says_which_page_a_reader_sees_it_on_and_links_to_it(staff_with_languages):
    translator, _ = staff_with_languages(languages="es")
    page = translator.get(message_page("es", HOME_TITLE)).get_data(as_text=True)
    assert 'href="/es/" target="_blank" rel="noopener">Home page</a>' in page
    assert "templates/" not in page and ".html" not in page
    report = translator.get(message_page("es", "What happened?")).get_data(as_text=True)
    assert 'href="/es/report" target="_blank" rel="noopener">Report a concern page</a>' in report
    assert "app/reporting" not in report
