"""What the back office's long lists share: pages of the same size (by number, or for the longest
lists from a row's key, see keyset_page), and a search for part of a word that reads the user's %
and _ as themselves."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Sequence

from sqlalchemy import ColumnElement, Select, func, or_, select, tuple_
from sqlalchemy.orm import Session

PAGE_SIZE = 25


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    page: int
    pages: int


def page_of(session: Session, query: Select, wanted_page: int, page_size: int = PAGE_SIZE) -> Page:
    """One page of an ordered query. A page past the end shows the last one, not an empty list.
    A query of one entity gives the entities; one of several columns gives rows."""
    total = session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, wanted_page), pages)
    result = session.execute(query.limit(page_size).offset((page - 1) * page_size))
    items = list(result.scalars()) if len(query.column_descriptions) == 1 else list(result.all())
    return Page(items, total, page, pages)


# Keyset pages ------------------------------------------------------------------------------
# A page of a long list starts after (or before) the key of a row of the page the person came
# from, instead of skipping N rows: the database goes straight to it through an index that holds
# the list's order, so the last page costs what the first does. A link stays right when rows are
# added meanwhile (nothing shifts by one), and needs no JavaScript.

_DIGITS = re.compile(r"[0-9]{1,19}")
_MINUTE = "%Y%m%d%H%M"


class SortKey:
    """How a row's place in a list's order is written into a page link and read back: the values of
    its sort columns joined by dots, a moment as its UTC minute (202601311405.812 for instance)."""

    def __init__(self, *parts: type) -> None:
        self.parts = parts

    def write(self, values: Sequence) -> str:
        return ".".join(_write_part(kind, value) for kind, value in zip(self.parts, values, strict=True))

    def read(self, written: str) -> tuple:
        """The values back; ValueError when the text is not a key of this list."""
        pieces = written.split(".")
        if len(pieces) != len(self.parts) or not all(_DIGITS.fullmatch(piece) for piece in pieces):
            raise ValueError(f"not a list key: {written!r}")
        return tuple(_read_part(kind, piece) for kind, piece in zip(self.parts, pieces))


def _write_part(kind: type, value) -> str:
    if kind is datetime:
        # SQLite gives back a naive UTC time; PostgreSQL an aware one, in the session's time zone.
        moment = value.astimezone(timezone.utc) if value.tzinfo else value
        return moment.strftime(_MINUTE)
    return str(int(value))


def _read_part(kind: type, piece: str):
    if kind is datetime:
        if len(piece) != len("202601311405"):
            raise ValueError(f"not a minute: {piece!r}")
        return datetime.strptime(piece, _MINUTE).replace(tzinfo=timezone.utc)
    return int(piece)


@dataclass(frozen=True)
class PageAt:
    """Which page of a list to show: the first (nothing given), the one after or before the row
    whose key a link carries, or the last."""

    after: str | None = None
    before: str | None = None
    last: bool = False


@dataclass(frozen=True)
class KeysetPage:
    items: list
    total: int  # rows in the whole list
    previous: str | None  # the key to ask for the page before this one; None on the first page
    next: str | None  # the key to ask for the page after this one; None on the last page


def keyset_page(session: Session, query: Select, columns: Sequence, key_of: Callable, sort_key: SortKey,
                at: PageAt, page_size: int = PAGE_SIZE) -> KeysetPage:
    """One page of a query ordered by `columns`, each descending, the last one unique (an id).
    `key_of(item)` gives an item's values of those columns. A key past either end (the rows after
    it were deleted) shows the nearest end, as page_of does, not an empty page. Three queries at
    most, however long the list: the count, the page, and the nearest end when needed."""
    total = session.execute(query.with_only_columns(func.count(), maintain_column_froms=True)
                            .order_by(None)).scalar_one()

    def fetch(descending: bool, beyond=None) -> tuple[list, bool]:
        ordered = query
        if beyond is not None:
            ordered = ordered.where(_compare(columns, sort_key.read(beyond), descending))
        ordered = ordered.order_by(*(column.desc() if descending else column.asc() for column in columns))
        result = session.execute(ordered.limit(page_size + 1))
        rows = list(result.scalars()) if len(query.column_descriptions) == 1 else list(result.all())
        return rows[:page_size], len(rows) > page_size

    if at.before and not at.last:
        items, more = fetch(descending=False, beyond=at.before)
        if items:
            items.reverse()
            return KeysetPage(items, total, sort_key.write(key_of(items[0])) if more else None,
                              sort_key.write(key_of(items[-1])))
        at = PageAt()
    if at.after and not at.last:
        items, more = fetch(descending=True, beyond=at.after)
        if items:
            return KeysetPage(items, total, sort_key.write(key_of(items[0])),
                              sort_key.write(key_of(items[-1])) if more else None)
        at = PageAt(last=True)
    if at.last:
        items, more = fetch(descending=False)
        items.reverse()
        return KeysetPage(items, total, sort_key.write(key_of(items[0])) if more else None, None)
    items, more = fetch(descending=True)
    return KeysetPage(items, total, None, sort_key.write(key_of(items[-1])) if more else None)


def _compare(columns: Sequence, values: tuple, descending: bool) -> ColumnElement[bool]:
    """Rows that come after the key in the order (before it, in the reversed order)."""
    if len(columns) == 1:
        return columns[0] < values[0] if descending else columns[0] > values[0]
    # A row-value comparison: SQLite (3.15+) and PostgreSQL both start an index scan at it.
    # A plain tuple on the right: each value is bound with its column's type (a moment as stored).
    return tuple_(*columns) < tuple(values) if descending else tuple_(*columns) > tuple(values)


def contains_text(text: str, *columns) -> ColumnElement[bool]:
    """Any of the columns contains the text, whatever its case."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))
