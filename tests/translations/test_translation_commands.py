"""`flask translate export-po` writes approved translations into a catalog (here always a copy:
the real catalogs are never touched), and `flask translate check` fails CI on a blocking problem."""
from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from babel.messages.pofile import read_po

from app.config import TRANSLATIONS_DIR
from tests.test_translation_policy import SAFETY, write_catalog
from tests.translations.conftest import change_catalog, review, suggest, suggestions

HOME_TITLE = "Worried about someone?"
NEW_HOME_TITLE = "¿Te inquieta alguien que conoces?"


def po_path(folder: Path, lang: str = "es") -> Path:
    return folder / lang / "LC_MESSAGES" / "messages.po"


def real_catalogs_fingerprint() -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/*.po"))
                                   )).hexdigest()


def approve_through_the_pages(staff_with_languages, msgid: str, *forms: str) -> None:
    author, _ = staff_with_languages(languages="es")
    reviewer, _ = staff_with_languages(languages="es")
    suggest(author, "es", msgid, *forms)
    assert review(reviewer, suggestions()[-1].id).status_code == 302


def export(app, folder: Path, lang: str = "es"):
    return app.test_cli_runner().invoke(args=["translate", "export-po", lang, "--translations-dir", str(folder)])


def test_export_po_writes_the_approved_translation_as_reviewed_and_changes_nothing_else(
        app, catalogs, staff_with_languages):
    real_before = real_catalogs_fingerprint()
    change_catalog(catalogs, "es", HOME_TITLE, fuzzy=True)
    before = po_path(catalogs).read_text()
    approve_through_the_pages(staff_with_languages, HOME_TITLE, NEW_HOME_TITLE)

    result = export(app, catalogs)

    assert result.exit_code == 0, result.output
    assert "wrote 1 approved translation(s)" in result.output
    with open(po_path(catalogs), "rb") as handle:
        message = read_po(handle, locale="es").get(HOME_TITLE)
    assert message.string == NEW_HOME_TITLE and not message.fuzzy
    changed = [line for line in difflib.ndiff(before.splitlines(), po_path(catalogs).read_text().splitlines())
               if line[:2] in ("- ", "+ ")]
    assert sorted(changed) == sorted(["- #, fuzzy", '- msgstr "¿Te preocupa alguien?"', f'+ msgstr "{NEW_HOME_TITLE}"'])
    assert suggestions()[0].exported_at is not None
    assert real_catalogs_fingerprint() == real_before


def test_export_po_writes_every_plural_form(app, catalogs, staff_with_languages):
    approve_through_the_pages(staff_with_languages, "%(num)s report", "%(num)s aviso", "%(num)s avisos")
    assert export(app, catalogs).exit_code == 0
    with open(po_path(catalogs), "rb") as handle:
        message = read_po(handle, locale="es").get("%(num)s report")
    assert tuple(message.string) == ("%(num)s aviso", "%(num)s avisos")


def test_export_po_refuses_a_language_without_a_catalog(app, catalogs):
    result = export(app, catalogs, "xx")
    assert result.exit_code != 0 and "no catalog" in result.output


GOOD_FRENCH = 'Quelqu\'un en danger ? <a href="%(tel)s">Appelez le 911</a>'


def check(app, folder: Path):
    return app.test_cli_runner().invoke(args=["translate", "check", "--translations-dir", str(folder)])


def test_check_passes_catalogs_that_keep_what_they_must(app, tmp_path):
    folder = write_catalog(tmp_path, "fr", [(*SAFETY, GOOD_FRENCH), ("Paragraph", "templates/public/signs.html", "Paragraphe")])
    result = check(app, folder)
    assert result.exit_code == 0, result.output
    assert "0 blocking problem(s)" in result.output


def test_check_fails_on_a_changed_phone_number(app, tmp_path):
    folder = write_catalog(tmp_path, "fr", [(*SAFETY, GOOD_FRENCH.replace("911", "112"))])
    result = check(app, folder)
    assert result.exit_code == 1
    assert "fr: error: Keep every phone number" in result.output


def test_check_fails_on_a_wrong_number_of_plural_forms(app, catalogs):
    path = po_path(catalogs)
    text = path.read_text()
    plural = 'msgstr[0] "%(num)s reporte"\nmsgstr[1] "%(num)s reportes"'
    assert plural in text
    path.write_text(text.replace(plural, 'msgstr[0] "%(num)s reporte"\nmsgstr[1] ""'))
    result = check(app, catalogs)
    assert result.exit_code == 1
    assert "This language needs 2 plural forms" in result.output
