"""Working days (工作日) on the official calendar: public holidays are off and the make-up workdays
(调休上班) on weekends are on, as the State Council publishes them each year and the platform keeps
them in its database (:mod:`spotcheck.core.official_calendar`). Deadlines in working days — a report
within 5 working days of the check, a result published within 20 — are counted here and nowhere else.

For a year whose official calendar is not entered yet, the public holidays the law fixes are off
(:mod:`spotcheck.core.statutory_holidays`: 元旦, 春节 from 除夕, 清明, 劳动节, 端午, 中秋, 国庆) and
Monday to Friday otherwise are working days: only that year's 调休 — the weekends worked and the
weekdays taken off in exchange — is unknown. A date counted through such a year is *provisional*
(:data:`PROVISIONAL_NOTE`), and every answer that relied on it says so
(:attr:`Deadline.assumed_years`), so a page can show that the date may move; when the year is
entered, the provisional dates are counted again.

The calendar is read from the database once and kept for :data:`CACHE_SECONDS` per database (a year
loaded in this process is seen at once; another process sees it within that time).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from spotcheck.core.calendar_tables import CalendarYear, OfficialDay
from spotcheck.core.database import db
from spotcheck.core.statutory_holidays import statutory_holidays

log = logging.getLogger(__name__)

#: How long a process keeps the calendar it read before reading it again.
CACHE_SECONDS = 60.0
#: What a provisional date says, wherever it is shown: the statutory holidays are counted, the year's
#: 调休 is not known yet.
PROVISIONAL_NOTE = "调休安排未公布，法定节假日外暂按周一至周五计算"


@dataclass(frozen=True)
class Calendar:
    """The official calendar as entered: the years known, and the days each names."""

    years: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def known(self, year: int) -> bool:
        return year in self.years

    def is_working_day(self, day: date) -> bool:
        """Off on a holiday the year's calendar names — or, for a year not entered, the law fixes —,
        on on a make-up workday, else Monday to Friday."""
        if day in self.holidays:
            return False
        if day.year not in self.years and day in statutory_holidays(day.year):
            return False
        return day in self.workdays or day.weekday() < 5


_cache: dict[str, tuple[float, Calendar]] = {}
_lock = threading.Lock()
_override: ContextVar[Calendar | None] = ContextVar("spotcheck_calendar_override", default=None)


def read() -> Calendar:
    """The calendar as the current transaction sees it in the database."""
    years = frozenset(db.session.scalars(sa.select(CalendarYear.year)))
    holidays, workdays = set[date](), set[date]()
    for day, kind in db.session.execute(sa.select(OfficialDay.day, OfficialDay.kind)):
        (holidays if kind == "holiday" else workdays).add(day)
    return Calendar(years, frozenset(holidays), frozenset(workdays))


def current() -> Calendar:
    """The official calendar to count on (read again after :data:`CACHE_SECONDS`)."""
    override = _override.get()
    if override is not None:
        return override
    key = str(db.engine.url)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    calendar = read()
    with _lock:
        _cache[key] = (time.monotonic(), calendar)
    return calendar


def forget() -> None:
    """Read the calendar again at the next count (a year was loaded)."""
    with _lock:
        _cache.clear()


@contextmanager
def counting_on(calendar: Calendar) -> Iterator[None]:
    """Within the block, count on ``calendar`` (a year being loaded, not committed yet)."""
    token = _override.set(calendar)
    try:
        yield
    finally:
        _override.reset(token)


def official_calendar_known(year: int) -> bool:
    """Whether the official holidays and make-up workdays of ``year`` are entered."""
    return current().known(year)


def is_working_day(day: date) -> bool:
    """A working day: on the official calendar when its year is entered, else Monday–Friday but the
    statutory holidays."""
    return current().is_working_day(day)


@dataclass(frozen=True)
class Deadline:
    """A date counted in working days, and the years whose 调休 had to be assumed away (their
    statutory holidays off, Monday–Friday otherwise)."""

    due: date
    assumed_years: tuple[int, ...] = ()

    @property
    def official(self) -> bool:
        """True when every day counted was on an entered official calendar."""
        return not self.assumed_years

    @property
    def provisional(self) -> bool:
        """A year counted through has no official calendar yet (its 调休 unknown); the date may move."""
        return bool(self.assumed_years)


def add_working_days(start: date, days: int) -> Deadline:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted; 0: ``start``).

    E.g. checked on Thursday 2026-09-24 with 5 working days to report: the Mid-Autumn Festival
    (25–27 September) and National Day (1–7 October) are off, so the days are 28, 29 and 30
    September, 8 and 9 October — due Friday 9 October. One working day after that Friday is
    Saturday 10 October, a make-up workday.
    """
    if days < 0:
        raise ValueError("days must be 0 or more")
    calendar = current()
    day, counted, assumed = start, 0, set()
    while counted < days:
        day += timedelta(days=1)
        if not calendar.known(day.year):
            assumed.add(day.year)
        if calendar.is_working_day(day):
            counted += 1
    if assumed:
        log.info("working days after %s counted Monday–Friday for %s: no official calendar yet", start, sorted(assumed))
    return Deadline(day, tuple(sorted(assumed)))


def working_days_between(start: date, end: date) -> int:
    """How many working days come after ``start`` up to and including ``end`` (0 if ``end`` is not after)."""
    calendar = current()
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def missing_years(on: date) -> list[int]:
    """The years the platform should have an official calendar for by ``on`` and has not: this year,
    and from 1 October (the notice is published in the autumn) the next one."""
    wanted = [on.year] + ([on.year + 1] if on.month >= 10 else [])
    return [year for year in wanted if not official_calendar_known(year)]
