"""Schemathesis over /api/v1/openapi.json, against the app itself (WSGI): requests generated from
the document, valid ones (positive) and ones that break it (negative). Every answer must be
documented, match its schema and content type, never be a 5xx, and a request that breaks the
document must be refused; and what is stored must stay whole (inputs.check_storage).

Not checked: `positive_data_acceptance` (a schema-valid request must be accepted). JSON Schema
cannot say "a real picture" or "a real calendar date" (2026-02-30 matches the pattern), and a
valid id may already be taken by an earlier input (409), so valid-looking requests are rightly
refused sometimes. (A receipt code another report holds is never refused: the report is stored
under a code the server chooses.)"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.robustness.inputs import TALLY, check_storage, fuzz, state


@pytest.fixture(scope="module")
def operation(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    operation = schema["/api/v1/reports"]["POST"]
    operation.strategies = {mode: operation.as_strategy(generation_mode=mode) for mode in GenerationMode}
    return operation


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@fuzz(120)
@given(data=st.data())
def test_every_answer_conforms_to_the_openapi_document(fuzz_app, fuzz_root, operation, mode, data):
    case = data.draw(operation.strategies[mode], label="case")
    before = state(fuzz_app, fuzz_root)
    response = case.call()
    TALLY.record(f"openapi: {mode.value}", response.status_code)
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    status = response.status_code
    added = 0 if status == 200 else 1
    check_storage(fuzz_app, fuzz_root, before, status, success=status in (200, 201), rows_added=(added,))


def test_the_document_tells_clients_which_answers_to_retry(client):
    responses = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/reports"]["post"]["responses"]
    for status in ("429", "503"):
        assert "Retry-After" in responses[status]["headers"]
        assert "retry" in responses[status]["description"].lower()
