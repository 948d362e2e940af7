"""Cases: opened from triage, linking and merging reports, the assessment guide, the plan, the
reassessment date and the list of due ones, closing with an outcome."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.extensions import db
from app.models.case import Case, CaseOutcome, CaseStatus, ReferralKind
from app.models.report import TriageDecision
from app.models.staff import Role
from app.services import cases
from app.services.cases import CaseDetails, CaseError
from app.services.triage import set_routing_rule
from tests.backoffice.conftest import make_report, make_staff, make_team, post

SOON = (date.today() + timedelta(days=7)).isoformat()


def opened_case(owner, report=None, reassess_on: date | None = None) -> Case:
    report = report or make_report()
    return cases.open_case(db.session, report, "Student in 9B", reassess_on or date.today() + timedelta(days=7), owner)


def test_triage_into_a_case_opens_it_with_the_report(staff_client):
    client, member = staff_client(Role.MEMBER)
    report = make_report()
    response = post(client, f"/staff/reports/{report.id}/triage",
                    {"decision": "open_case", "person_of_concern": "Student in 9B", "reassess_on": SOON})
    case = db.session.get(Case, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert case.reports == [report]
    assert (case.person_of_concern, case.owner, case.status) == ("Student in 9B", member, CaseStatus.OPEN)
    assert report.triage_decision == TriageDecision.OPEN_CASE


def test_a_case_cannot_be_opened_without_a_reassessment_date(staff_client):
    client, _ = staff_client(Role.MEMBER)
    report = make_report()
    post(client, f"/staff/reports/{report.id}/triage", {"decision": "open_case", "reassess_on": ""})
    db.session.refresh(report)
    assert report.case is None


def test_an_open_case_keeps_its_reassessment_date(app):
    member = make_staff(Role.MEMBER)
    case = opened_case(member)
    with pytest.raises(CaseError, match="reassessment_required"):
        cases.update_details(db.session, case, CaseDetails(member, case.priority, CaseStatus.MANAGING, None,
                                                           case.person_of_concern), member)


def test_second_report_is_linked_to_the_case(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = opened_case(member)
    second = make_report(description="Same student, another day.")
    post(client, f"/staff/cases/{case.id}/reports", {"report_id": str(second.id)})
    db.session.refresh(case)
    assert second in case.reports
    assert "Same student, another day." in client.get(f"/staff/cases/{case.id}").get_data(as_text=True)


def test_a_report_of_another_team_cannot_be_linked(staff_client):
    client, member = staff_client(Role.MEMBER)
    set_routing_rule(db.session, make_team("North High"), None, place_code="NORTH001")
    case = opened_case(member)
    theirs = make_report(place_code="NORTH001")
    post(client, f"/staff/cases/{case.id}/reports", {"report_id": str(theirs.id)})
    db.session.refresh(theirs)
    assert theirs.case is None


def test_a_report_is_unlinked_from_the_case(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = opened_case(member)
    second = make_report()
    cases.link_report(db.session, case, second, member)
    post(client, f"/staff/cases/{case.id}/reports/{second.id}/unlink")
    db.session.refresh(second)
    assert second.case is None


def test_duplicate_cases_are_merged_into_one(app):
    lead = make_staff(Role.LEAD)
    keep, duplicate = opened_case(lead), opened_case(lead)
    cases.add_note(db.session, duplicate, "Spoke to the teacher.", lead)
    duplicate_report = duplicate.reports[0]
    duplicate_id = duplicate.id
    cases.merge(db.session, keep, duplicate, lead)
    assert duplicate_report in keep.reports
    assert [note.body for note in keep.notes] == ["Spoke to the teacher."]
    assert db.session.get(Case, duplicate_id) is None


def test_notes_tasks_assessment_plan_and_referrals_are_kept_on_the_case(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = opened_case(member)
    post(client, f"/staff/cases/{case.id}/notes", {"body": "Parents were called."})
    post(client, f"/staff/cases/{case.id}/tasks", {"title": "Talk to the counsellor", "due_on": SOON})
    post(client, f"/staff/cases/{case.id}/assessment", {"grievance": "Feels humiliated after the match.",
                                                        "protective_factors": "Close to his coach."})
    post(client, f"/staff/cases/{case.id}/plan", {"management_plan": "Weekly check-in with the coach."})
    post(client, f"/staff/cases/{case.id}/referrals", {"kind": "counselling", "note": "School counsellor"})
    db.session.refresh(case)
    assert [n.body for n in case.notes] == ["Parents were called."]
    assert case.tasks[0].title == "Talk to the counsellor"
    assert case.latest_assessment.grievance == "Feels humiliated after the match."
    assert case.management_plan == "Weekly check-in with the coach."
    assert case.referrals[0].kind == ReferralKind.COUNSELLING


def test_the_assessment_guide_asks_questions_and_gives_no_score(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = opened_case(member)
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    for prompt in ("Communicated intent", "Grievance", "Interest in violence, or access to weapons",
                   "Planning or preparation", "Stressors", "Protective factors", "Support in place"):
        assert prompt in html
    assert "there is no score" in html.lower()


def test_closing_a_case_needs_an_outcome(staff_client):
    client, member = staff_client(Role.MEMBER)
    case = opened_case(member)
    post(client, f"/staff/cases/{case.id}/close", {})
    db.session.refresh(case)
    assert case.is_open
    post(client, f"/staff/cases/{case.id}/close", {"outcome": "unfounded"})
    db.session.refresh(case)
    assert (case.status, case.outcome, case.reassess_on) == (CaseStatus.CLOSED, CaseOutcome.UNFOUNDED, None)


def test_reassessment_list_shows_overdue_and_due_cases_only(staff_client):
    client, member = staff_client(Role.MEMBER)
    today = date.today()
    overdue = opened_case(member, reassess_on=today - timedelta(days=2))
    due = opened_case(member, reassess_on=today + timedelta(days=3))
    later = opened_case(member, reassess_on=today + timedelta(days=30))
    closed = opened_case(member, reassess_on=today - timedelta(days=1))
    cases.close_case(db.session, closed, CaseOutcome.RESOLVED, member)
    found = cases.reassessments(db.session, member, today)
    assert (found.overdue, found.due) == ([overdue], [due])
    html = client.get("/staff/reassessments").get_data(as_text=True)
    assert f"/staff/cases/{overdue.id}" in html and f"/staff/cases/{due.id}" in html
    assert f"/staff/cases/{later.id}" not in html and f"/staff/cases/{closed.id}" not in html


def test_staff_of_another_team_cannot_open_a_case(staff_client):
    member = make_staff(Role.MEMBER)
    case = opened_case(member)
    client, _ = staff_client(Role.LEAD, make_team("North High"))
    assert client.get(f"/staff/cases/{case.id}").status_code == 404
