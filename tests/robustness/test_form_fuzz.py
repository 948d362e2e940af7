"""POST /<lang>/report (the form without JavaScript) under hostile input, at volume: any bytes in
any field (invalid UTF-8, NUL, odd Unicode), malformed multipart bodies, and any file as a photo,
under any name and declared type. Never a 5xx; a refused input changes nothing; an accepted one
is stored whole, once (see inputs.check_storage)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models.report import Report
from app.reporting.forms import HONEYPOT_FIELD_NAME
from app.services.reports import find_by_receipt
from tests.conftest import hidden_fields
from tests.robustness.inputs import (KINDS, TALLY, Part, check_storage, encode, file_names, fuzz, media_types, multipart,
                                     odd_text, receipts, report_ids, state, uploads)

FIELDS = [b"report_id", b"receipt", b"place", b"kind", b"description", b"danger_now", b"involved", b"location",
          b"occurred_at", b"still_happening", b"contact", HONEYPOT_FIELD_NAME.encode(), b"csrf_token", b"photos", b"submit"]
FREE_TEXT = [b"description", b"involved", b"location", b"contact"]
LANGS = ["en", "es", "ar"]
BOUNDARY = b"NoticedFuzzBoundary7MA4YWxkTrZu0gW"


@pytest.fixture(scope="module")
def form_client(fuzz_app):
    """One browser session: a CSRF token from the form, kept for every input (some drop it)."""
    client = fuzz_app.test_client()
    page = client.get("/en/report")
    assert page.status_code == 200
    client.csrf_token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    return client


@st.composite
def valid_fields(draw, token: str) -> dict[bytes, bytes]:
    fields = {b"report_id": draw(report_ids), b"receipt": draw(receipts), b"kind": draw(st.sampled_from(KINDS)),
              b"description": "Il a dit qu'il viendrait avec un couteau vendredi.", b"danger_now": "no"}
    if draw(st.integers(0, 9)):  # nine in ten carry the session's token and get past the CSRF check
        fields[b"csrf_token"] = token
    return {name: encode(value) for name, value in fields.items()}


field_bytes = st.one_of(odd_text.map(encode), st.binary(max_size=300),
                        st.sampled_from([b"\xff\xfe\xfd", b"caf\xe9", b"\xc0\xaf", b"\xed\xa0\x80", b"a\x00b"]))


@st.composite
def hostile_parts(draw, token: str) -> list[Part]:
    """Valid fields with some replaced by any bytes, some dropped, some sent twice, some unknown."""
    fields = draw(valid_fields(token))
    if draw(st.booleans()):  # valid in shape, odd in words: these reach the database
        for name in draw(st.lists(st.sampled_from(FREE_TEXT), min_size=1, max_size=4, unique=True)):
            fields[name] = draw(field_bytes)
        return draw(st.permutations([Part(name, value) for name, value in fields.items()]))
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        fields[name] = draw(field_bytes)
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)):
        fields.pop(name)
    parts = [Part(name, value) for name, value in fields.items()]
    parts += [Part(draw(st.sampled_from(FIELDS) | st.binary(min_size=1, max_size=12)), draw(field_bytes))
              for _ in range(draw(st.integers(0, 2)))]
    return draw(st.permutations(parts))


def first_value(parts: list[Part], name: bytes) -> str | None:
    for part in parts:
        if part.name == name and part.filename is None:
            return part.value.decode("utf-8", "replace")
    return None


def post(app, root, client, family, body: bytes, content_type: str, lang: str, parts: list[Part] | None):
    before = state(app, root)
    response = client.post(f"/{lang}/report", data=body, content_type=content_type)
    TALLY.record(family, response.status_code)
    status = response.status_code
    assert status in (200, 400, 413, 422), status
    check_storage(app, root, before, status, success=status == 200)
    if status == 200 and parts is not None:  # (a corrupted body may still parse: then only the invariants hold)
        # The receipt shown is the report's: the one sent, or the server's own when another report
        # already held that one (an earlier input here may have taken it).
        shown = re.search(r'class="receipt-code"[^>]*>([^<]+)<', response.get_data(as_text=True)).group(1)
        # Stored (honeypot filled or not), now or by an earlier input (a replay): either way, exactly once.
        with app.app_context():
            report_id = first_value(parts, b"report_id").lower()
            stored = db.session.execute(select(Report).where(Report.public_id == report_id)).scalars().all()
            found = find_by_receipt(db.session, shown, app.config["SECRET_KEY"])
            assert len(stored) == 1 and found is not None and found.id == stored[0].id
            db.session.remove()
    return response


@fuzz(200)
@given(data=st.data(), lang=st.sampled_from(LANGS))
def test_any_bytes_in_any_form_field_get_a_clear_answer_and_never_a_partial_write(fuzz_app, fuzz_root, form_client,
                                                                                   data, lang):
    parts = data.draw(hostile_parts(form_client.csrf_token))
    response = post(fuzz_app, fuzz_root, form_client, "form: fields", multipart(parts, BOUNDARY),
                    f"multipart/form-data; boundary={BOUNDARY.decode()}", lang, parts)
    if response.status_code == 422:
        assert 'class="error' in response.get_data(as_text=True)


def corrupt(body: bytes, how: str, at: int, junk: bytes) -> bytes:
    at = at % (len(body) + 1)
    return {
        "cut": body[:at],
        "splice": body[:at] + junk + body[at:],
        "no closing boundary": body.replace(b"--" + BOUNDARY + b"--\r\n", b""),
        "bare LF": body.replace(b"\r\n", b"\n"),
        "header garbage": body.replace(b"Content-Disposition: form-data;", junk + b":" + junk, 1),
        "no name": body.replace(b'; name="', b'; nom="', 1),
        "huge header": body.replace(b"Content-Disposition:", b"X-Pad: " + b"a" * 70_000 + b"\r\nContent-Disposition:", 1),
    }[how]


CONTENT_TYPES = [
    f"multipart/form-data; boundary={BOUNDARY.decode()}",
    "multipart/form-data",  # no boundary
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=wrong",
    f'multipart/form-data; boundary="{BOUNDARY.decode()}"; charset=latin-1',
    "multipart/mixed; boundary=" + BOUNDARY.decode(),
    "application/x-www-form-urlencoded",
    "text/plain",
    "application/json",
]


@fuzz(150)
@given(data=st.data(), how=st.sampled_from(["cut", "splice", "no closing boundary", "bare LF", "header garbage",
                                             "no name", "huge header"]),
       at=st.integers(0, 5000), junk=st.binary(min_size=1, max_size=40), content_type=st.sampled_from(CONTENT_TYPES))
def test_malformed_multipart_is_refused_without_a_5xx(fuzz_app, fuzz_root, form_client, data, how, at, junk,
                                                      content_type):
    parts = data.draw(hostile_parts(form_client.csrf_token))
    body = corrupt(multipart(parts, BOUNDARY), how, at, junk)
    post(fuzz_app, fuzz_root, form_client, "form: malformed multipart", body, content_type, "en", None)


@st.composite
def photo_parts(draw) -> list[Part]:
    return [Part(b"photos", draw(uploads), encode(draw(file_names)), encode(draw(media_types)))
            for _ in range(draw(st.integers(0, 5)))]


@fuzz(100)
@given(data=st.data())
def test_any_file_under_any_name_is_refused_clearly_or_stored_whole(fuzz_app, fuzz_root, form_client, data):
    parts = [Part(name, value) for name, value in data.draw(valid_fields(form_client.csrf_token)).items()]
    parts += data.draw(photo_parts())
    response = post(fuzz_app, fuzz_root, form_client, "form: photos", multipart(parts, BOUNDARY),
                    f"multipart/form-data; boundary={BOUNDARY.decode()}", "en", parts)
    if response.status_code == 422:  # a bad file, too many, or a clash with an earlier input: said on the page
        assert 'class="error' in response.get_data(as_text=True)
