"""An approved translation lives in the database only until the catalogs catch up: once export-po
has written it and a deploy compiled it, or once a newer translation arrives through the
repository (Weblate, a pull request), the catalog is served and the database steps aside."""
from __future__ import annotations

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.extensions import db
from app.i18n_overrides import DOMAIN, publish_approved_translations
from app.services import translations
from tests.translations.conftest import approve_through_the_pages, change_catalog

HOME_TITLE = "Worried about someone?"
APPROVED_IN_APP = "¿Te inquieta alguien que conoces?"
FROM_WEBLATE = "¿Te preocupa una persona cercana?"


@pytest.fixture
def deploy(app, catalogs):
    """Compile the test's Spanish catalog and restart, as a deploy does: the compiled catalogs
    and the pages rendered from them are read afresh."""
    def compile_and_restart():
        folder = catalogs / "es" / "LC_MESSAGES"
        with open(folder / "messages.po", "rb") as source, open(folder / "messages.mo", "wb") as compiled:
            write_mo(compiled, read_po(source, locale="es"))
        DOMAIN.cache.clear()
        publish_approved_translations(app)
    yield compile_and_restart
    DOMAIN.cache.clear()  # the next test's app must not see this one's catalog


def home_title(client) -> str:
    html = client.get("/es/").get_data(as_text=True)
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_after_export_and_deploy_the_catalog_serves_the_approved_text(app, client, catalogs, deploy,
                                                                      staff_with_languages):
    approve_through_the_pages(staff_with_languages, HOME_TITLE, APPROVED_IN_APP)
    assert home_title(client) == APPROVED_IN_APP

    result = app.test_cli_runner().invoke(args=["translate", "export-po", "es", "--translations-dir", str(catalogs)])
    assert result.exit_code == 0, result.output
    assert home_title(client) == APPROVED_IN_APP  # exported, not yet deployed: still from the database
    deploy()
    assert home_title(client) == APPROVED_IN_APP  # now from the catalog
    catalog = translations.load_catalog(catalogs, "es")
    key = translations.message_key(HOME_TITLE)
    assert key not in translations.approved_in_force(db.session, catalog)


def test_a_newer_translation_from_the_repository_replaces_the_approved_one(app, client, catalogs, deploy,
                                                                           staff_with_languages):
    approve_through_the_pages(staff_with_languages, HOME_TITLE, APPROVED_IN_APP)
    assert home_title(client) == APPROVED_IN_APP

    change_catalog(catalogs, "es", HOME_TITLE, translation=FROM_WEBLATE)
    deploy()
    assert home_title(client) == FROM_WEBLATE


def test_an_approval_made_after_the_export_overrides_the_catalog_again(app, client, catalogs, deploy,
                                                                       staff_with_languages):
    change_catalog(catalogs, "es", HOME_TITLE, translation=FROM_WEBLATE)
    deploy()
    approve_through_the_pages(staff_with_languages, HOME_TITLE, APPROVED_IN_APP)
    assert home_title(client) == APPROVED_IN_APP
