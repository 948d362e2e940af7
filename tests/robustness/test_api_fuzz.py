"""POST /api/v1/reports under hostile input, at volume: any JSON value in any field, any bytes as
the body, any file as a photo. Never a 5xx; a refused input changes nothing; an accepted one is
stored whole (see inputs.check_storage)."""
from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from app.extensions import db
from app.services.reports import find_by_receipt

from tests.robustness.inputs import (KINDS, TALLY, as_base64, check_storage, deep_nesting, encode, file_names, fuzz,
                                     json_values, media_types, odd_text, receipts, report_ids, state, to_json,
                                     uploads)

URL = "/api/v1/reports"
FIELDS = ["id", "receipt", "kind", "description", "danger_now", "involved", "location", "occurred_at",
          "still_happening", "contact", "place", "language", "attachments", "website"]
FREE_TEXT = ["description", "involved", "location", "contact"]


@st.composite
def valid_reports(draw) -> dict:
    body = {"id": draw(report_ids), "receipt": draw(receipts), "kind": draw(st.sampled_from(KINDS)),
            "description": "He said he would bring a knife on Friday.", "language": "en"}
    if draw(st.booleans()):
        body["danger_now"] = draw(st.sampled_from(["yes", "no", "unsure", True, False]))
    return body


@st.composite
def hostile_reports(draw) -> dict:
    """A valid report with a few fields replaced by anything (wrong types, odd or huge text),
    some removed, and perhaps unknown keys added."""
    body = draw(valid_reports())
    if draw(st.booleans()):  # valid in shape, odd in words: these reach the database
        for name in draw(st.lists(st.sampled_from(FREE_TEXT), min_size=1, max_size=4, unique=True)):
            body[name] = draw(odd_text)
        return body
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True)):
        body[name] = draw(st.one_of(odd_text, json_values))
    for name in draw(st.lists(st.sampled_from(list(body)), max_size=2, unique=True)):
        body.pop(name, None)
    body.update(draw(st.dictionaries(st.text(max_size=12), json_values, max_size=2)))
    return body


def send(client, raw: bytes, content_type="application/json", **headers):
    return client.post(URL, data=raw, content_type=content_type, headers=headers)


def check_receipt_given_back(app, body: dict, answer: dict) -> None:
    """The code sent, or, when another report already held that one, a code the server chose:
    never an "in use" that would confirm the code exists."""
    if answer["receipt"] == body["receipt"]:
        return
    with app.app_context():
        secret = app.config["SECRET_KEY"]
        holder = find_by_receipt(db.session, body["receipt"], secret)
        stored = find_by_receipt(db.session, answer["receipt"], secret)
        assert holder is not None and stored is not None and holder.id != stored.id
        assert stored.public_id == str(body["id"]).lower()
        db.session.remove()


def sent_and_checked(app, root, family, raw, body=None, **options):
    before = state(app, root)
    response = send(app.test_client(), raw, **options)
    TALLY.record(family, response.status_code)
    status = response.status_code
    added = 0 if status == 200 else 1
    check_storage(app, root, before, status, success=status in (200, 201), rows_added=(added,))
    if response.status_code == 422:
        errors = response.get_json()["errors"]
        assert errors and all(isinstance(message, str) and message for message in errors.values())
    elif response.status_code in (200, 201):
        check_receipt_given_back(app, body, response.get_json())
    return response


@fuzz(300)
@given(body=hostile_reports(), ascii_only=st.booleans(), attempt=st.one_of(st.none(), odd_text))
def test_any_value_in_any_field_gets_a_clear_answer_and_never_a_partial_write(fuzz_app, fuzz_root, body, ascii_only,
                                                                              attempt):
    headers = {} if attempt is None else {
        "X-Noticed-Attempt": attempt.encode("utf-8", "replace").decode("latin-1").translate({10: None, 13: None, 0: None})[:100]}
    try:
        raw = to_json(body, ascii_only)
    except (ValueError, RecursionError):  # e.g. an integer too long to print: not JSON we can send
        return
    response = sent_and_checked(fuzz_app, fuzz_root, "api: fields", raw, body, **headers)
    assert response.status_code in (200, 201, 409, 422)


raw_bodies = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda body, cut: to_json(body, True)[:cut], valid_reports(), st.integers(0, 200)),  # cut short
    st.builds(lambda body, at, junk: (lambda raw: raw[:at] + junk + raw[at:])(to_json(body, True)),
              valid_reports(), st.integers(0, 200), st.binary(min_size=1, max_size=8)),  # bytes spliced in
    st.builds(lambda body: to_json(body, False).replace(b"He said", b"He\xff\xfe said"), valid_reports()),  # bad UTF-8
    st.builds(lambda body: encode(json.dumps(body, ensure_ascii=False)).decode("utf-8", "surrogatepass")
              .encode("utf-16"), valid_reports()),  # the right text in the wrong encoding
    st.builds(lambda depth: deep_nesting(depth).encode(), st.integers(1, 200_000)),
    st.builds(lambda body, depth: to_json(body, True).replace(b'"He said', ("[" * depth).encode() + b'"He said', 1)
              .replace(b'Friday."', b'Friday."' + ("]" * depth).encode(), 1), valid_reports(), st.integers(1, 100_000)),
    st.builds(lambda body: to_json(body, True).replace(b'"He said', b'"\\ud800He said', 1), valid_reports()),
    st.builds(lambda body: to_json(body, True).replace(b'"He said', b'"He\\u0000 said', 1), valid_reports()),
)


@fuzz(250)
@given(raw=raw_bodies, content_type=st.sampled_from(["application/json", "application/json; charset=utf-8",
                                                      "application/json; charset=latin-1", "text/plain",
                                                      "application/x-www-form-urlencoded", "multipart/form-data"]))
def test_any_bytes_as_the_body_never_give_a_5xx(fuzz_app, fuzz_root, raw, content_type):
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        body = None
    response = sent_and_checked(fuzz_app, fuzz_root, "api: raw bodies", raw, body, content_type=content_type)
    if not content_type.startswith("application/json"):
        assert response.status_code == 415
    assert response.status_code in (200, 201, 409, 415, 422)


attachment_items = st.one_of(
    st.fixed_dictionaries({"data": uploads.map(as_base64)}, optional={"name": file_names, "type": media_types}),
    st.fixed_dictionaries({"data": odd_text}),  # not base64
    json_values,
)


@fuzz(120)
@given(body=valid_reports(), items=st.lists(attachment_items, max_size=5))
def test_any_file_as_a_photo_is_refused_clearly_or_stored_whole(fuzz_app, fuzz_root, body, items):
    body["attachments"] = items
    response = sent_and_checked(fuzz_app, fuzz_root, "api: photos", to_json(body, True), body)
    assert response.status_code in (201, 200, 409, 422)
    if response.status_code == 422:
        assert list(response.get_json()["errors"]) == ["attachments"]
