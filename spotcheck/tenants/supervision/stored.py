"""统计结果 (the figures as last counted): each department's supervision figures of a period, counted by a job and
kept one row a department and period (:class:`~spotcheck.tenants.supervision.models.DepartmentFigures`), with the
moment they were counted. The dashboard and the bureau's home read them (:func:`read`, one indexed read of the
branch's rows) and say when they were counted (数据截至); they never count a branch in the request.

Counting a province's figures (3,000 departments, a million visits) takes half a minute; a county's a fraction of a
second. Both are counted the same way, by a durable job (:mod:`spotcheck.tasks.supervision`):

* **on a schedule** (beat, ``count-supervision-figures``): every department's figures of the current year and of the
  year's periods already counted (:func:`count_due`, the platform's own path);
* **on demand** (立即重新统计): a bureau's branch, of the period it reads (:func:`count`, in the bureau's scope).

What is stored is what every bureau above a department reads alike (:data:`STORED`): its lists, plan filings,
coverage, checks and publication, counted over the department's own rows. The businesses' voice (:data:`VOICE`:
evaluations and complaints) is the bureaus' own rows — each bureau reads those of its branch, a department only those
forwarded to it — and is counted for the reader when the page is read (a few hundred rows, by department).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa

from spotcheck.core import jobs
from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.supervision import figures, periods
from spotcheck.tenants.supervision.figures import Filing, Status
from spotcheck.tenants.supervision.models import DepartmentFigures
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import COUNT_JOB

#: The figures each bureau counts of its own rows, for the reader, when the page is read (not stored).
VOICE = figures.VOICE
#: The figures of :class:`Status` stored as counts (the filings and coverage goals are stored beside them).
STORED = tuple(
    f.name
    for f in fields(Status)
    if f.name not in ("tenant_id", "name", "code", "bureau", "plan_year", "plan_half", "withheld", "goals", *VOICE)
)
#: What :func:`figures.compute` counts for the stored rows (``filings``: the plan deadlines).
WANTED = (*STORED, "filings")


#: Up to how many departments :func:`read` names in its query; more are read as the scope's rows of the period (a
#: bureau's branch), the others left aside.
FEW = 200


@dataclass(frozen=True)
class Counted:
    """The stored figures of departments for a period: each one's :class:`Status` (zeros for one not counted yet),
    when they were counted (``counted_at``: the oldest of their counts, UTC; None: none counted yet), and the
    departments not counted yet (created since, or never counted for this period)."""

    statuses: list[Status]
    counted_at: datetime | None
    missing: list[Tenant]

    @property
    def any(self) -> bool:
        return self.counted_at is not None


# --- writing (the job's work) ----------------------------------------------------------------------


def _filing_values(filing: Filing | None) -> dict[str, Any] | None:
    if filing is None:
        return None
    return {
        "half": filing.half,
        "deadline": filing.deadline.isoformat() if filing.deadline else None,
        "status": filing.status,
        "plan_id": filing.plan_id,
        "submitted_on": filing.submitted_on.isoformat() if filing.submitted_on else None,
    }


def values_of(status: Status) -> dict[str, Any]:
    """What a department's row keeps of its figures (JSON)."""
    return {
        **{name: getattr(status, name) for name in STORED},
        "plan_year": _filing_values(status.plan_year),
        "plan_half": [_filing_values(filing) for filing in status.plan_half],
        "goals": {field: list(goal) for field, goal in status.goals.items()},
    }


def count(period: Period, tenants: list[Tenant], progress: Callable[[int], None] = lambda p: None) -> int:
    """Count the figures of ``tenants`` for ``period`` now, in the current scope, and keep them (each department's
    row replaced, counted at this moment); returns how many departments. Counting twice writes the same figures."""
    progress(10)
    statuses = figures.compute(period, tenants, WANTED)
    progress(80)
    overdue = figures.overdue_unpublished()
    moment = now()
    kept = {
        row.tenant_id: row
        for row in db.session.scalars(sa.select(DepartmentFigures).where(DepartmentFigures.period == period.code))
    }
    for status in statuses:
        values = values_of(status)
        row = kept.get(status.tenant_id)
        late = overdue.get(status.tenant_id, 0)
        if row is None:
            db.session.add(
                DepartmentFigures(
                    tenant_id=status.tenant_id, period=period.code, figures=values, overdue=late, counted_at=moment
                )
            )
        else:
            row.figures, row.overdue, row.counted_at = values, late, moment
    db.session.flush()
    progress(95)
    return len(statuses)


def due_periods() -> list[Period]:
    """The periods the schedule counts: the current year, and the periods of this year already counted (a quarter or
    a half a bureau asked for), in order."""
    year = periods.current("year")
    asked = db.session.scalars(sa.select(DepartmentFigures.period).distinct())
    found = {p.code: p for p in (periods.parse(code) for code in asked) if p is not None and p.year == year.year}
    found[year.code] = year
    return [found[code] for code in sorted(found)]


def count_due() -> dict[str, int]:
    """The schedule's count: every active department's figures of :func:`due_periods`, through the platform's own
    path (every department's rows, each department's figures kept in its own row). Period code → departments."""
    counted: dict[str, int] = {}
    with system_access("count every department's supervision figures (the schedule)"):
        for period in due_periods():
            counted[period.code] = count(period, figures.departments(_every_department(), period))
    return counted


def _every_department() -> list[int]:
    return list(db.session.scalars(sa.select(Tenant.id).where(Tenant.active.is_(True))))


# --- reading (the pages) -------------------------------------------------------------------------------


def _filing(values: dict[str, Any] | None) -> Filing | None:
    if not values:
        return None
    return Filing(
        half=values.get("half"),
        deadline=date.fromisoformat(values["deadline"]) if values.get("deadline") else None,
        status=values["status"],
        plan_id=values.get("plan_id"),
        submitted_on=date.fromisoformat(values["submitted_on"]) if values.get("submitted_on") else None,
    )


def status_of(tenant: Tenant, values: dict[str, Any]) -> Status:
    """A department's :class:`Status` from its row's figures (a figure the row lacks, counted before it existed: 0)."""
    status = Status.of(tenant)
    for name in STORED:
        if name in values:
            setattr(status, name, values[name])
    status.plan_year = _filing(values.get("plan_year"))
    status.plan_half = [f for f in (_filing(v) for v in values.get("plan_half") or []) if f is not None]
    status.goals = {field: tuple(goal) for field, goal in (values.get("goals") or {}).items()}
    return status


def read(period: Period, tenants: list[Tenant], *, voice: bool = True) -> Counted:
    """The stored figures of ``tenants`` for ``period``, as the current scope reads them (a bureau: its branch's rows;
    one query), with the businesses' voice counted now for the reader (:data:`VOICE`; ``voice`` false: left at 0)."""
    wanted = {t.id for t in tenants}
    query = sa.select(DepartmentFigures.tenant_id, DepartmentFigures.figures, DepartmentFigures.counted_at).where(
        DepartmentFigures.period == period.code
    )
    if len(wanted) <= FEW:  # a bureau's own rows of a province's branch: not the branch's thousands
        query = query.where(DepartmentFigures.tenant_id.in_(sorted(wanted)))
    rows = {
        tenant_id: (values, moment) for tenant_id, values, moment in db.session.execute(query) if tenant_id in wanted
    }
    statuses = [status_of(t, rows[t.id][0]) if t.id in rows else Status.of(t) for t in tenants]
    if voice:
        figures.count_voice(period, statuses)
    return Counted(
        statuses,
        min((moment for _, moment in rows.values()), default=None),
        [t for t in tenants if t.id not in rows],
    )


@dataclass(frozen=True)
class Overdue:
    """The results past their publication deadline and still not published (逾期未公示) of the departments the current
    scope reads, as last counted: how many, and when (the oldest count among them)."""

    total: int
    counted_at: datetime


def overdue() -> Overdue | None:
    """:class:`Overdue` of the current scope's departments (a bureau: its branch), from the rows of the current year
    (one read, summed in the database); None when the year is not counted yet."""
    total, moment = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(DepartmentFigures.overdue), 0), sa.func.min(DepartmentFigures.counted_at)
        ).where(DepartmentFigures.period == periods.current("year").code)
    ).one()
    counted = cast("datetime | None", moment)  # no row: NULL
    return None if counted is None else Overdue(int(total), counted)


def counting(tenant_id: int | None, period: Period) -> Job | None:
    """The count of ``period`` that department ``tenant_id`` (a bureau) asked for and that is queued or running (the
    newest), if any, with its progress: the page shows it instead of offering another."""
    for job in db.session.scalars(
        sa.select(Job)
        .where(
            Job.tenant_id == tenant_id,
            Job.kind == COUNT_JOB,
            Job.status.in_([JobStatus.queued, JobStatus.running]),
        )
        .order_by(Job.id.desc())
    ):
        if (job.params or {}).get("period") == period.code:
            return jobs.get_job(job.id)
    return None
