"""A warm start: gunicorn reads, checks and loads every catalog once, before serving (app/serving.py,
called from gunicorn.conf.py), so the first reader does not wait for it, and no request looks
at the catalog files again. Each test starts from empty caches, as a new process does."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest

from app import translation_policy
from app.i18n_overrides import DOMAIN
from app.services import translations
from app.serving import warm_up

CATALOG_FILES = ("messages.po", "messages.pot", "messages.mo")


@pytest.fixture
def catalogs_read(monkeypatch):
    """A fresh process's caches, and the .po/.pot files parsed from now on, in order."""
    translations._load_catalog.cache_clear()
    DOMAIN.cache.clear()
    parsed = []

    def counting_read_po(handle, *args, **kwargs):
        parsed.append(os.path.basename(handle.name))
        return read_po(handle, *args, **kwargs)

    read_po = translations.read_po
    monkeypatch.setattr(translations, "read_po", counting_read_po)
    monkeypatch.setattr(translation_policy, "read_po", counting_read_po)
    yield parsed
    DOMAIN.cache.clear()  # the next test's app must not see this one's compiled catalogs


@pytest.fixture
def catalog_stats(monkeypatch):
    """Every stat() of a catalog file from now on."""
    seen = []
    real_stat = os.stat

    def stat(path, *args, **kwargs):
        if str(path).endswith(CATALOG_FILES):
            seen.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    return seen


def test_after_the_warm_up_the_first_page_parses_no_catalog(app, client, catalogs_read):
    warm_up(app)
    assert len(catalogs_read) == len(app.config["LANGUAGES"]) - 1  # every language but English, once
    catalogs_read.clear()
    for page in ("/en/", "/es/report", "/ar/status"):
        assert client.get(page).status_code == 200
    assert catalogs_read == []


def test_no_request_looks_at_the_catalog_files(app, client, catalogs_read, catalog_stats):
    warm_up(app)
    catalog_stats.clear()
    for _ in range(3):
        assert client.get("/vi/status").status_code == 200
    assert catalog_stats == []


def test_threads_that_arrive_together_before_any_warm_up_read_each_catalog_once(app, catalogs_read):
    at_once = Barrier(6)

    def first_request(_):
        client = app.test_client()
        at_once.wait()
        return client.get("/en/status").status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(first_request, range(6))) == [200] * 6
    assert sorted(catalogs_read) == ["messages.po"] * (len(app.config["LANGUAGES"]) - 1)
