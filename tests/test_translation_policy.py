"""The ship policy: a language is offered in the switcher only when it is safe to offer."""
from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from app.translation_policy import is_listed, readiness

SAFETY = ("Someone in danger now? <a href=\"%(tel)s\">Call 911</a>", "templates/_macros/safety.html")


def write_catalog(folder: Path, lang: str, entries, translator="Ana (reviewed)") -> Path:
    catalog = Catalog(locale=lang, last_translator=translator)
    for source, location, translation in entries:
        catalog.add(source, translation, locations=[(location, 1)])
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
