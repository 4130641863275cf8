"""Working days (工作日) on the official calendar of the State Council: public holidays are off and
the make-up workdays (调休上班) on weekends are on, as published each year (package
``chinesecalendar``). Deadlines in working days — a report within 5 working days of the check, a
result published within 20 — are counted here and nowhere else.

The official calendar of a year is published late in the year before. For a year the package
does not know yet, Monday to Friday are taken as working days, and every answer that relied on
that says so (:attr:`Deadline.assumed_years`), so a page can warn that the date may move.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)


@lru_cache(maxsize=64)
def official_calendar_known(year: int) -> bool:
    """Whether the official holidays and make-up workdays of ``year`` are known."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date) -> bool:
    """A working day: on the official calendar when its year is known, else Monday–Friday."""
    if official_calendar_known(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


@dataclass(frozen=True)
class Deadline:
    """A date counted in working days, and the years for which Monday–Friday had to be assumed."""

    due: date
    assumed_years: tuple[int, ...] = ()

    @property
    def official(self) -> bool:
        """True when every day counted was on a known official calendar."""
        return not self.assumed_years


def add_working_days(start: date, days: int) -> Deadline:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted; 0: ``start``).

    E.g. checked on Thursday 2026-09-24 with 5 working days to report: the Mid-Autumn Festival
    (25–27 September) and National Day (1–7 October) are off, so the days are 28, 29 and 30
    September, 8 and 9 October — due Friday 9 October. One working day after that Friday is
    Saturday 10 October, a make-up workday.
    """
    if days < 0:
        raise ValueError("days must be 0 or more")
    day, counted, assumed = start, 0, set()
    while counted < days:
        day += timedelta(days=1)
        if not official_calendar_known(day.year):
            assumed.add(day.year)
        if is_working_day(day):
            counted += 1
    if assumed:
        log.warning("working days after %s counted Monday–Friday for %s: no official calendar yet", start,
                    sorted(assumed))
    return Deadline(day, tuple(sorted(assumed)))


def working_days_between(start: date, end: date) -> int:
    """How many working days come after ``start`` up to and including ``end`` (0 if ``end`` is not after)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
