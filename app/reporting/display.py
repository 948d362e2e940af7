"""How the reporter's pages show times: in the reader's language, to the minute, zone named."""
from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import format_date, format_time, get_locale, to_user_timezone


def in_utc(moment: datetime) -> datetime:
    # SQLite gives back naive UTC times, PostgreSQL aware ones in the connection's zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_minute(moment: datetime) -> str:
    """For a <time datetime="...">: the stored minute, in UTC."""
    return f"{in_utc(moment):%Y-%m-%dT%H:%MZ}"


def reader_moment(moment: datetime) -> str:
    """A stored time as the reader's language writes a date and a time: the locale's own medium
    date and short time, joined by its own pattern (no seconds: none are stored), with the time
    zone named, since the reader's own zone is not known to the server."""
    locale = get_locale()
    local = to_user_timezone(in_utc(moment))  # the day too: format_date alone would not move it
    joined = str(locale.datetime_formats["medium"]).replace("'", "")
    clock = format_time(local, f"{locale.time_formats['short'].pattern} z")
    return joined.replace("{0}", clock).replace("{1}", format_date(local, "medium"))
