"""The queue, the case list and the due list ask the database the same number of questions
whatever the number of reports, cases, places and owners: nothing is looked up row by row."""
from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from html import unescape

from sqlalchemy import event, insert

from app.extensions import db
from app.models.case import Case, CasePriority, CaseStatus
from app.models.place import Place, PlaceKind
from app.models.report import Channel, ConcernKind, DangerNow, PublicStatus, Report, TriageDecision
from app.models.staff import Role
from tests.backoffice.conftest import make_staff, make_team, sign_in

KINDS = list(ConcernKind)
CHANNELS = list(Channel)
LANGUAGES = ["en", "es", "fr", "ar"]
DECISIONS = [None, None, TriageDecision.MONITOR, TriageDecision.OPEN_CASE]
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)

# Each page, with and without filters, and from either end of the long lists.
PAGES = ["/staff/", "/staff/?kind=weapons&channel=app&language=es", "/staff/?state=all&place=PARK0001",
         "/staff/?state=triaged&q=knife", "/staff/?last=1", "/staff/?after=0.209901010000.999999",
         "/staff/?before=0.200001010000.1", "/staff/cases", "/staff/cases?status=all&last=1",
         "/staff/cases?status=closed&after=999999", "/staff/reassessments"]


class Bulk:
    """Rows inserted as bench/staff_seed.py inserts them (SQLAlchemy Core, in one statement each),
    so that a thousand reports take a moment: places, owners, cases, then reports linked to them."""

    def __init__(self, team):
        self.team = team
        self.next_number = 1
        self.owner_ids: list[int] = []
        self.case_ids: list[int] = []

    def add(self, reports: int) -> None:
        first, self.next_number = self.next_number, self.next_number + reports
        places = [f"PARK{n:04d}" for n in range(1, reports // 10 + 2)]
        self.owner_ids += [make_staff(Role.MEMBER, self.team).id for _ in range(max(1, reports // 200))]
        with db.engine.begin() as connection:
            known = set(connection.execute(Place.__table__.select().with_only_columns(Place.code)).scalars())
            connection.execute(insert(Place), [
                {"code": code, "manage_token_hash": hashlib.sha256(code.encode()).hexdigest(), "name": f"Library {code}",
                 "kind": PlaceKind.COMMUNITY_CENTRE, "area": "North", "contact_email": "", "language": "en",
                 "created_at": NOW, "retired_at": None} for code in places if code not in known])
            cases = [{"team_id": self.team.id, "person_of_concern": f"person {first + n}",
                      "owner_id": self.owner_ids[n % len(self.owner_ids)], "priority": CasePriority.MEDIUM,
                      "status": CaseStatus.OPEN if n % 2 else CaseStatus.CLOSED,
                      "reassess_on": date.today() + timedelta(days=n % 10 - 3) if n % 2 else None,
                      "management_plan": "", "outcome": None, "opened_at": NOW, "closed_at": None}
                     for n in range(max(2, reports // 5))]
            before = max(self.case_ids, default=0)
            connection.execute(insert(Case), cases)
            self.case_ids = list(connection.execute(Case.__table__.select().with_only_columns(Case.id)).scalars())
            new_cases = [case_id for case_id in self.case_ids if case_id > before]
            connection.execute(insert(Report), [self.report(first + n, places, new_cases) for n in range(reports)])

    def report(self, number: int, places: list[str], case_ids: list[int]) -> dict:
        decision = DECISIONS[number % len(DECISIONS)]
        return {
            "public_id": f"00000000-0000-4000-8000-{number:012d}",
            "receipt_hash": hashlib.sha256(f"receipt-{number}".encode()).hexdigest(),
            "content_hash": hashlib.sha256(f"content-{number}".encode()).hexdigest(),
            "kind": KINDS[number % len(KINDS)], "description": "He said he would bring a knife.",
            "danger_now": DangerNow.YES if number % 17 == 0 else DangerNow.NO, "involved": "", "location": "",
            "occurred_at": "", "still_happening": number % 11 == 0, "contact": "",
            "place_code": places[number % len(places)] if number % 3 else None,
            "language": LANGUAGES[number % len(LANGUAGES)], "channel": CHANNELS[number % len(CHANNELS)],
            "possibly_automated": False, "public_status": PublicStatus.RECEIVED,
            "received_at": NOW - timedelta(minutes=number), "team_id": self.team.id,
            "case_id": case_ids[number % len(case_ids)] if decision == TriageDecision.OPEN_CASE else None,
            "triage_decision": decision, "triaged_at": NOW if decision else None,
            "first_triaged_at": NOW if decision else None,
        }


@contextmanager
def counted_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        # Not the page's: every few seconds, whatever the page, a request first checks whether
        # approved translations changed (app/i18n_overrides.py).
        if "translation_catalog_version" not in statement:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def queries_per_page(clients) -> dict[tuple[str, str], int]:
    found = {}
    for who, client in clients.items():
        for path in PAGES:
            client.get(path)  # once first: a cache filled on a first visit is not the point here
            with counted_queries() as statements:
                response = client.get(path)
            assert response.status_code == 200, (who, path)
            found[who, path] = len(statements)
    return found


def test_list_pages_ask_as_many_queries_for_1000_reports_as_for_10(app):
    team = make_team("North")
    admin, lead = make_staff(Role.ADMIN), make_staff(Role.LEAD, team)
    clients = {"admin": sign_in(app.test_client(), admin), "lead": sign_in(app.test_client(), lead)}
    rows = Bulk(team)
    rows.add(10)
    with_10 = queries_per_page(clients)
    rows.add(990)
    with_1000 = queries_per_page(clients)
    assert with_1000 == with_10
    assert max(with_1000.values()) <= 12, with_1000


def test_the_pages_show_the_rows_they_counted(app):
    """The same pages at 1,000 reports show full pages, their filters and named places: the
    constant number of queries above is not an empty list's."""
    team = make_team("North")
    admin = make_staff(Role.ADMIN)
    client = sign_in(app.test_client(), admin)
    Bulk(team).add(1000)
    queue = client.get("/staff/?kind=weapons&language=es").get_data(as_text=True)
    assert len(re.findall(r'href="/staff/reports/\d+"', queue)) == 25
    assert "Library PARK0001" in queue  # in the place filter's menu, named
    next_page = unescape(re.search(r'<a href="([^"]+)" rel="next">', queue).group(1))
    assert "kind=weapons" in next_page and "after=" in next_page
    case_list = client.get("/staff/cases?status=all").get_data(as_text=True)
    assert len(re.findall(r'href="/staff/cases/\d+"', case_list)) == 25
    assert "Next page" in case_list
    due = client.get("/staff/reassessments").get_data(as_text=True)
    assert "member-" in due  # owners' addresses


def test_a_report_inserted_in_bulk_is_sorted_by_its_urgency(app, staff_client):
    """Report.urgency is filled in by its column default on any insert, not only submit_report's."""
    client, _ = staff_client(Role.ADMIN)
    rows = Bulk(make_team("North"))
    rows.add(20)
    queue = client.get("/staff/").get_data(as_text=True)
    first = int(re.search(r'href="/staff/reports/(\d+)"', queue).group(1))
    assert db.session.get(Report, first).danger_now == DangerNow.YES
    assert {report.urgency for report in db.session.execute(db.select(Report)).scalars()} == {0, 1, 2}
