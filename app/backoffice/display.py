"""How the back office shows things: places, languages, ages, labels; offered to its templates."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from babel import Locale
from flask import g
from flask_babel import format_date, format_datetime, format_timedelta, get_locale

from app.backoffice import bp, labels
from app.extensions import db
from app.i18n import text_direction
from app.models.staff import Role
from app.services import triage
from app.services.places import live_place_names, normalise_place_code


def place_label(code: str | None) -> str:
    """The live place's name, else the code as stored. The names are read once per request (a
    few hundred short rows): the queue names a place on each row and in its filter's menu."""
    if not code:
        return ""
    names = g.get("live_place_names")
    if names is None:
        names = g.live_place_names = live_place_names(db.session)
    return names.get(normalise_place_code(code) or code) or code


def language_label(code: str) -> str:
    """The language's name in the reader's language, e.g. "Spanish (español)"."""
    try:
        locale = Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError):
        return code
    shown = locale.get_display_name(str(get_locale() or "en")) or code
    native = locale.get_display_name(locale) or code
    return shown if shown == native else f"{shown} ({native})"


def moment_age(moment: datetime) -> timedelta:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc) - aware


@bp.context_processor
def backoffice_helpers():
    return {"labels": labels, "Role": Role, "place_label": place_label, "language_label": language_label,
            "text_direction": text_direction, "urgency_of": triage.urgency, "channel_of": triage.channel_of,
            "moment_age": moment_age, "format_timedelta": format_timedelta, "format_datetime": format_datetime,
            "format_date": format_date}
