"""Who reaches the translation pages: translators (their own languages only), leads and admins;
a translator reaches nothing else under /staff."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models.staff import Role
from app.models.translation import TranslationSuggestion
from tests.backoffice.conftest import make_report, make_staff
from tests.backoffice.test_access import SIGN_IN_STEPS, example_url, staff_rules
from tests.translations.conftest import form_token, message_page

TRANSLATION_PAGES = {"backoffice.translations_overview", "backoffice.translation_language",
                     "backoffice.translation_message"}
OWN_ACCOUNT = {"backoffice.change_password"}  # every signed-in person may change their own password
TRANSLATION_ACTIONS = {"backoffice.approve_translation", "backoffice.reject_translation", "backoffice.sign_out"}


def test_translator_is_refused_every_other_staff_page(app, staff_with_languages):
    client, _ = staff_with_languages(languages="es")
    pages = [rule for rule in staff_rules(app) if "GET" in rule.methods
             and rule.endpoint not in SIGN_IN_STEPS | TRANSLATION_PAGES | OWN_ACCOUNT]
    assert len(pages) > 10
    for rule in pages:
        assert client.get(example_url(rule)).status_code == 403, rule.rule


def test_translator_cannot_change_reports_cases_or_staff(app, staff_with_languages):
    client, _ = staff_with_languages(languages="es")
    report = make_report()
    token = form_token(client.get("/staff/translations").get_data(as_text=True))
    changes = [rule for rule in staff_rules(app) if "POST" in rule.methods and "GET" not in rule.methods
               and rule.endpoint not in SIGN_IN_STEPS | TRANSLATION_ACTIONS | OWN_ACCOUNT]
    assert len(changes) > 25
    for rule in changes:
        assert client.post(example_url(rule, report.id), data={"csrf_token": token}).status_code == 403, rule.rule


def test_translator_cannot_open_or_suggest_for_a_language_they_do_not_have(staff_with_languages):
    client, _ = staff_with_languages(languages="es")
    token = form_token(client.get("/staff/translations").get_data(as_text=True))
    assert client.get("/staff/translations/vi").status_code == 403
    assert client.get(message_page("vi", "Worried about someone?")).status_code == 403
    response = client.post(message_page("vi", "Worried about someone?"),
                           data={"csrf_token": token, "forms-0": "Bạn lo lắng cho ai đó?"})
    assert response.status_code == 403
    assert db.session.execute(select(func.count()).select_from(TranslationSuggestion)).scalar_one() == 0


def test_overview_shows_only_the_translators_languages_with_their_progress(staff_with_languages):
    client, _ = staff_with_languages(languages="es")
    html = client.get("/staff/translations").get_data(as_text=True)
    assert 'href="/staff/translations/es"' in html
    assert 'href="/staff/translations/ar"' not in html
    assert 'data-language="es"' in html and " of " in html


def test_lead_and_admin_see_every_language(staff_with_languages):
    for role in (Role.LEAD, Role.ADMIN):
        client, _ = staff_with_languages(role)
        html = client.get("/staff/translations").get_data(as_text=True)
        assert 'href="/staff/translations/es"' in html and 'href="/staff/translations/ar"' in html


def test_viewers_and_members_are_refused_the_translation_pages(staff_with_languages):
    for role in (Role.VIEWER, Role.MEMBER):
        client, _ = staff_with_languages(role, languages="es")
        assert client.get("/staff/translations").status_code == 403
        assert client.get("/staff/translations/es").status_code == 403


def test_admin_sets_a_translators_languages_on_the_staff_page(staff_with_languages):
    admin, _ = staff_with_languages(Role.ADMIN)
    translator = make_staff(Role.TRANSLATOR)
    page = admin.get("/staff/people").get_data(as_text=True)
    assert f'action="/staff/people/{translator.id}/languages"' in page
    token = form_token(page)
    admin.post(f"/staff/people/{translator.id}/languages", data={"csrf_token": token, "languages": "es, vi"})
    assert translator.languages == "es,vi"
    response = admin.post(f"/staff/people/{translator.id}/languages", data={"csrf_token": token, "languages": "xx"})
    assert "Use the codes of languages that have a catalog" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert translator.languages == "es,vi"


def test_flask_staff_set_languages_sets_them_from_the_command_line(app):
    translator = make_staff(Role.TRANSLATOR, email="ana@example.org")
    result = app.test_cli_runner().invoke(args=["staff", "set-languages", "ana@example.org", "es,vi"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert translator.languages == "es,vi"
    refused = app.test_cli_runner().invoke(args=["staff", "set-languages", "ana@example.org", "xx"])
    assert refused.exit_code != 0 and "codes of languages with a catalog" in refused.output



def test_a_translator_starts_on_the_translation_pages_and_sees_them_in_the_menu(app):
    from tests.backoffice.conftest import submit_code, submit_password, totp_code

    translator = make_staff(Role.TRANSLATOR)
    client = app.test_client()
    submit_password(client, translator.email)
    landing = submit_code(client, totp_code(translator))
    assert landing.headers["Location"].endswith("/staff/translations")
    assert 'href="/staff/translations"' in client.get("/staff/translations").get_data(as_text=True)
