"""Reopening a closed case: whoever may close a case may reopen it, with a reason and a new
reassessment date; the case's history shows every closing and reopening; the audit log says it
happened without the reason."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models.case import Case, CaseOutcome, CaseStatus
from app.models.staff import Role
from app.services import cases
from app.services.audit import AuditFilter, entries
from app.services.cases import CaseError, CaseEventKind
from tests.backoffice.conftest import make_report, make_staff
from tests.conftest import hidden_fields

SOON = date.today() + timedelta(days=14)
REASON = "A second report: he was seen with a knife again."


def closed_case(staff, outcome: CaseOutcome = CaseOutcome.UNFOUNDED) -> Case:
    case = cases.open_case(db.session, make_report(), "Student in 9B", date.today() + timedelta(days=7), staff)
    cases.close_case(db.session, case, outcome, staff)
    return case


def reopen(client, case: Case, reason: str = REASON, reassess_on: str = SOON.isoformat()):
    path = f"/staff/cases/{case.id}/reopen"
    token = hidden_fields(client.get(path).get_data(as_text=True))["csrf_token"]
    return client.post(path, data={"csrf_token": token, "reason": reason, "reassess_on": reassess_on})


def test_a_member_reopens_a_closed_case_with_a_reason_and_a_new_reassessment_date(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = closed_case(member)
    assert f'href="/staff/cases/{case.id}/reopen"' in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    response = reopen(client, case)
    assert response.headers["Location"] == f"/staff/cases/{case.id}#history"
    db.session.refresh(case)
    assert (case.status, case.outcome, case.closed_at, case.reassess_on) == (CaseStatus.OPEN, None, None, SOON)
    page = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "Case reopened." in page
    history = re.search(r'<section id="history".*?</section>', page, re.S).group(0)
    assert "Unfounded (kept for a shorter time)" in history  # the closing that was undone
    assert f"Reopened · {member.email}" in history
    assert REASON in history


def test_the_audit_log_has_the_reopening_but_not_the_reason(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = closed_case(member)
    reopen(client, case)
    [entry] = [e for e in entries(db.session, AuditFilter("case", case.id)) if e.action == "case.reopened"]
    assert entry.staff_id == member.id
    assert entry.detail == "outcome was unfounded"


@pytest.mark.parametrize(("reason", "reassess_on", "field", "message"), [
    ("", SOON.isoformat(), "reason", "Say why the case is reopened."),
    (REASON, "", "reassess_on", "An open case needs a reassessment date."),
])
def test_reopening_needs_a_reason_and_a_reassessment_date(staff_client, reason, reassess_on, field, message):
    client, member = staff_client(Role.MEMBER)
    case = closed_case(member)
    response = reopen(client, case, reason, reassess_on)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'<p class="error" id="{field}-error">{message}</p>' in html
    assert re.search(rf'aria-describedby="[^"]*{field}-error"', html)
    assert reason in html  # what was typed is still there
    db.session.refresh(case)
    assert case.status == CaseStatus.CLOSED


def test_a_viewer_cannot_reopen_a_case_nor_sees_the_way_to(staff_client):
    client, _ = staff_client(Role.VIEWER)
    case = closed_case(make_staff(Role.MEMBER))
    assert "/reopen" not in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert client.get(f"/staff/cases/{case.id}/reopen").status_code == 403


def test_an_open_case_is_not_reopened_again(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = closed_case(member)
    reopen(client, case)
    assert client.get(f"/staff/cases/{case.id}/reopen").headers["Location"] == f"/staff/cases/{case.id}"
    with pytest.raises(CaseError, match="case_open"):
        cases.reopen_case(db.session, case, REASON, SOON, member)
    assert len(case.reopenings) == 1


def test_a_reopened_case_is_due_for_reassessment_like_any_open_case(app):
    member = make_staff(Role.MEMBER)
    case = closed_case(member)
    with pytest.raises(CaseError, match="reassessment_required"):
        cases.reopen_case(db.session, case, REASON, None, member)
    cases.reopen_case(db.session, case, REASON, date.today(), member)
    assert case in cases.reassessments(db.session, member, date.today()).due


def test_the_history_keeps_every_closing_and_reopening_in_order(app):
    member = make_staff(Role.MEMBER)
    case = closed_case(member, CaseOutcome.UNFOUNDED)
    cases.reopen_case(db.session, case, REASON, SOON, member)
    cases.close_case(db.session, case, CaseOutcome.RESOLVED, member)
    history = cases.history(case)
    assert [event.kind for event in history] == [CaseEventKind.OPENED, CaseEventKind.CLOSED, CaseEventKind.REOPENED,
                                                 CaseEventKind.CLOSED]
    assert [event.outcome for event in history if event.kind == CaseEventKind.CLOSED] == [
        CaseOutcome.UNFOUNDED, CaseOutcome.RESOLVED]
    assert history[2].reopening.reason == REASON
