"""The evaluation figures a department reads (部门看到的企业评价统计): how many evaluations of its inspections the
businesses gave in a period (企业评价) and how satisfied they were on average (平均满意度) — only where no figure
lets the department learn what one business said, so that a business may speak without fear of the department
it speaks of (issue 74: a voice that cannot be punished).

The evaluations are the justice bureau's rows (:class:`~spotcheck.tenants.supervision.models.Evaluation`). The
bureau reads every figure and every evaluation (:mod:`.figures`, :mod:`.drill_down`), unchanged. A department
reads the figures of its own evaluations through :func:`tallies` — the one path across to the bureau's rows in a
department's reading (:func:`~spotcheck.core.scoping.system_access`), which returns, per quarter that has ended,
a count, a sum, the lowest and the highest score: never a row — and only what :func:`disclose` lets it:

* **Ended periods only.** An evaluation is counted by the moment it was given (``evaluated_at``: always the moment
  the business sent it), so an ended period's evaluations never change. A running period's count would move with
  each evaluation, telling when one came in and, with the average, what it said: it is shown once it has ended.
* **At least five, and nothing below five by subtraction.** Within a year the periods — the year Y, the halves
  H1 and H2, the quarters Q1 to Q4 — form a laminar family over the quarters: any two are disjoint, or one holds
  the other. They are decided in the order they end: Q1; then H1 before Q2 (both end on 30 June); Q3; then Y, H2
  and Q4 (all on 31 December). Each decision reads only periods already ended, so once made it never changes.
  Period P is shown iff it has ended, holds at least five evaluations, and, with P added to the periods shown
  before it, every *atom* of the family holds none or at least five. A member's atom is what it holds beyond its
  largest shown sub-periods (Y, H1 and Q3 shown: Y's atom is Q4 = Y − H1 − Q3, which the department could work
  out); every count a department can compute from the counts shown is a sum of atoms. Withheld with five or more
  of its own, the period says that a subtraction would tell less than five.
* **No average that tells a score.** The averages are decided the same way, in the same order, over the periods
  shown: a period's average is shown iff no atom of the family of averages shown (with it) is *uniform* — all its
  evaluations of one score, which an average over it would tell for each of them. Withheld, the period shows its
  count only, and says why.

The words of each case are :data:`~spotcheck.tenants.supervision.vocabulary.EVALUATIONS_WITHHELD`; the floor of
five is the issue's (and DESIGN's) promise to the businesses, not a rule a city sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.supervision import conditions as when
from spotcheck.tenants.supervision.figures import Status
from spotcheck.tenants.supervision.models import Evaluation
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.policy import reads_evaluations
from spotcheck.tenants.supervision.vocabulary import EVALUATIONS_SHOWN_FROM, EVALUATIONS_WITHHELD as WITHHELD

QUARTERS = (1, 2, 3, 4)
#: The periods of a year in the order they end, a half-year before its last quarter, the year first of all three
#: that end on 31 December: (kind, number).
ORDER = (("quarter", 1), ("half", 1), ("quarter", 2), ("quarter", 3), ("year", 0), ("half", 2), ("quarter", 4))


@dataclass(frozen=True)
class Tally:
    """Evaluations summed up: how many, their scores' sum, the lowest and the highest score."""

    count: int = 0
    total: int = 0
    low: int | None = None
    high: int | None = None

    def __add__(self, other: Tally) -> Tally:
        lows = [v for v in (self.low, other.low) if v is not None]
        highs = [v for v in (self.high, other.high) if v is not None]
        return Tally(
            self.count + other.count, self.total + other.total, min(lows, default=None), max(highs, default=None)
        )

    @property
    def uniform(self) -> bool:
        """Every evaluation of one score (an average would tell each of them)."""
        return self.count > 0 and self.low == self.high


@dataclass(frozen=True)
class Disclosed:
    """One period's evaluations as a department reads them: the count and the sum of their scores where shown
    (``None``: withheld), and why what is not shown is not."""

    count: int | None
    total: int | None = None
    withheld: str = ""  # why the count (and so the average) is not shown
    average_withheld: str = ""  # why the average is not, the count shown

    @property
    def average(self) -> float | None:
        return None if self.count is None or self.total is None else round(self.total / self.count, 2)


def quarters_of(period: Period) -> frozenset[int]:
    """The quarters a period is made of."""
    if period.kind == "quarter":
        return frozenset({period.number})
    if period.kind == "half":
        return frozenset({1, 2} if period.number == 1 else {3, 4})
    return frozenset(QUARTERS)


def _atoms(family: Iterable[frozenset[int]]) -> list[frozenset[int]]:
    """The atoms of a laminar family: each member without its sub-members (without its largest ones is the same)."""
    members = list(family)
    return [member - frozenset().union(*(other for other in members if other < member)) for member in members]


def _sum(tallies: Mapping[int, Tally], quarters: Iterable[int]) -> Tally:
    found = Tally()
    for quarter in quarters:
        found = found + tallies.get(quarter, Tally())
    return found


def disclose(year: int, tallies: Mapping[int, Tally], ended: Callable[[Period], bool]) -> dict[str, Disclosed]:
    """Every period of ``year`` as a department reads it, by its code, from its quarters' ``tallies`` (those of the
    quarters ended are enough): the decisions of the module's docstring, in :data:`ORDER`."""
    minimum = EVALUATIONS_SHOWN_FROM
    shown: list[frozenset[int]] = []
    averaged: list[frozenset[int]] = []
    found: dict[str, Disclosed] = {}
    for kind, number in ORDER:
        period = Period(year, kind, number)
        quarters = quarters_of(period)
        tally = _sum(tallies, quarters)
        if not ended(period):
            found[period.code] = Disclosed(None, withheld=WITHHELD["running"])
        elif tally.count < minimum:
            found[period.code] = Disclosed(None, withheld=WITHHELD["fewer"])
        elif any(0 < _sum(tallies, atom).count < minimum for atom in _atoms([*shown, quarters])):
            found[period.code] = Disclosed(None, withheld=WITHHELD["subtracted"])
        else:
            shown.append(quarters)
            if any(_sum(tallies, atom).uniform for atom in _atoms([*averaged, quarters])):
                found[period.code] = Disclosed(
                    tally.count, average_withheld=WITHHELD["same" if tally.uniform else "same_subtracted"]
                )
            else:
                averaged.append(quarters)
                found[period.code] = Disclosed(tally.count, tally.total)
    return found


def tallies(tenant_id: int, year: int, before: date) -> dict[int, Tally]:
    """The evaluations of department ``tenant_id`` in each quarter of ``year`` that ended before ``before``, summed
    up: the one path by which a department's reading crosses to the justice bureau's rows, and it brings back
    aggregates per quarter, never a row."""
    quarters = [Period(year, "quarter", q) for q in QUARTERS if Period(year, "quarter", q).end < before]
    if not quarters:
        return {}
    score = Evaluation.satisfaction
    columns = []
    for quarter in quarters:
        inside = when.evaluated(quarter)
        columns += [
            sa.func.count().filter(inside),
            sa.func.sum(score).filter(inside),
            sa.func.min(score).filter(inside),
            sa.func.max(score).filter(inside),
        ]
    with system_access("a department's own evaluation figures: per ended quarter a count, a sum and the extremes"):
        values = db.session.execute(sa.select(*columns).where(Evaluation.about_tenant_id == tenant_id)).one()
    return {
        quarter.number: Tally(
            int(values[4 * i] or 0), int(values[4 * i + 1] or 0), values[4 * i + 2], values[4 * i + 3]
        )
        for i, quarter in enumerate(quarters)
    }


def disclosed(tenant_id: int, period: Period) -> Disclosed:
    """Department ``tenant_id``'s evaluations of ``period``, as it reads them (today)."""
    day = today()
    return disclose(period.year, tallies(tenant_id, period.year, day), lambda p: p.end < day)[period.code]


def as_read_by(statuses: list[Status], period: Period, reader: Actor) -> list[Status]:
    """The figures ``statuses`` of ``period`` as ``reader`` reads them: as counted for the justice bureau; for a
    department, its evaluations and their average as :func:`disclose` lets it read them (counted in its own
    scope, the bureau's rows show none), with why each one withheld is."""
    if reads_evaluations(reader):
        return statuses
    for status in statuses:
        shown = disclosed(status.tenant_id, period)
        status.evaluations, status.satisfaction_total = shown.count or 0, shown.total or 0
        status.withheld = {
            key: why
            for key, why in (
                ("evaluations", shown.withheld),
                ("satisfaction", shown.withheld or shown.average_withheld),
            )
            if why
        }
    return statuses
