"""The ship policy: a language is offered in the switcher only when it is safe to offer."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from app.cli import EXTRACT_OPTIONS
from app.config import PROJECT_ROOT, TRANSLATIONS_DIR
from app.translation_policy import _is_safety_critical, is_listed, readiness

SAFETY = ("Someone in danger now? <a href=\"%(tel)s\">Call 911</a>", "templates/_macros/safety.html")
# As extraction writes the mark of a Jinja template into the catalog (the tag is dropped).
SAFETY_COMMENT = "SAFETY: someone in danger may read this; keep its numbers, links and meaning exact."
MARK = "{# Translators: " + SAFETY_COMMENT + " #}"


def write_catalog(folder: Path, lang: str, entries, translator="Ana (reviewed)", marked=(SAFETY[0],)) -> Path:
    """A catalog of (English, file, translation) entries; those in `marked` carry the safety mark."""
    catalog = Catalog(locale=lang, last_translator=translator)
    for source, location, translation in entries:
        catalog.add(source, translation, locations=[(location, 1)],
                    auto_comments=[SAFETY_COMMENT] if source in marked else [])
    path = folder / lang / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog)
    return folder


def other_pages(count: int, translated: int):
    return [(f"Paragraph {i}", "templates/public/signs.html", f"Párrafo {i}" if i < translated else "")
            for i in range(count)]


def test_a_complete_checked_language_is_listed(tmp_path):
    folder = write_catalog(tmp_path, "fr", [(*SAFETY, 'Quelqu\'un en danger ? <a href="%(tel)s">Appelez le 911</a>'),
                                            *other_pages(10, 10)])
    assert is_listed(readiness(folder, "fr"), 0.9, require_review=False)


def test_a_missing_safety_string_keeps_a_language_out_of_the_switcher(tmp_path):
    folder = write_catalog(tmp_path, "fr", [(*SAFETY, ""), *other_pages(10, 10)])
    ready = readiness(folder, "fr")
    assert not ready.safety_complete
    assert not is_listed(ready, 0.9, require_review=False)


def test_a_safety_string_that_fails_the_checks_counts_as_missing(tmp_path):
    changed_number = 'Quelqu\'un en danger ? <a href="%(tel)s">Appelez le 112</a>'
    folder = write_catalog(tmp_path, "fr", [(*SAFETY, changed_number), *other_pages(10, 10)])
    assert not is_listed(readiness(folder, "fr"), 0.9, require_review=False)


def test_a_language_below_the_threshold_is_not_listed(tmp_path):
    folder = write_catalog(tmp_path, "fr", [(*SAFETY, 'Danger ? <a href="%(tel)s">911</a>'), *other_pages(10, 7)])
    ready = readiness(folder, "fr")
    assert ready.safety_complete
    assert not is_listed(ready, 0.9, require_review=False)
    assert is_listed(ready, 0.7, require_review=False)


def test_an_unreviewed_draft_is_listed_only_when_review_is_not_required(tmp_path):
    folder = write_catalog(tmp_path, "fr", [(*SAFETY, 'Danger ? <a href="%(tel)s">911</a>'), *other_pages(4, 4)],
                           translator="Noticed machine draft (awaiting community review)")
    ready = readiness(folder, "fr")
    assert not ready.reviewed
    assert is_listed(ready, 0.9, require_review=False)
    assert not is_listed(ready, 0.9, require_review=True)


# The mark is in the source, next to the string: moving a file changes nothing. --------------

def extract(project: Path, files: dict[str, str]) -> Catalog:
    """Extract the strings of these files with the project's babel.cfg, as `flask translate extract` does."""
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text)
    shutil.copy(PROJECT_ROOT / "babel.cfg", project / "babel.cfg")
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}  # babel.cfg names app.translation_extract
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", *EXTRACT_OPTIONS, "-o", "messages.pot",
                    "."], cwd=project, env=environment, check=True, capture_output=True)
    with open(project / "messages.pot", "rb") as handle:
        return read_po(handle)


def safety_critical(catalog: Catalog) -> set[str]:
    return {message.id for message in catalog if message.id and _is_safety_critical(message)}


def test_a_safety_string_moved_to_another_template_stays_safety_critical(tmp_path):
    emergency_line = SAFETY[0].replace("%(tel)s", "{{ tel }}")  # as a {% trans %} block writes it
    moved = extract(tmp_path, {"templates/public/banner.html": f'{MARK}\n<p>{{% trans tel="tel:911" %}}{emergency_line}'
                                                                '{% endtrans %}</p>\n<p>{{ _("Read more") }}</p>\n'})
    assert safety_critical(moved) == {SAFETY[0]}


def test_a_string_in_the_report_form_without_the_mark_is_not_safety_critical(tmp_path):
    unmarked = extract(tmp_path, {"templates/reporting/form.html": '<p>{{ _("Read more") }}</p>\n'})
    assert safety_critical(unmarked) == set()


def test_the_mark_reaches_every_string_of_its_line_or_tag_and_python_strings_too(tmp_path):
    catalog = extract(tmp_path, {
        "templates/pwa/offline.html": f'{MARK}\n<p><a>{{{{ _("Home") }}}}</a> <a>{{{{ _("Know the signs") }}}}</a></p>\n'
                                      f'{MARK}\n{{% set steps = {{\n  "a": _("Received"),\n  "b": _("Closed"),\n}} %}}\n'
                                      '<p>{{ _("Read more") }}</p>\n',
        "app/reporting/forms.py": "from flask_babel import lazy_gettext as _l\n"
                                  f"# Translators: {SAFETY_COMMENT}\nLABEL = _l('What happened?')\nOTHER = _l('Notes')\n",
    })
    assert safety_critical(catalog) == {"Home", "Know the signs", "Received", "Closed", "What happened?"}


def test_other_translator_comments_stay_with_the_string_they_were_written_for(tmp_path):
    catalog = extract(tmp_path, {"templates/backoffice/places.html":
                                 '{# Translators: a column heading: the code printed on posters. #}\n'
                                 '<th>{{ _("Code") }}</th><th>{{ _("Language") }}</th>\n'})
    assert catalog.get("Code").auto_comments == ["a column heading: the code printed on posters."]
    assert catalog.get("Language").auto_comments == []


def test_no_string_marked_in_the_catalogs_loses_its_mark_in_the_code(tmp_path):
    """128 strings were marked when the marks replaced a list of files (the emergency line, the
    report form, the receipt, the status, offline and error pages, the report API); a template
    moved or rewritten must keep the mark of each of its strings still in the code."""
    with open(TRANSLATIONS_DIR / "messages.pot", "rb") as handle:
        marked_in_catalogs = safety_critical(read_po(handle))  # as `flask translate extract` last wrote it
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", *EXTRACT_OPTIONS, "-o",
                    str(tmp_path / "messages.pot"), "."], cwd=PROJECT_ROOT, check=True, capture_output=True)
    with open(tmp_path / "messages.pot", "rb") as handle:
        extracted = read_po(handle)
    assert len(marked_in_catalogs) >= 128
    still_in_code = {message.id for message in extracted if message.id}
    assert marked_in_catalogs & still_in_code <= safety_critical(extracted)
