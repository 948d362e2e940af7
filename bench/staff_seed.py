"""A statewide installation's data for the staff figures, inserted in bulk (SQLAlchemy Core).

What a lead's pages read: reports received over two years by six regional teams, a third of
them through a place's poster (about 300 places, stored, so place look-ups find real rows), two
thirds triaged some minutes to days after they came in, and cases (one for every five reports)
with the reports that led to them linked. Rows go straight into the tables in batches: the
service functions (routing, alerts, audit) would take far too long for 100,000 reports, and
what is measured is reading them back.

Everything is drawn from a seeded random generator, so two runs hold the same data.
"""
from __future__ import annotations

import hashlib
import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import Engine, func, insert, select, text

from app.models.case import Case, CaseOutcome, CasePriority, CaseStatus
from app.models.place import Place, PlaceKind
from app.models.report import Channel, ConcernKind, DangerNow, PublicStatus, Report, TriageDecision
from app.models.staff import Role, Team

# Six regional teams; the signed-in lead works in the first and largest.
TEAMS = (("North region", 0.30), ("South region", 0.20), ("East region", 0.15), ("West region", 0.15),
         ("Central region", 0.10), ("Islands region", 0.10))
MEMBERS_PER_TEAM = 5  # case owners and triagers, never signed in
PLACES = 300
FROM_PLACE = 1 / 3
TRIAGED = 2 / 3
CASES_PER_REPORT = 0.2  # 20,000 cases for 100,000 reports
YEARS = 2
BATCH = 5_000

KINDS = ((ConcernKind.THREAT, 0.35), (ConcernKind.ONLINE, 0.25), (ConcernKind.WEAPONS, 0.12),
         (ConcernKind.SELF_HARM, 0.10), (ConcernKind.OTHER, 0.18))
CHANNELS = ((Channel.APP, 0.55), (Channel.WEB_FORM, 0.30), (Channel.OFFLINE_SYNC, 0.15))
DANGER = ((DangerNow.NO, 0.82), (DangerNow.UNSURE, 0.15), (DangerNow.YES, 0.03))
DECISIONS = ((TriageDecision.NO_CONCERN, 0.45), (TriageDecision.MONITOR, 0.25),
             (TriageDecision.OPEN_CASE, 0.27), (TriageDecision.EMERGENCY_REFERRAL, 0.03))
LANGUAGE_SHARE = {"en": 0.70, "es": 0.12}  # the other shipped languages share the rest
CASE_STATUSES = ((CaseStatus.CLOSED, 0.75), (CaseStatus.OPEN, 0.15), (CaseStatus.MANAGING, 0.10))
PRIORITIES = ((CasePriority.LOW, 0.3), (CasePriority.MEDIUM, 0.45), (CasePriority.HIGH, 0.2),
              (CasePriority.URGENT, 0.05))

SENTENCES = (
    "A student in my class said he would bring a knife to school on Friday.",
    "He has been posting pictures of guns with captions about the people who wronged him.",
    "My neighbour keeps saying everyone at his old job will pay for firing him.",
    "She told me she does not see the point of anything any more and has been giving her things away.",
    "Someone in the group chat wrote that the assembly would be a good day for something to happen.",
    "He asked me whether I knew where to buy ammunition without a licence.",
    "Since his brother died he has stopped talking to anyone and spends the nights online.",
    "The messages started after the breakup and now they mention her new address.",
    "I saw a list in his notebook with the names of teachers crossed out.",
    "He laughed it off when I asked, but he said it more than once this week.",
    "Other students are scared and some have stayed home because of it.",
    "I do not know his full name, only that he works the late shift at the warehouse.",
    "It happened near the bus stop by the library, most afternoons around four.",
    "I am worried because he has access to his father's hunting rifles.",
    "She has been searching for information about previous attacks and saving the videos.",
    "The account was created last month and only posts about revenge.",
    "He said nobody would stop him this time and that they would all see.",
    "My friend sent me screenshots; I have kept them in case they are needed.",
    "I reported it to the manager but nothing seems to have changed.",
    "Please be careful if you contact the family, his father gets angry easily.",
    "I am not sure it is serious but it did not feel like a joke.",
    "He has been wearing the same jacket every day and carrying a heavy bag.",
    "They were arguing outside the community centre and one of them showed a blade.",
    "She wrote a goodbye message to a few of us late last night.",
    "I think he is being bullied and has started to talk about getting even.",
)
PEOPLE = ("student in year 10", "former employee of the depot", "neighbour in building C", "member of the youth club",
          "online account 'nightwatch'", "parent at the primary school", "customer of the pharmacy",
          "resident of the shelter", "apprentice at the garage", "player on the under-18 team")
LOCATIONS = ("", "", "the high school", "the shopping centre", "bus stop on Main Street", "online", "the warehouse",
             "community centre", "the park by the river")


def _weighted(rng: random.Random, choices: tuple) -> object:
    values, weights = zip(*choices)
    return rng.choices(values, weights)[0]


def _description(rng: random.Random) -> str:
    """Most reports are a few sentences; a few run to a page."""
    wanted = min(4_000, max(40, int(rng.lognormvariate(math.log(350), 0.6))))
    parts: list[str] = []
    length = 0
    while length < wanted:
        sentence = rng.choice(SENTENCES)
        parts.append(sentence)
        length += len(sentence) + 1
    return " ".join(parts)


def _minutes_to_triage(rng: random.Random) -> float:
    """Median about 3 hours; from a few minutes to a couple of weeks."""
    return min(20_160.0, max(2.0, rng.lognormvariate(math.log(180), 1.6)))


@dataclass
class People:
    """Who the rows refer to: set up through the app's services before seeding."""

    team_ids: list[int]
    members: dict[int, list[int]]  # team id -> staff ids (owners, triagers)


@dataclass
class Seeder:
    engine: Engine
    people: People
    languages: list[str]
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    rng: random.Random = field(default_factory=lambda: random.Random(20240917))
    places: list[tuple[str, int]] = field(default_factory=list)  # (code, team id)
    cases_by_team: dict[int, list[int]] = field(default_factory=dict)
    reports: int = 0
    cases: int = 0

    def seed_places(self) -> None:
        from app.services.places import ALPHABET, CODE_LENGTH

        codes: set[str] = set()
        while len(codes) < PLACES:
            codes.add("".join(self.rng.choice(ALPHABET) for _ in range(CODE_LENGTH)))
        rows = []
        for number, code in enumerate(sorted(codes)):
            team_id = self._team()
            area = TEAMS[self.people.team_ids.index(team_id)][0]
            self.places.append((code, team_id))
            rows.append({"code": code, "manage_token_hash": hashlib.sha256(f"bench-place-{code}".encode()).hexdigest(),
                         "name": f"{self.rng.choice(('Riverside', 'Hillcrest', 'Oakwood', 'Harbour', 'Station'))} "
                                 f"{self.rng.choice(('High School', 'Library', 'Mosque', 'Church', 'Gym', 'Cafe'))} "
                                 f"{number + 1}",
                         "kind": self.rng.choice(list(PlaceKind)), "area": area, "contact_email": "",
                         "language": "en", "created_at": self.now - timedelta(days=self.rng.uniform(0, 365 * YEARS)),
                         "retired_at": None})
        with self.engine.begin() as connection:
            connection.execute(insert(Place), rows)

    def grow_to(self, reports: int) -> None:
        """Add cases, then reports (some linked to those cases), up to `reports` in all."""
        self._add_cases(int(reports * CASES_PER_REPORT) - self.cases)
        while self.reports < reports:
            batch = [self._report(self.reports + n) for n in range(min(BATCH, reports - self.reports))]
            with self.engine.begin() as connection:
                connection.execute(insert(Report), batch)
            self.reports += len(batch)

    def settle(self) -> str:
        """What a database that has been running a while has: PostgreSQL's autovacuum would have
        vacuumed (visibility map, for index-only scans) and analysed these tables by now. SQLite
        gets nothing: the app never runs ANALYZE there."""
        if self.engine.dialect.name != "postgresql":
            return "no ANALYZE (the app runs none on SQLite)"
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in ("report", "case_file", "place", "staff_user"):
                connection.execute(text(f"VACUUM ANALYZE {table}"))
        return "then VACUUM ANALYZE, as autovacuum would have done"

    def visible_to_team(self, team_id: int) -> tuple[int, int]:
        with self.engine.connect() as connection:
            reports = connection.execute(select(func.count()).select_from(Report).where(Report.team_id == team_id)
                                         ).scalar_one()
            cases = connection.execute(select(func.count()).select_from(Case).where(Case.team_id == team_id)
                                       ).scalar_one()
        return reports, cases

    # Rows ----------------------------------------------------------------------------------

    def _team(self) -> int:
        return self.rng.choices(self.people.team_ids, [share for _, share in TEAMS])[0]

    def _language(self) -> str:
        others = [code for code in self.languages if code not in LANGUAGE_SHARE]
        draw = self.rng.random()
        for code, share in LANGUAGE_SHARE.items():
            if code in self.languages:
                if draw < share:
                    return code
                draw -= share
        return self.rng.choice(others) if others else "en"

    def _add_cases(self, count: int) -> None:
        if count <= 0:
            return
        rows = []
        for _ in range(count):
            team_id = self._team()
            status = _weighted(self.rng, CASE_STATUSES)
            is_open = status != CaseStatus.CLOSED
            opened = self.now - timedelta(days=self.rng.uniform(0, 180 if is_open else 365 * YEARS))
            closed = None if is_open else min(self.now, opened + timedelta(days=self.rng.uniform(1, 120)))
            members = self.people.members[team_id]
            rows.append({
                "team_id": team_id, "person_of_concern": self.rng.choice(PEOPLE),
                "owner_id": self.rng.choice(members) if self.rng.random() < 0.9 else None,
                "priority": _weighted(self.rng, PRIORITIES), "status": status,
                # Open cases: some overdue, most due in the next two months.
                "reassess_on": (date.today() + timedelta(days=self.rng.randint(-30, 60))) if is_open else None,
                "management_plan": "Weekly check-in with the school counsellor; parents informed."
                                   if status == CaseStatus.MANAGING else "",
                "outcome": None if is_open else self.rng.choice(list(CaseOutcome)),
                "opened_at": opened, "closed_at": closed,
            })
        with self.engine.begin() as connection:
            before = connection.execute(select(func.coalesce(func.max(Case.id), 0))).scalar_one()
            connection.execute(insert(Case), rows)
            for case_id, team_id in connection.execute(select(Case.id, Case.team_id).where(Case.id > before)):
                self.cases_by_team.setdefault(team_id, []).append(case_id)
        self.cases += count

    def _report(self, number: int) -> dict:
        rng = self.rng
        place_code = None
        if rng.random() < FROM_PLACE:
            place_code, team_id = rng.choice(self.places)
        else:
            team_id = self._team()
        received = self.now - timedelta(minutes=rng.uniform(0, 365 * YEARS * 24 * 60))
        row = {
            "public_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "receipt_hash": hashlib.sha256(f"bench-receipt-{number}".encode()).hexdigest(),
            "content_hash": hashlib.sha256(f"bench-content-{number}".encode()).hexdigest(),
            "kind": _weighted(rng, KINDS), "description": _description(rng), "danger_now": _weighted(rng, DANGER),
            "involved": rng.choice(PEOPLE) if rng.random() < 0.6 else "",
            "location": rng.choice(LOCATIONS), "occurred_at": received.date().isoformat() if rng.random() < 0.5 else "",
            "still_happening": rng.random() < 0.1, "contact": "", "place_code": place_code,
            "language": self._language(), "channel": _weighted(rng, CHANNELS),
            "possibly_automated": rng.random() < 0.01, "public_status": PublicStatus.RECEIVED,
            "received_at": received, "team_id": team_id, "case_id": None, "triage_decision": None,
            "triaged_at": None, "triaged_by_id": None, "first_triaged_at": None,
        }
        if rng.random() < TRIAGED:
            first = min(self.now, received + timedelta(minutes=_minutes_to_triage(rng)))
            decision = _weighted(rng, DECISIONS)
            team_cases = self.cases_by_team.get(team_id)
            linked = decision in (TriageDecision.OPEN_CASE, TriageDecision.EMERGENCY_REFERRAL) or (
                decision == TriageDecision.MONITOR and rng.random() < 1 / 3)
            row.update({
                "triage_decision": decision, "first_triaged_at": first,
                # One in twenty decisions was revised later.
                "triaged_at": (min(self.now, first + timedelta(days=rng.uniform(0, 20))) if rng.random() < 0.05
                               else first),
                "triaged_by_id": rng.choice(self.people.members[team_id]),
                "case_id": rng.choice(team_cases) if linked and team_cases else None,
                "public_status": rng.choice((PublicStatus.REVIEWING, PublicStatus.ACTION_TAKEN, PublicStatus.CLOSED)),
            })
        return row


def set_up_people(session) -> tuple[People, Team]:
    """Teams and their members through the app's own services (a handful of rows); returns the
    lead's team too (the first and largest, also the default team)."""
    from app.services import staff as accounts

    teams = [accounts.create_team(session, name, make_default=(number == 0)) for number, (name, _) in enumerate(TEAMS)]
    members: dict[int, list[int]] = {}
    for team in teams:
        members[team.id] = [accounts.create_staff(session, f"member{n}-{team.id}@bench.example.org", Role.MEMBER,
                                                  team=team).id for n in range(MEMBERS_PER_TEAM)]
    return People([team.id for team in teams], members), teams[0]
