"""Fixtures for places and posters: registering a place as its owner would, and a real SMTP
server on loopback to receive the owner's email. Every test here runs on SQLite and PostgreSQL
(the scan counter is an upsert, written for each)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tests.conftest import Mailbox, free_port, hidden_fields, on_both_databases  # noqa: F401  (used by the tests here)


def pytest_generate_tests(metafunc):
    on_both_databases(metafunc)


@dataclass(frozen=True)
class RegisteredPlace:
    code: str
    key: str
    page: str  # the page shown right after registering

    def manage_url(self, lang: str = "en") -> str:
        return f"/{lang}/places/manage?key={self.key}"


def registration_answers(client, lang: str = "en", **changes) -> dict:
    fields = hidden_fields(client.get(f"/{lang}/places/new").get_data(as_text=True))
    return {**fields, "name": "Main Street Pharmacy", "kind": "business", "area": "Springfield",
            "contact_email": "", "language": "en", **changes}


@pytest.fixture
def register(client):
    def register_place(lang: str = "en", **changes) -> RegisteredPlace:
        response = client.post(f"/{lang}/places/new", data=registration_answers(client, lang, **changes))
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_data(as_text=True)
        key = re.search(r"/places/manage\?key=([A-Za-z0-9_-]+)", page).group(1)
        code = re.search(r'class="receipt-code">([A-Z0-9]+)<', page).group(1)
        return RegisteredPlace(code, key, page)

    return register_place


