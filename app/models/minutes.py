"""The one column type for a moment Noticed stores: a UTC time kept to the minute.

An exact time could link a report to the person who sent it (who was where, at 14:03:27?), and
every row about a report (its alert, audit entries, messages, case notes...) could give it
away as well as the report's own time. So seconds and microseconds are dropped on the way into
the database, whatever the caller passed: a service cannot forget to round. Moments compared
with such a column in a query are rounded the same way.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def to_the_minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


class MinuteTime(TypeDecorator):
    """DateTime(timezone=True) rounded down to the minute when written."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        return to_the_minute(value) if value is not None else None
