"""Reporting periods (统计期): a quarter (季度), a half-year (半年) or a year (年度), as the seeds'
tables are filed (seed 003: quarterly and yearly; seed 001: half-yearly and yearly).

A period is written ``2026``, ``2026H1`` or ``2026Q4``. Dates are Beijing calendar days; the
moments that bound it (for the stored UTC times) are Beijing midnights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l

from spotcheck.core.clock import SHANGHAI, today
from spotcheck.core.errors import InvalidInputError

_PATTERN = re.compile(r"^(\d{4})(?:([HQ])([1-4]))?$")
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
HALF_NAMES = {1: "上半年", 2: "下半年"}
#: The kinds of period a table may be asked for, in the order offered.
KINDS = ("year", "half", "quarter")


@dataclass(frozen=True)
class Period:
    year: int
    kind: str = "year"  # year / half / quarter
    number: int = 0  # the half (1, 2) or the quarter (1–4)

    @property
    def code(self) -> str:
        return str(self.year) + {"year": "", "half": f"H{self.number}", "quarter": f"Q{self.number}"}[self.kind]

    @property
    def label(self) -> str:
        if self.kind == "half":
            return f"{self.year}年{HALF_NAMES[self.number]}"
        if self.kind == "quarter":
            return f"{self.year}年{QUARTER_NAMES[self.number]}"
        return f"{self.year}年度"

    @property
    def start(self) -> date:
        month = {"year": 1, "half": 1 + 6 * (self.number - 1), "quarter": 1 + 3 * (self.number - 1)}[self.kind]
        return date(self.year, month, 1)

    @property
    def end(self) -> date:
        """The last day of the period."""
        months = {"year": 12, "half": 6, "quarter": 3}[self.kind]
        month = self.start.month + months
        first_after = date(self.year + (month > 12), (month - 1) % 12 + 1, 1)
        return first_after - timedelta(days=1)

    @property
    def since(self) -> datetime:
        """The first moment of the period (Beijing midnight, as an aware datetime)."""
        return datetime.combine(self.start, time(), SHANGHAI)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.end + timedelta(days=1), time(), SHANGHAI)

    @property
    def halves(self) -> tuple[int, ...]:
        """The half-years the period touches (1, 2)."""
        return tuple(
            h
            for h in (1, 2)
            if Period(self.year, "half", h).start <= self.end and Period(self.year, "half", h).end >= self.start
        )

    def __str__(self) -> str:
        return self.code


def period_name(code: str | None) -> str:
    """A period code as people name it (``2026H1`` → 2026年上半年); anything else as it is."""
    period = parse(code)
    return period.label if period is not None else (code or "")


def parse(raw: str | None) -> Period | None:
    """``2026`` / ``2026H2`` / ``2026Q3`` → the period; ``None`` for anything else."""
    match = _PATTERN.match((raw or "").strip().upper())
    if not match:
        return None
    year, letter, number = int(match.group(1)), match.group(2), match.group(3)
    if not 2000 <= year <= 2100:
        return None
    if letter is None:
        return Period(year)
    number = int(number)
    if letter == "H":
        return Period(year, "half", number) if number in (1, 2) else None
    return Period(year, "quarter", number)


def required(raw: Period | str | None) -> Period:
    """The period a command was given (a :class:`Period` or its code); a refusal naming the field otherwise."""
    period = raw if isinstance(raw, Period) else parse(raw)
    if period is None:
        raise InvalidInputError({"period": [_l("Choose a year, half-year or quarter.")]})
    return period


def current(kind: str = "year") -> Period:
    """The period of ``kind`` that holds today."""
    day = today()
    if kind == "half":
        return Period(day.year, "half", 1 if day.month <= 6 else 2)
    if kind == "quarter":
        return Period(day.year, "quarter", (day.month - 1) // 3 + 1)
    return Period(day.year)


def of_year(year: int, kind: str) -> list[Period]:
    """The periods of ``year`` of one kind: the year, its halves or its quarters."""
    if kind == "half":
        return [Period(year, "half", h) for h in (1, 2)]
    if kind == "quarter":
        return [Period(year, "quarter", q) for q in (1, 2, 3, 4)]
    return [Period(year)]


def choices(year: int | None = None) -> list[Period]:
    """The periods offered in a selector: the year, its halves and quarters, for this year and the last."""
    this = year or today().year
    return [period for y in (this, this - 1) for kind in KINDS for period in of_year(y, kind)]
