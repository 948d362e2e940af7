"""Translation fixtures: an app serving a private copy of the catalogs (so no test can touch the
real ones), translators signed in with two factors, and the translation pages driven as a person
drives them."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from sqlalchemy import select

from app.config import TRANSLATIONS_DIR
from app.extensions import db
from app.models.staff import Role
from app.models.translation import TranslationSuggestion
from app.services.translations import message_key
from tests.backoffice.conftest import OneContextPerRequestClient, make_staff, sign_in
from tests.conftest import make_app, on_both_databases


def pytest_generate_tests(metafunc):
    # The suggestions' JSON forms and the version counter's atomic increment must hold on
    # PostgreSQL, which production runs on, as well as on SQLite.
    on_both_databases(metafunc)


@pytest.fixture
def catalogs(tmp_path) -> Path:
    """A copy of translations/, taken now: the app serves it and export-po writes into it."""
    folder = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, folder)
    return folder


@pytest.fixture
def app(tmp_path, migrated_database, database_url, catalogs):
    app = make_app(tmp_path, migrated_database, database_url, BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
    app.test_client_class = OneContextPerRequestClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def staff_with_languages(app):
    """signed_in(role, languages="") -> (client, staff): a new account, signed in on a new client."""
    def signed_in(role: Role = Role.TRANSLATOR, languages: str = ""):
        staff = make_staff(role)
        staff.languages = languages
        db.session.commit()
        return sign_in(app.test_client(), staff), staff
    return signed_in


def message_page(lang: str, msgid: str, msgctxt: str | None = None) -> str:
    return f"/staff/translations/{lang}/messages/{message_key(msgid, msgctxt)}"


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def suggest(client, lang: str, msgid: str, *forms: str):
    """Fill in the suggestion form of the message's page and send it."""
    page = client.get(message_page(lang, msgid))
    assert page.status_code == 200, page.status_code
    data = {"csrf_token": form_token(page.get_data(as_text=True))}
    data.update({f"forms-{index}": form for index, form in enumerate(forms)})
    return client.post(message_page(lang, msgid), data=data)


def review(client, suggestion_id: int, decision: str = "approve", reason: str = "Too formal for a teenager."):
    """Approve, or reject with a reason (written in the suggestion's own reason box)."""
    token = form_token(client.get("/staff/translations").get_data(as_text=True))
    data = {"csrf_token": token}
    if decision == "reject":
        data[f"reject-{suggestion_id}-reason"] = reason
    return client.post(f"/staff/translations/suggestions/{suggestion_id}/{decision}", data=data)


def approve_through_the_pages(staff_with_languages, msgid: str, *forms: str, lang: str = "es") -> None:
    """One translator suggests, a second approves, both through the pages."""
    author, _ = staff_with_languages(languages=lang)
    reviewer, _ = staff_with_languages(languages=lang)
    suggest(author, lang, msgid, *forms)
    assert review(reviewer, suggestions()[-1].id).status_code == 302


def suggestions() -> list[TranslationSuggestion]:
    return list(db.session.execute(select(TranslationSuggestion).order_by(TranslationSuggestion.id)).scalars())


def change_catalog(catalogs: Path, lang: str, msgid: str, translation: str | None = None,
                   fuzzy: bool = False) -> None:
    """Edit the test's copy of a catalog: blank a translation, or mark it outdated."""
    path = catalogs / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang)
    message = catalog.get(msgid)
    if translation is not None:
        message.string = translation
    if fuzzy:
        message.flags.add("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=None)
