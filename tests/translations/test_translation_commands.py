"""`flask translate export-po` writes approved translations into a catalog (here always a copy:
the real catalogs are never touched), and `flask translate check` fails CI on a blocking problem."""
from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

from babel.messages.pofile import read_po

from app.config import TRANSLATIONS_DIR
from tests.test_translation_policy import SAFETY, write_catalog
from tests.translations.conftest import approve_through_the_pages, change_catalog, suggestions

HOME_TITLE = "Worried about someone?"
NEW_HOME_TITLE = "¿Te inquieta alguien que conoces?"


def po_path(folder: Path, lang: str = "es") -> Path:
    return folder / lang / "LC_MESSAGES" / "messages.po"


def real_catalogs_fingerprint() -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in sorted(TRANSLATIONS_DIR.glob("*/LC_MESSAGES/*.po"))
                                   )).hexdigest()


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


def progress_row(output: str, lang: str) -> dict:
    [line] = [line for line in output.splitlines() if line.split()[0] == lang]
    cells = line.split()  # lang, translated, (share), safety-critical, listed, reviewed..., waiting
    return {"translated": cells[1], "safety": cells[3], "listed": cells[4]}


def test_progress_counts_an_approved_translation_and_says_when_a_language_leaves_the_menu(
        app, catalogs, staff_with_languages):
    def progress():
        result = app.test_cli_runner().invoke(args=["translate", "progress", "--translations-dir", str(catalogs)])
        assert result.exit_code == 0, result.output
        return result.output

    complete = progress_row(progress(), "es")
    done, total = complete["translated"].split("/")
    assert complete["listed"] == "yes" and done == total
    change_catalog(catalogs, "es", "Send report", translation="")
    missing = progress_row(progress(), "es")
    assert missing["listed"] == "no" and missing["translated"] == f"{int(done) - 1}/{total}"
    approve_through_the_pages(staff_with_languages, "Send report", "Enviar el aviso")
    assert progress_row(progress(), "es") == complete


def test_check_fails_on_a_link_hidden_in_an_attribute_written_without_a_space(app, tmp_path):
    hijacked = 'Quelqu\'un en danger ? <a/href=//evil.example/x href="%(tel)s">Appelez le 911</a>'
    result = check(app, write_catalog(tmp_path, "fr", [(*SAFETY, hijacked)]))
    assert result.exit_code == 1
    assert "fr: error: Keep the same HTML tags, with the same attributes, as the English." in result.output


def test_check_fails_on_an_added_emergency_number(app, tmp_path):
    result = check(app, write_catalog(tmp_path, "fr", [(*SAFETY, GOOD_FRENCH + " Ou le 112.")]))
    assert result.exit_code == 1
    assert "fr: error: Add no number that the English does not have" in result.output
