"""What the back office's long lists share: pages of the same size, and a search for part of a
word that reads the user's % and _ as themselves."""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select
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


def contains_text(text: str, *columns) -> ColumnElement[bool]:
    """Any of the columns contains the text, whatever its case."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))
