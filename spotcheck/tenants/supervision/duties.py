"""The reporting duties (报送义务): which statistical table a department submits, for which period, by
when, to whom — read from the rules in force (:func:`spotcheck.tenants.rules.rulebook.rules_for`),
never from the code.

A duty is owed for a period when it is in the department's rules on the period's first day (a duty
removed from the rules is no longer owed from the day it goes; what was submitted stays). Its due
date is fixed by those same rules: the day after the period (``after_period``: 7月1日 after the first
half, 1月1日 after the second half or the year), the Sunday of the quarter's second-to-last week
(``second_to_last_week``: Monday–Sunday weeks, the last week being the one holding the quarter's last
day), or a day of the period's year (``12-15``). A due date is a calendar day, inclusive (submitted
on it is on time). A duty whose due date came before the department was created is not owed. The
departments that submit are the ordinary ones and the market-regulation bureau; the justice bureau
receives them and itself owes the duties the rules give it (``bureau``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from spotcheck.core.clock import local
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.rules.kinds import month_day
from spotcheck.tenants.rules.rulebook import Rules, rules_for
from spotcheck.tenants.rules.structured import say_due
from spotcheck.tenants.supervision.periods import KINDS, Period, of_year, parse

#: Who submits: every department the justice bureau supervises, or the bureau itself.
DEPARTMENTS = "departments"
BUREAU = "bureau"


@dataclass(frozen=True)
class Duty:
    """One recurring duty as the rules give it: table ``code``, its title in this deployment
    (``{year}``: the year), the kind of period, when it is due, who submits, to whom, and the
    document and article that ask for it."""

    code: str
    name: str
    period_kind: str  # half / year / quarter
    due_rule: str  # after_period / second_to_last_week / MM-DD
    submitter: str  # DEPARTMENTS / BUREAU
    recipient: str
    citation: str  # 《……》第9条
    reading: str = ""  # how the rule is read, where its words leave room
    other_fields_only: bool = False  # owed only by departments with items outside market regulation

    def title(self, period: Period) -> str:
        return self.name.format(year=period.year)

    def due(self, period: Period) -> date:
        """The due date (inclusive) of the table of ``period``."""
        if self.due_rule == "second_to_last_week":
            last = period.end
            return last - timedelta(days=last.weekday()) - timedelta(days=1)
        if self.due_rule == "after_period":
            return period.end + timedelta(days=1)
        month, day = month_day(self.due_rule)
        return date(period.year, month, day)

    @property
    def when(self) -> str:
        """When it is due, in words, for its kind of period."""
        if self.due_rule == "after_period":
            return {
                "year": "次年1月1日前",
                "half": "上半年的于7月1日前、下半年的于次年1月1日前",
                "quarter": "季度结束后的次日前",
            }[self.period_kind]
        return say_due(self.due_rule)

    @property
    def area_wide(self) -> bool:
        return self.submitter == BUREAU


def duties_of(rules: Rules) -> tuple[Duty, ...]:
    """The duties ``rules`` give (the rulebook's, and those a department's rules add); where the rules
    send the market-regulation field's tables to the market-regulation bureau too
    (``market_tables_to_lead``: 涉及市场监管领域的报表径送市场监督管理局), a department's duty says so."""
    found = []
    for duty in rules.duties:  # a duty's own article, in the document that gives the duties
        citation = (
            replace(rules.cited["duties"], article=duty["article"]).citation
            if duty["article"]
            else rules.cite("duties")
        )
        recipient = duty["recipient"]
        if rules.market_tables_to_lead and duty["submitter"] == DEPARTMENTS:
            recipient += "；涉及市场监管领域的报表另报市场监督管理局"
        found.append(
            Duty(
                duty["table"],
                rules.table_template(duty["table"]),
                duty["period"],
                duty["due"],
                duty["submitter"],
                recipient,
                citation,
                duty["reading"],
                other_fields_only=duty["only"] == "other_fields",
            )
        )
    return tuple(found)


@dataclass(frozen=True)
class Due:
    """One duty for one period: what, for when, due by when."""

    duty: Duty
    period: Period

    @property
    def due_on(self) -> date:
        return self.duty.due(self.period)

    @property
    def title(self) -> str:
        return self.duty.title(self.period)

    @property
    def key(self) -> str:
        return f"{self.duty.code}/{self.period.code}"


def submits(tenant: Tenant, duty: Duty) -> bool:
    """Whether ``tenant`` is among those who submit ``duty`` (before the other-fields condition)."""
    if duty.submitter == BUREAU:
        return tenant.kind == TenantKind.supervisor
    return tenant.kind in (TenantKind.ordinary, TenantKind.lead)


def created_on(tenant: Tenant) -> date | None:
    """The Beijing day the department was created."""
    created: datetime | None = tenant.created_at  # None until the row is flushed (its default is set then)
    return local(created).date() if created is not None else None


def owed(tenant: Tenant, due: Due) -> bool:
    """Whether the department owes ``due`` by its date: not when the date came before it existed."""
    created = created_on(tenant)
    return created is None or due.due_on >= created


def schedule(tenant_id: int | None, years: list[int]) -> list[Due]:
    """Every duty of department ``tenant_id`` (None: the deployment's rulebook alone) in ``years``, each
    by the rules in force on its period's first day, by due date."""
    found = []
    for year in years:
        for kind in KINDS:
            for period in of_year(year, kind):
                for duty in duties_of(rules_for(tenant_id, period.start)):
                    if duty.period_kind == kind:
                        found.append(Due(duty, period))
    return sorted(found, key=lambda d: (d.due_on, d.duty.code))


def find(tenant_id: int | None, code: str, period_code: str) -> Due | None:
    """The duty of table ``code`` for the period written ``period_code`` of department ``tenant_id``
    (``None``: no such duty in the rules in force on the period's first day)."""
    period = parse(period_code)
    if period is None:
        return None
    duty = next(
        (
            d
            for d in duties_of(rules_for(tenant_id, period.start))
            if d.code == (code or "") and d.period_kind == period.kind
        ),
        None,
    )
    return Due(duty, period) if duty is not None else None
