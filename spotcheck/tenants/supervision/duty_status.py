"""Where each reporting duty stands (报送情况): submitted on time (按时报送), late (逾期报送), missing
(逾期未报送), not due yet (未到期) or not owed (不要求: due before the department existed), for a
department's own page and to-do list, and across departments for the justice bureau.

A table is submitted when its leader signed a version; the day that counts is the first signed
version's (a correction does not make a table late, nor an on-time one of a late one). Days are
Beijing days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import local, today
from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.common.vocabulary.reference import MARKET_FIELD
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.supervision import duties
from spotcheck.tenants.supervision.duties import Due
from spotcheck.tenants.supervision.policy import REPORT_ACTIONS
from spotcheck.tenants.supervision.submission_models import ReportSubmission, SubmissionStatus
from spotcheck.tenants.supervision.vocabulary import REPORT_STATUS

#: The statuses of a duty, in words (the bureau's overview, the department's page, the API's ``status_name``).
STATUS = REPORT_STATUS
#: How far ahead a duty shows on the to-do list (days before its due date).
TODO_DAYS_AHEAD = 31


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
        return duties.owed(self.tenant, self.due)

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


def other_field_departments() -> set[int]:
    """The departments (of the current scope) with a published item outside market regulation: those
    that owe a duty the rules give to them only (``only = "other_fields"``), as they owe the half-year
    plans of the non-market fields."""
    return set(
        db.session.scalars(
            sa.select(Item.tenant_id).where(Item.status == ItemStatus.published, Item.field != MARKET_FIELD).distinct()
        )
    )


def applies(tenant: Tenant, due: Due, other_fields: set[int]) -> bool:
    """Whether ``tenant`` is among those who submit ``due`` (owed or not)."""
    return duties.submits(tenant, due.duty) and (not due.duty.other_fields_only or tenant.id in other_fields)


def _versions(tenant_ids: list[int] | None = None) -> dict[tuple, list[ReportSubmission]]:
    query = sa.select(ReportSubmission).order_by(ReportSubmission.version)
    if tenant_ids is not None:
        query = query.where(ReportSubmission.tenant_id.in_(tenant_ids))
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
    for due in duties.schedule(tenant.id, years or years_shown(day)):
        if not applies(tenant, due, other):
            continue
        state = _state(tenant, due, rows.get((tenant.id, due.duty.code, due.period.code), []), day)
        if state.owed or state.versions or state.prepared:
            found.append(state)
    return found


def to_do(tenant: Tenant, actor: Actor) -> list[DutyState]:
    """The duties on the to-do list of ``actor``: owed, not submitted, the period begun and the due
    date within :data:`TODO_DAYS_AHEAD` days or past, when the actor can take a step on them."""
    day = today()
    found = []
    for state in states_of(tenant):
        if state.versions or state.status not in ("pending", "missing"):
            continue
        if (state.due.due_on - day).days > TODO_DAYS_AHEAD or not REPORT_ACTIONS.allowed(state, actor):
            continue
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
    other = other_field_departments()
    rows = _versions([t.id for t in tenants])
    grouped: dict[tuple, DutyOverview] = {}
    for tenant in tenants:
        for due in duties.schedule(tenant.id, years):
            if due.period.start > day or not applies(tenant, due, other):
                continue
            state = _state(tenant, due, rows.get((tenant.id, due.duty.code, due.period.code), []), day)
            grouped.setdefault((due.due_on, due.duty.code, due.period.code), DutyOverview(due, [])).states.append(state)
    return [grouped[key] for key in sorted(grouped)]
