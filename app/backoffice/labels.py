"""What staff read for each stored value. Lazy, so each request gets its own language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from app.models.case import CaseOutcome, CasePriority, CaseStatus, ReferralKind
from app.models.place import PlaceKind
from app.models.report import Channel, ConcernKind, DangerNow, PublicStatus, TriageDecision
from app.models.staff import Role
from app.services.place_admin import PlaceStatus
from app.services.triage import QR_PLACE

KINDS = {
    ConcernKind.THREAT: _l("Threat"),
    ConcernKind.ONLINE: _l("Online post or message"),
    ConcernKind.WEAPONS: _l("Weapons or attack planning"),
    ConcernKind.SELF_HARM: _l("Self-harm"),
    ConcernKind.OTHER: _l("Other"),
}
DANGER = {DangerNow.YES: _l("Yes"), DangerNow.NO: _l("No"), DangerNow.UNSURE: _l("Not sure")}
CHANNELS = {
    Channel.WEB_FORM: _l("Web form"),
    Channel.APP: _l("App"),
    Channel.OFFLINE_SYNC: _l("Synced from offline"),
    QR_PLACE: _l("QR code at a place"),
}
PUBLIC_STATUSES = {
    PublicStatus.RECEIVED: _l("Received"),
    PublicStatus.REVIEWING: _l("Being reviewed"),
    PublicStatus.ACTION_TAKEN: _l("Action taken"),
    PublicStatus.CLOSED: _l("Closed"),
}
TRIAGE_DECISIONS = {
    TriageDecision.NO_CONCERN: _l("No concern"),
    TriageDecision.MONITOR: _l("Monitor"),
    TriageDecision.OPEN_CASE: _l("Open a case"),
    TriageDecision.EMERGENCY_REFERRAL: _l("Emergency referral made"),
}
PRIORITIES = {CasePriority.LOW: _l("Low"), CasePriority.MEDIUM: _l("Medium"), CasePriority.HIGH: _l("High"),
              CasePriority.URGENT: _l("Urgent")}
STATUSES = {CaseStatus.OPEN: _l("Open: assessing"), CaseStatus.MANAGING: _l("Open: managing"),
            CaseStatus.CLOSED: _l("Closed")}
OPEN_STATUSES = {status: label for status, label in STATUSES.items() if status != CaseStatus.CLOSED}
OUTCOMES = {
    CaseOutcome.UNFOUNDED: _l("Unfounded (kept for a shorter time)"),
    CaseOutcome.RESOLVED: _l("Resolved: support in place"),
    CaseOutcome.REFERRED: _l("Referred to another service"),
    CaseOutcome.NO_LONGER_REACHABLE: _l("No longer within our reach"),
}
REFERRALS = {
    ReferralKind.COUNSELLING: _l("Counselling"),
    ReferralKind.MENTAL_HEALTH: _l("Mental-health services"),
    ReferralKind.SCHOOL_OR_WORKPLACE: _l("School or workplace support"),
    ReferralKind.SOCIAL_SERVICES: _l("Social services"),
    ReferralKind.LAW_ENFORCEMENT: _l("Law enforcement"),
}
ROLES = {Role.VIEWER: _l("Viewer: reads"), Role.MEMBER: _l("Member: works on reports and cases"),
         Role.LEAD: _l("Lead: also transfers, merges and exports"), Role.ADMIN: _l("Admin: everything, all teams"),
         Role.TRANSLATOR: _l("Translator: translations only")}
PLACE_KINDS = {
    PlaceKind.BUSINESS: _l("Business or workplace"),
    PlaceKind.SCHOOL: _l("School"),
    PlaceKind.CAMPUS: _l("College or university"),
    PlaceKind.PLACE_OF_WORSHIP: _l("Place of worship"),
    PlaceKind.COMMUNITY_CENTRE: _l("Community centre, library or club"),
    # Translators: a kind of place that puts up posters: a station, a stop or other public transport.
    PlaceKind.TRANSIT: _l("Transit"),
    PlaceKind.OTHER: _l("Other"),
}
PLACE_STATUSES = {
    # Translators: a place whose poster code still names it on the report form.
    PlaceStatus.IN_USE: _l("In use"),
    # Translators: a place whose poster code no longer names it (its owner or a lead retired it).
    PlaceStatus.RETIRED: _l("Retired"),
}
ASSESSMENT_HELP = {
    "communicated_intent": _l("Has the person said or written that they intend to hurt someone, "
                              "or hinted at it to others (leakage)?"),
    "grievance": _l("Is there a grievance, a wish for revenge, or a sense of having been wronged?"),
    "violence_interest_or_weapons_access": _l("Interest in past attacks or violence; access to weapons, "
                                              "at home or elsewhere?"),
    "planning_or_preparation": _l("Any research, plans, acquiring weapons, rehearsal, a timeline?"),
    "stressors": _l("Recent losses, failures, conflicts, bullying, crises at home?"),
    "protective_factors": _l("Trusted adults or friends, belonging, goals, things they would lose?"),
    "support_in_place": _l("Who is already helping, and what is working?"),
    "judgement": _l("Write the reasons. There is no score: this is the team's judgement."),
}


def choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(getattr(key, "value", key)), label) for key, label in labels.items()]


def any_or(labels: dict) -> list[SelectChoice]:
    """A filter's choices: "Any" first."""
    return [SelectChoice("", _l("Any")), *choices(labels)]


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs computed in a view, as WTForms wants them."""
    return [SelectChoice(value, label) for value, label in pairs]


def label(labels: dict, value) -> object:
    """The label for a stored value (enum member or plain string), or the value itself."""
    if value is None:
        return ""
    for key, text in labels.items():
        if str(getattr(key, "value", key)) == str(getattr(value, "value", value)):
            return text
    return str(getattr(value, "value", value))
