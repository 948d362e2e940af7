"""Suggest, review, live: a suggestion reaches readers only once a second person approves it, and
then at once, without a redeploy."""
from __future__ import annotations

from flask_babel import force_locale, ngettext

from app.extensions import db
from app.models.staff import Role
from app.models.translation import SuggestionStatus, TranslationCatalogVersion, TranslationSuggestion
from app.services.clock import now_utc
from app.services.translations import message_key
from tests.translations.conftest import message_page, review, suggest, suggestions

HOME_TITLE = "Worried about someone?"
SHIPPED_HOME_TITLE = "¿Te preocupa alguien?"
NEW_HOME_TITLE = "¿Te inquieta alguien que conoces?"


def catalog_version() -> int:
    return db.session.get(TranslationCatalogVersion, 1).version


def test_a_suggestion_is_stored_for_review_but_not_shown_to_readers(client, staff_with_languages):
    translator, _ = staff_with_languages(languages="es")
    response = suggest(translator, "es", HOME_TITLE, NEW_HOME_TITLE)
    assert response.status_code == 302
    assert "goes live when another translator" in translator.get(response.headers["Location"]).get_data(as_text=True)
    [stored] = suggestions()
    assert (stored.status, stored.forms) == (SuggestionStatus.SUGGESTED, [NEW_HOME_TITLE])
    home = client.get("/es/").get_data(as_text=True)
    assert SHIPPED_HOME_TITLE in home and NEW_HOME_TITLE not in home


def test_the_author_cannot_approve_their_own_suggestion(client, staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    suggest(author, "es", HOME_TITLE, NEW_HOME_TITLE)
    [suggestion] = suggestions()
    assert 'action="/staff/translations/suggestions/' not in author.get(message_page("es", HOME_TITLE)).get_data(as_text=True)
    assert review(author, suggestion.id).status_code == 403
    assert suggestions()[0].status == SuggestionStatus.SUGGESTED
    assert catalog_version() == 0
    assert NEW_HOME_TITLE not in client.get("/es/").get_data(as_text=True)


def test_a_second_translator_approves_and_the_home_page_shows_it_at_once(client, staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="vi,es")
    assert SHIPPED_HOME_TITLE in client.get("/es/").get_data(as_text=True)  # now in the page cache
    suggest(author, "es", HOME_TITLE, NEW_HOME_TITLE)
    [suggestion] = suggestions()
    response = review(reviewer, suggestion.id)
    assert response.status_code == 302
    assert suggestions()[0].status == SuggestionStatus.APPROVED
    assert catalog_version() == 1
    home = client.get("/es/").get_data(as_text=True)
    assert f"<h1>{NEW_HOME_TITLE}</h1>" in home
    assert NEW_HOME_TITLE not in client.get("/en/").get_data(as_text=True)


def test_a_lead_reviews_every_language_without_being_given_it(client, staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    lead, _ = staff_with_languages(Role.LEAD)
    suggest(author, "es", HOME_TITLE, NEW_HOME_TITLE)
    assert review(lead, suggestions()[0].id).status_code == 302
    assert NEW_HOME_TITLE in client.get("/es/").get_data(as_text=True)


def test_a_translator_of_another_language_cannot_approve(staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    other, _ = staff_with_languages(languages="vi")
    suggest(author, "es", HOME_TITLE, NEW_HOME_TITLE)
    assert review(other, suggestions()[0].id).status_code == 403
    assert suggestions()[0].status == SuggestionStatus.SUGGESTED


def test_a_rejected_suggestion_never_goes_live(client, staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", HOME_TITLE, NEW_HOME_TITLE)
    assert review(reviewer, suggestions()[0].id, "reject").status_code == 302
    assert suggestions()[0].status == SuggestionStatus.REJECTED
    assert review(reviewer, suggestions()[0].id).status_code == 302  # too late: "already reviewed"
    assert suggestions()[0].status == SuggestionStatus.REJECTED
    assert NEW_HOME_TITLE not in client.get("/es/").get_data(as_text=True)


def test_a_newer_approved_translation_replaces_the_live_one(client, staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", HOME_TITLE, NEW_HOME_TITLE)
    review(reviewer, suggestions()[0].id)
    suggest(author, "es", HOME_TITLE, "¿Alguien te preocupa?")
    review(reviewer, suggestions()[1].id)
    assert [s.status for s in suggestions()] == [SuggestionStatus.REPLACED, SuggestionStatus.APPROVED]
    home = client.get("/es/").get_data(as_text=True)
    assert "<h1>¿Alguien te preocupa?</h1>" in home and NEW_HOME_TITLE not in home


def test_approved_plural_forms_are_served_for_each_count(app, staff_with_languages):
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", "%(num)s report", "%(num)s aviso", "%(num)s avisos")
    review(reviewer, suggestions()[0].id)
    with force_locale("es"):
        assert ngettext("%(num)s report", "%(num)s reports", 1) == "1 aviso"
        assert ngettext("%(num)s report", "%(num)s reports", 3) == "3 avisos"


def test_a_suggestion_saved_before_the_checks_caught_its_trick_is_refused_on_approval(client, staff_with_languages):
    """Checked again on approval: a suggestion stored when the checks missed `<a/href=...>` (or
    the English changed since) never goes live, and the Spanish report page keeps its form."""
    author, author_account = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    english = 'Someone in danger now? <a href="%(tel)s">Call 911</a>'
    hijacked = '¿Alguien en peligro ahora? <a/href=//evil.example/x href="%(tel)s">Llama al 911</a> <!--'
    db.session.add(TranslationSuggestion(language="es", message_key=message_key(english), msgid=english,
                                         forms=[hijacked], author_id=author_account.id, created_at=now_utc()))
    db.session.commit()
    response = review(reviewer, suggestions()[0].id)
    assert "Keep the same HTML tags" in reviewer.get(response.headers["Location"]).get_data(as_text=True)
    assert suggestions()[0].status == SuggestionStatus.SUGGESTED
    report = client.get("/es/report").get_data(as_text=True)
    assert "evil.example" not in report and "<form" in report
