"""The reporting duties (报送义务) and where each stands (报送情况): which statistical table a department
submits, for which period, by when, to whom — read from the rules in force
(:func:`spotcheck.tenants.rules.rulebook.rules_for`), never from the code — and whether it was submitted
on time (按时报送), late (逾期报送), not at all (逾期未报送), is not due yet (未到期) or is not owed
(不要求), for a department's own page and reminders, and across departments for the justice bureau.

A duty is owed for a period when it is in the department's rules on the period's first day (a duty
removed from the rules is no longer owed from the day it goes; what was submitted stays). Its due
date is fixed by those same rules: the day after the period (``after_period``: 7月1日 after the first
half, 1月1日 after the second half or the year), the Sunday of the quarter's second-to-last week
(``second_to_last_week``: Monday–Sunday weeks, the last week being the one holding the quarter's last
day), or a day of the period's year (``12-15``). A due date is a calendar day, inclusive (submitted
on it is on time). A duty whose due date came before the department was created is not owed. The
departments that submit are the ordinary ones and the market-regulation bureau; the justice bureau
receives them and itself owes the duties the rules give it (``bureau``).

A table is submitted when its leader signed a version; the day that counts is the first signed
version's (a correction does not make a table late, nor an on-time one of a late one). Days are
Beijing days.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import local, today
from spotcheck.core.database import db, one_of
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.common.vocabulary.reference import MARKET_FIELD
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.rules.kinds import month_day
from spotcheck.tenants.rules.rulebook import Rules, know_departments, rules_for, rules_for_region
from spotcheck.tenants.rules.structured import say_due
from spotcheck.tenants.supervision.models import ReportSubmission, SubmissionStatus
from spotcheck.tenants.supervision.periods import KINDS, Period, of_year, parse
from spotcheck.tenants.supervision.vocabulary import REPORT_STATUS

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
                for duty in duties_of(
                    rules_for(tenant_id, period.start)
                    if tenant_id is not None
                    else rules_for_region(None, period.start)
                ):
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
            for d in duties_of(
                (rules_for(tenant_id, period.start) if tenant_id is not None else rules_for_region(None, period.start))
            )
            if d.code == (code or "") and d.period_kind == period.kind
        ),
        None,
    )
    return Due(duty, period) if duty is not None else None


# --- where each duty stands (报送情况) ---------------------------------------------------------------

#: The statuses of a duty, in words (the bureau's overview, the department's page, the API's ``status_name``).
STATUS = REPORT_STATUS


@dataclass
class DutyState:
    """One department's standing on one duty, with its signed versions (oldest first) and the
    version prepared and waiting for the leader's signature, if any."""

    due: Due
    tenant: Tenant
    versions: list[ReportSubmission] = field(default_factory=list)
    prepared: ReportSubmission | None = None
    on: date | None = None  # the day it is read on (today)

    @property
    def owed(self) -> bool:
        return owed(self.tenant, self.due)

    @property
    def first(self) -> ReportSubmission | None:
        return self.versions[0] if self.versions else None

    @property
    def current(self) -> ReportSubmission | None:
        return self.versions[-1] if self.versions else None

    @property
    def submitted_on(self) -> date | None:
        first = self.first
        return local(first.submitted_at).date() if first is not None and first.submitted_at else None

    @property
    def status(self) -> str:
        day = self.submitted_on
        if day is not None:
            return "late" if self.owed and day > self.due.due_on else "on_time"
        if not self.owed:
            return "not_owed"
        return "missing" if (self.on or today()) > self.due.due_on else "pending"

    @property
    def status_name(self) -> str:
        return STATUS[self.status]

    @property
    def started(self) -> bool:
        """The period has begun: its table can be prepared."""
        return self.due.period.start <= (self.on or today())

    @property
    def corrections(self) -> int:
        return max(0, len(self.versions) - 1)


def other_field_departments(tenant_ids: list[int] | None = None) -> set[int]:
    """The departments (of the current scope; of ``tenant_ids`` alone when given) with a published item outside
    market regulation: those that owe a duty the rules give to them only (``only = "other_fields"``), as they owe the
    half-year plans of the non-market fields."""
    query = sa.select(Item.tenant_id).where(Item.status == ItemStatus.published, Item.field != MARKET_FIELD)
    if tenant_ids is not None:
        query = query.where(one_of(Item.tenant_id, tenant_ids))
    return set(db.session.scalars(query.distinct()))


def applies(tenant: Tenant, due: Due, other_fields: set[int]) -> bool:
    """Whether ``tenant`` is among those who submit ``due`` (owed or not)."""
    return submits(tenant, due.duty) and (not due.duty.other_fields_only or tenant.id in other_fields)


def _versions(tenant_ids: list[int] | None = None) -> dict[tuple, list[ReportSubmission]]:
    query = sa.select(ReportSubmission).order_by(ReportSubmission.version)
    if tenant_ids is not None:
        query = query.where(one_of(ReportSubmission.tenant_id, tenant_ids))
    found: dict[tuple, list[ReportSubmission]] = {}
    for row in db.session.scalars(query):
        found.setdefault((row.tenant_id, row.table_code, row.period), []).append(row)
    return found


def _state(tenant: Tenant, due: Due, rows: list[ReportSubmission], on: date) -> DutyState:
    signed = [r for r in rows if r.status != SubmissionStatus.prepared]
    prepared = next((r for r in rows if r.status == SubmissionStatus.prepared), None)
    return DutyState(due, tenant, signed, prepared, on)


def state_of(tenant: Tenant, due: Due) -> DutyState:
    """One duty of ``tenant`` (read in the current scope)."""
    rows = _versions([tenant.id]).get((tenant.id, due.duty.code, due.period.code), [])
    return _state(tenant, due, rows, today())


def years_shown(on: date | None = None) -> list[int]:
    day = on or today()
    return [day.year - 1, day.year]


def states_of(tenant: Tenant, years: list[int] | None = None, on: date | None = None) -> list[DutyState]:
    """Every duty of ``tenant`` in ``years`` (last year and this one by default), by due date; the
    ones not owed are left out unless something was submitted for them."""
    day = on or today()
    other = other_field_departments()
    rows = _versions([tenant.id])
    found = []
    for due in schedule(tenant.id, years or years_shown(day)):
        if not applies(tenant, due, other):
            continue
        state = _state(tenant, due, rows.get((tenant.id, due.duty.code, due.period.code), []), day)
        if state.owed or state.versions or state.prepared:
            found.append(state)
    return found


@events.subscribe("reminders.collect")
def _remind(*, actor: Actor, tenant: Tenant, day: date, found: dict[str, list[str]]) -> None:
    """The daily reminders (:mod:`spotcheck.tenants.notices.reminders`) list the tables to submit."""
    for key, lines in reminder_lines(tenant, day).items():
        found[key].extend(lines)


def reminder_lines(tenant: Tenant, day: date) -> dict[str, list[str]]:
    """The day's reminders of tables to submit (due within two working days, or overdue), by who
    acts next: ``planner`` (to prepare) and ``leader`` (to sign; a table overdue is escalated to them)."""
    found: dict[str, list[str]] = {"planner": [], "leader": []}
    for state in states_of(tenant, on=day):
        if state.versions or state.status not in ("pending", "missing") or not state.started:
            continue
        flag = deadlines.flag(state.due.due_on, day, tenant_id=tenant.id)
        if flag is None:
            continue
        line = (
            f"【{'已逾期' if flag == 'overdue' else '即将到期'}】报送《{state.due.title}》（{state.due.period.label}）"
            f"截止 {state.due.due_on.isoformat()}"
        )
        if state.prepared is None:
            found["planner"].append(line)
        found["leader"].append(line + ("（已生成，待签发）" if state.prepared is not None else ""))
    return found


@dataclass
class DutyOverview:
    """One duty across departments (the justice bureau's overview)."""

    due: Due
    states: list[DutyState]

    def named(self, status: str) -> list[DutyState]:
        return [s for s in self.states if s.status == status]


def overview(tenants: list[Tenant], years: list[int]) -> list[DutyOverview]:
    """Every duty of ``years`` whose period has begun, with each department's state (read in the
    current scope: the bureau's cross-department reading); each department's duties by its own rules."""
    day = today()
    other = other_field_departments([t.id for t in tenants])
    rows = _versions([t.id for t in tenants])
    know_departments({t.id: t.region_id for t in tenants})  # their rules: one read per level, not per department
    grouped: dict[tuple, DutyOverview] = {}
    for tenant in tenants:
        for due in schedule(tenant.id, years):
            if due.period.start > day or not applies(tenant, due, other):
                continue
            state = _state(tenant, due, rows.get((tenant.id, due.duty.code, due.period.code), []), day)
            grouped.setdefault((due.due_on, due.duty.code, due.period.code), DutyOverview(due, [])).states.append(state)
    return [grouped[key] for key in sorted(grouped)]
