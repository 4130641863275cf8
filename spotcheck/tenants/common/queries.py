"""分页: numbered pages for the public lists, shared by every domain's queries: ``?page=N`` of a
stable order, with the total.

Public lists (drawn targets, the inspector directory, the item list) are read by people who
want "page 3 of 12" and a count, and are at most tens of thousands of rows per department, so
OFFSET paging is cheap enough; the staff's directory pages, over millions of rows, page by key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError


@dataclass(frozen=True)
class NumberedPage:
    """Page ``number`` (from 1) of ``pages`` (at least 1); ``total`` rows in all — or, with ``more``, at least
    that many (a search counted only so far: the pages go on past ``pages``)."""

    rows: Sequence[Any]
    number: int
    pages: int
    total: int
    per_page: int
    more: bool = False

    @property
    def first(self) -> int:
        """The position of the first row on this page, from 1."""
        return (self.number - 1) * self.per_page + 1


def paginate(
    query: sa.Select, *, page: int, per_page: int, make: Callable = lambda row: row, total: int | None = None
) -> NumberedPage:
    """Page ``page`` of ``query`` (which must have a total order), each row passed through
    ``make``; ``total``: the number of rows when the caller has counted them already. A page
    before the first or after the last: NotFoundError."""
    if total is None:
        total = db.session.execute(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    if not 1 <= page <= pages:
        raise NotFoundError(_l("No such page."))
    rows = db.session.execute(query.offset((page - 1) * per_page).limit(per_page))
    return NumberedPage([make(row) for row in rows], page, pages, total, per_page)


def paginate_on(
    query: sa.Select, *, page: int, per_page: int, at_least: int, make: Callable = lambda row: row
) -> NumberedPage:
    """Page ``page`` of ``query`` when its rows were counted only up to ``at_least`` (``more``): each page knows
    whether one follows, none knows the last. A page before the first, or past the rows: NotFoundError."""
    if page < 1:
        raise NotFoundError(_l("No such page."))
    rows = db.session.execute(query.offset((page - 1) * per_page).limit(per_page + 1)).all()
    if not rows:
        raise NotFoundError(_l("No such page."))
    return NumberedPage(
        [make(row) for row in rows[:per_page]],
        page,
        page + 1 if len(rows) > per_page else page,
        at_least,
        per_page,
        more=True,
    )
