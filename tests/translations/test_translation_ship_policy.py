"""The ship policy counts approved suggestions: readers already see them, so a language whose
catalog lacks a safety-critical string is ready once an approved translation fills it."""
from __future__ import annotations

import re

from app.extensions import db
from app.models.staff import Role
from app.services import translations
from app.translation_policy import is_listed
from tests.backoffice.conftest import make_staff
from tests.test_translation_policy import SAFETY, other_pages, write_catalog
from tests.translations.conftest import change_catalog, review, suggest

FRENCH_SAFETY = 'Quelqu\'un en danger ? <a href="%(tel)s">Appelez le 911</a>'


def translator_of(lang: str):
    staff = make_staff(Role.TRANSLATOR)
    staff.languages = lang
    db.session.commit()
    return staff


def test_an_approved_translation_of_a_missing_safety_string_lets_the_language_be_listed(app, tmp_path):
    folder = write_catalog(tmp_path / "catalogs", "fr", [(*SAFETY, ""), *other_pages(10, 10)])
    catalog = translations.load_catalog(folder, "fr")
    before = translations.readiness_with_approved(db.session, folder, "fr")
    assert not before.safety_complete and not is_listed(before, 0.9, require_review=False)

    suggested = translations.suggest(db.session, translator_of("fr"), catalog, translations.message_key(SAFETY[0]),
                                     [FRENCH_SAFETY])
    translations.approve(db.session, translator_of("fr"), suggested.suggestion, catalog)

    after = translations.readiness_with_approved(db.session, folder, "fr")
    assert (after.safety_translated, after.translated) == (before.safety_translated + 1, before.translated + 1)
    assert after.safety_complete and is_listed(after, 0.9, require_review=False)


def test_a_suggestion_waiting_for_review_does_not_count(app, tmp_path):
    folder = write_catalog(tmp_path / "catalogs", "fr", [(*SAFETY, ""), *other_pages(4, 4)])
    catalog = translations.load_catalog(folder, "fr")
    translations.suggest(db.session, translator_of("fr"), catalog, translations.message_key(SAFETY[0]), [FRENCH_SAFETY])
    assert not translations.readiness_with_approved(db.session, folder, "fr").safety_complete


def translated_count(page: str) -> int:
    row = re.search(r'<tr data-language="es">(.*?)</tr>', page, re.S).group(1)
    return int(re.search(r"(\d+) of \d+", row).group(1))


def test_the_overview_counts_an_approved_translation(catalogs, staff_with_languages):
    change_catalog(catalogs, "es", "Send report", translation="")
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    before = translated_count(reviewer.get("/staff/translations").get_data(as_text=True))
    suggest(author, "es", "Send report", "Mandar el reporte")
    [suggestion_id] = re.findall(r"/staff/translations/suggestions/(\d+)/approve",
                                 reviewer.get("/staff/translations/es?show=waiting").get_data(as_text=True))
    review(reviewer, int(suggestion_id))
    assert translated_count(reviewer.get("/staff/translations").get_data(as_text=True)) == before + 1
