"""Every language the menu lists is really served: the words on each page a reader can open are
in that language, not English. A page passes when no text the reader sees is still the English
of a string the language's catalog translates (cited titles, marked lang="en", are left out).

This is the test that would have caught Tagalog served in English behind a correct `lang`."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from app.config import TRANSLATIONS_DIR
from app.i18n import listed_languages
from app.public.views import CONTENT_PAGES
from tests.conftest import hidden_fields

# Inline elements continue the sentence around them; any other tag ends a run of text.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "em", "i", "kbd", "mark", "q", "s",
          "small", "span", "strong", "sub", "sup", "time", "u", "wbr"}
SKIPPED = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ALOUD = ("alt", "aria-label", "placeholder", "title")  # attributes a reader or screen reader meets
NAMES = {"Noticed"}  # the product's name is the same in every language
PLACE_NAME, PLACE_AREA = "Rosa Quispe Bakery", "Eastgate"  # what an owner typed: shown as typed
WORD = re.compile(r"[A-Za-z]{3,}")


@dataclass
class VisibleText(HTMLParser):
    """The runs of text a reader of `lang` meets on a page, in order. Elements marked with another
    language (a cited English title, a language's own name in the switcher) are left out."""

    page_lang: str
    runs: list[str] = field(default_factory=list)
    _open: list[tuple[str, bool]] = field(default_factory=list)  # (tag, leaves the reader's language)
    _run: list[str] = field(default_factory=list)

    def __post_init__(self):
        super().__init__(convert_charrefs=True)

    def _hidden(self) -> bool:
        return any(skipped for _, skipped in self._open)

    def _flush(self):
        text = " ".join("".join(self._run).split())
        if text:
            self.runs.append(text)
        self._run = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in INLINE:
            self._flush()
        other_language = "lang" in attributes and attributes["lang"] != self.page_lang
        if not (self._hidden() or other_language):
            self.runs.extend(" ".join(value.split()) for name, value in attrs
                             if name in READ_ALOUD and value and value.strip())
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.runs.append(attributes["value"])
        if tag not in VOID:
            self._open.append((tag, tag in SKIPPED or other_language or attributes.get("translate") == "no"))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in INLINE:
            self._flush()
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._hidden():
            self._run.append(data)


def visible_runs(html: str, lang: str) -> list[str]:
    lang_attribute = re.search(r'<html lang="([^"]+)"', html)
    parser = VisibleText(lang_attribute.group(1) if lang_attribute else lang)
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.runs


def plain(text: str) -> str:
    """A catalog string as a reader sees it: tags and placeholders gone, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"%\([a-z_]+\)s|%s|\{[a-z_]+\}", " ", text)
    return " ".join(text.split())


class Catalog:
    """The English strings a language's catalog translates into something else."""

    def __init__(self, lang: str):
        with open(TRANSLATIONS_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
            catalog = read_po(handle)
        self.translated_english: list[str] = []
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            sources = message.id if isinstance(message.id, (list, tuple)) else [message.id]
            targets = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            if all(targets) and any(plain(t) != plain(s) for s in sources for t in targets):
                self.translated_english.extend(plain(source) for source in sources)

    def translates(self, run: str) -> bool:
        """Whether the catalog has a translation for English text that contains this run, or that
        this run contains (a sentence made of several strings)."""
        return any(run in english or (len(english) > 12 and english in run)
                   for english in self.translated_english if english)


@dataclass
class Served:
    english_runs: list[str]  # runs on the page identical to the English page's
    untranslated: list[str]  # of those, runs the catalog translates: the reader was let down
    english_chars: int
    total_chars: int


def compare(page_html: str, english_html: str, lang: str, catalog: Catalog) -> Served:
    english = set(visible_runs(english_html, "en"))
    runs = visible_runs(page_html, lang)
    left = [run for run in runs if run in english and WORD.search(run) and run not in NAMES
            and PLACE_NAME not in run and PLACE_AREA not in run]
    return Served(
        english_runs=left,
        untranslated=[run for run in left if catalog.translates(run)],
        english_chars=sum(map(len, left)),
        total_chars=sum(map(len, runs)),
    )


# --- The pages a reader can open ------------------------------------------------------------

def send_report(client, lang: str) -> tuple[str, str]:
    """(the receipt page, its receipt code) for a report sent from the form without JavaScript."""
    fields = hidden_fields(client.get(f"/{lang}/report").get_data(as_text=True))
    data = {**fields, "kind": "weapons", "description": "A knife in a backpack, said Friday.", "danger_now": "no"}
    response = client.post(f"/{lang}/report", data=data)
    assert response.status_code == 200, visible_runs(response.get_data(as_text=True), lang)
    return response.get_data(as_text=True), fields["receipt"]


def receipt_page(client, lang: str) -> str:
    return send_report(client, lang)[0]


def status_page(client, lang: str) -> str:
    code = send_report(client, lang)[1]
    token = hidden_fields(client.get(f"/{lang}/status").get_data(as_text=True))["csrf_token"]
    return client.post(f"/{lang}/status", data={"csrf_token": token, "receipt": code}).get_data(as_text=True)


def place_key(client) -> str:
    """The manage key of a place registered for this test (its owner's link)."""
    fields = hidden_fields(client.get("/en/places/new").get_data(as_text=True))
    answers = {**fields, "name": PLACE_NAME, "kind": "business", "area": PLACE_AREA,
               "contact_email": "", "language": "en"}
    page = client.post("/en/places/new", data=answers).get_data(as_text=True)
    return re.search(r"/places/manage\?key=([A-Za-z0-9_-]+)", page).group(1)


def place_page(path: str):
    def page(client, lang: str) -> str:
        return client.get(path.format(lang=lang, key=place_key(client))).get_data(as_text=True)
    return page


def get(path: str):
    def page(client, lang: str) -> str:
        response = client.get(path.format(lang=lang))
        return response.get_data(as_text=True)
    return page


PAGES = {
    "home": get("/{lang}/"),
    **{slug: get("/{lang}/" + slug) for slug in CONTENT_PAGES},
    "report": get("/{lang}/report"),
    "receipt": receipt_page,
    "status look-up": get("/{lang}/status"),
    "status": status_page,
    "register a place": get("/{lang}/places/new"),
    "manage a place": place_page("/{lang}/places/manage?key={key}"),
    "printed poster": place_page("/{lang}/places/poster?key={key}&size=a4&language={lang}"),
    "poster download (SVG)": place_page("/{lang}/places/poster.svg?key={key}&size=letter&language={lang}"),
    "offline page": get("/{lang}/offline"),
    "not found": get("/{lang}/no-such-page"),
}
TRANSLATED = ["es", "ar", "vi", "ko", "zh_Hans", "tl"]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory, migrated_database):
    """One app for the module, with no app context left pushed: each request gets its own `g`
    (a shared one would carry one client's form token into another's request)."""
    from app.extensions import db
    from tests.conftest import make_app

    app = make_app(tmp_path_factory.mktemp("served"), migrated_database)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_every_translated_catalog_is_listed(shipped):
    with shipped.test_request_context("/"):
        assert set(TRANSLATED) <= set(listed_languages())


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("page", PAGES)
def test_a_listed_language_shows_its_own_words_on_every_page(shipped, lang, page):
    client = shipped.test_client()
    english = PAGES[page](client, "en")
    served = compare(PAGES[page](client, lang), english, lang, Catalog(lang))
    assert not served.untranslated, f"/{lang}/ {page} shows English that its catalog translates: {served.untranslated}"


def manifest_texts(client, lang: str) -> list[str]:
    document = json.loads(client.get(f"/{lang}/manifest.webmanifest").get_data(as_text=True))
    return [document["name"], document["description"]]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_manifest_names_the_app_in_the_readers_language(shipped, lang):
    client = shipped.test_client()
    assert not set(manifest_texts(client, lang)) & set(manifest_texts(client, "en"))


def test_the_check_catches_a_language_served_in_english(shipped, monkeypatch):
    """The check itself: Tagalog's catalog, an English page, must fail (as /tl/ did)."""
    client = shipped.test_client()
    english_home = client.get("/en/").get_data(as_text=True)
    as_if_tagalog = english_home.replace('<html lang="en"', '<html lang="tl"')
    served = compare(as_if_tagalog, english_home, "tl", Catalog("tl"))
    assert len(served.untranslated) > 10


def test_a_language_whose_catalog_cannot_be_loaded_is_never_listed(tmp_path, migrated_database):
    """Tagalog's .po was complete, but what readers got was English: the menu must not offer a
    language whose compiled catalog the app cannot load by its code."""
    import shutil

    from tests.conftest import in_app_context, make_app

    catalogs = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS_DIR, catalogs)
    (catalogs / "tl" / "LC_MESSAGES" / "messages.mo").unlink()  # as if never compiled
    app = make_app(tmp_path, migrated_database, BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
    with in_app_context(app):
        home = app.test_client().get("/en/").get_data(as_text=True)
    assert ">Tagalog</a>" not in home
    assert ">Español</a>" in home
