"""The shipped catalogs: complete, not fuzzy, valid for msgfmt, and safe (same placeholders,
same markup, same phone numbers as the English)."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po

from app.cli import EXTRACT_OPTIONS
from app.config import PROJECT_ROOT, TRANSLATIONS_DIR, shipped_languages
from app.services.translation_checks import check_plural_forms, check_translation

TRANSLATED = [lang for lang in shipped_languages() if lang != "en"]


def catalog(lang):
    with open(TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory) -> set[str]:
    """Every msgid in the code and templates today, freshly extracted."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", *EXTRACT_OPTIONS, "-o", str(pot), "."],
                   cwd=PROJECT_ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_translates_every_message_in_the_code(lang, source_messages):
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(lang)
                  if m.id and (all(m.string) if isinstance(m.string, (list, tuple)) else m.string)}
    missing = sorted(source_messages - translated)
    assert missing == [], f"{lang} lacks {len(missing)} translations, e.g. {missing[:3]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_has_no_fuzzy_entries(lang):
    fuzzy = [m.id for m in catalog(lang) if m.id and m.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_msgfmt_check_passes(lang, tmp_path):
    if not shutil.which("msgfmt"):
        pytest.skip("msgfmt is missing: apt-get install gettext (CI installs it)")
    po = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po"
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "m.mo"), str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_pass_the_safety_checks(lang):
    """Same placeholders, markup, links and numbers to dial as the English; nothing that runs."""
    problems = []
    messages = catalog(lang)
    for message in messages:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            problems += [(message.id[0], p.code) for p in check_plural_forms(list(message.string), messages.num_plurals)]
            pairs = [(message.id[-1], translation) for translation in message.string]
        else:
            pairs = [(message.id, message.string)]
        for source, translation in pairs:
            if not translation:  # missing ones fail test_catalog_translates_every_message_in_the_code
                continue
            problems += [(source[:60], p.code) for p in check_translation(source, translation) if p.blocking]
    assert problems == []
