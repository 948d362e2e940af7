"""Community translation in a real browser: a translator suggests new Spanish wording for the
report form, a second translator approves it, and the Spanish report page shows it at once; a lead
starts Somali, which Noticed has no catalog for, and its translators put the report form into it."""
from __future__ import annotations

import pyotp

from app.extensions import db
from app.models.staff import Role
from app.services import staff as accounts
from app.services.translations import message_key

PASSWORD = "a long enough browser password"
NEW_WORDING = {  # English -> Spanish, worded unlike the shipped catalog
    "Report a concern": "Cuéntanos qué te preocupa",
    "What happened?": "¿Qué ocurrió?",
    "Send report": "Enviar aviso",
}


def staff_member(email: str, role: Role = Role.TRANSLATOR, languages: str = "es") -> str:
    """An account with two-step sign-in set up; returns the authenticator secret."""
    staff = accounts.create_staff(db.session, email, role, password=PASSWORD)
    staff.languages = languages
    staff.totp_secret = pyotp.random_base32()
    db.session.commit()
    return staff.totp_secret


def signed_in_page(browser, live_server, email: str, secret: str):
    context = browser.new_context(base_url=live_server.url, service_workers="block")
    page = context.new_page()
    page.goto("/staff/translations")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Translations"
    return page


def suggest(page, english: str, translation: str, language_name: str = "Español") -> None:
    page.get_by_label("Show").select_option("all")
    page.get_by_label("Search the English or the translation").fill(english)
    page.get_by_role("button", name="Filter").click()
    page.locator(f'tr[data-key="{message_key(english)}"]').get_by_role("link", name="Translate").click()
    page.get_by_label("Translation", exact=True).fill(translation)
    page.get_by_role("button", name="Suggest this translation").click()
    assert page.get_by_text("Suggestion saved.").is_visible()
    page.get_by_role("link", name=f"All strings in {language_name}").click()


def approve_every_one(reviewer, lang: str, language_name: str, wording: dict[str, str]) -> None:
    """Approve, on the list of suggestions waiting for review, each of these translations."""
    reviewer.goto(f"/staff/translations/{lang}?show=waiting")
    for english, translation in wording.items():
        row = reviewer.locator(f'tr[data-key="{message_key(english)}"]')
        assert row.get_by_role("insertion").first.is_visible()  # the words it changes
        assert row.locator(".rendered").get_by_text(translation).is_visible()  # and how it will look
        row.get_by_role("button", name="Approve").click()
        assert reviewer.get_by_text(f"Approved: readers of {language_name} see it now.").is_visible()


def assert_report_form_reads(page, wording: dict[str, str]) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == wording["Report a concern"]
    assert page.get_by_label(wording["What happened?"]).is_visible()
    assert page.locator("#send-report").get_attribute("value") == wording["Send report"]


def test_two_translators_put_new_wording_on_the_spanish_report_page(browser, live_server):
    with live_server.app.app_context():
        first_secret = staff_member("ana@example.org")
        second_secret = staff_member("luis@example.org")
        db.session.remove()

    author = signed_in_page(browser, live_server, "ana@example.org", first_secret)
    author.get_by_role("link", name="Español").click()
    for english, spanish in NEW_WORDING.items():
        suggest(author, english, spanish)

    reader = browser.new_context(base_url=live_server.url, service_workers="block").new_page()
    reader.goto("/es/report")
    assert reader.get_by_role("heading", level=1).inner_text() == "Reportar una preocupación"  # not live yet

    reviewer = signed_in_page(browser, live_server, "luis@example.org", second_secret)
    approve_every_one(reviewer, "es", "Español", NEW_WORDING)

    reader.goto("/es/report")
    assert_report_form_reads(reader, NEW_WORDING)
    for page in (author, reviewer, reader):
        page.context.close()


SOMALI = {
    "Report a concern": "Soo sheeg walaac",
    "What happened?": "Maxaa dhacay?",
    "Send report": "Dir warbixinta",
}


def test_a_lead_starts_somali_and_a_phone_shows_the_report_form_in_it(browser, live_server):
    with live_server.app.app_context():
        lead_secret = staff_member("amina@example.org", Role.LEAD, languages="")
        author_secret = staff_member("hodan@example.org", languages="so")
        reviewer_secret = staff_member("farah@example.org", languages="so")
        db.session.remove()

    lead = signed_in_page(browser, live_server, "amina@example.org", lead_secret)
    lead.get_by_label("Language code").fill("so")
    lead.get_by_role("button", name="Start translating this language").click()
    assert lead.get_by_role("heading", level=1).inner_text().startswith("Soomaali")

    author = signed_in_page(browser, live_server, "hodan@example.org", author_secret)
    author.get_by_role("link", name="Soomaali").click()
    for english, somali in SOMALI.items():
        suggest(author, english, somali, language_name="Soomaali")

    reviewer = signed_in_page(browser, live_server, "farah@example.org", reviewer_secret)
    approve_every_one(reviewer, "so", "Soomaali", SOMALI)

    phone = browser.new_context(base_url=live_server.url, service_workers="block", viewport={"width": 360, "height": 740},
                                is_mobile=True, has_touch=True, locale="so").new_page()
    phone.goto("/so/report")
    assert phone.locator("html").get_attribute("lang") == "so"
    assert_report_form_reads(phone, SOMALI)
    assert phone.get_by_text("This page is only partly translated").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for page in (lead, author, reviewer, phone):
        page.context.close()
