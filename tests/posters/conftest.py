"""Fixtures for places and posters: registering a place as its owner would, and a real SMTP
server on loopback to receive the owner's email. Every test here runs on SQLite and PostgreSQL
(the scan counter is an upsert, written for each)."""
from __future__ import annotations

import re
import socket
from dataclasses import dataclass

import pytest

from tests.conftest import hidden_fields, on_both_databases


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that keeps every message it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted"


@pytest.fixture
def mailbox(app):
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    yield mailbox
    controller.stop()
