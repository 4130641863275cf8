"""The supervision figures as the pages show them (统计快照): the dashboard's and the bureau's home's, each
from a snapshot counted at most ``SPOTCHECK_FIGURES_MAX_AGE_SECONDS`` ago (:mod:`..snapshots`), with the
moment it was counted. The other reads of the figures (:func:`..statuses`, the drill-downs, the tables)
count afresh."""

from __future__ import annotations

import math
from dataclasses import replace

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.supervision import criticism, figures, snapshots
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.policy import across, sees_every_department
from spotcheck.tenants.supervision.queries import Levels, _departments, region_figures, supervised_directly


@query(Permission.SUPERVISION_VIEW, scope=across)
def levels_shown(
    period: Period, region_id: int | None = None, *, reader: Actor, afresh: bool = False
) -> snapshots.Snapshot[Levels]:
    """The dashboard's figures by level (:func:`..region_rows`: the bureau's own departments, one row per lower
    region with a bureau of its own; a leader's own department), as counted at most
    ``SPOTCHECK_FIGURES_MAX_AGE_SECONDS`` ago for the same region, with the moment (``afresh``: counted now)."""
    tenants = _departments(reader, None, period)
    return snapshots.taken(
        (*_key("levels", period, tenants, reader), region_id),
        lambda: region_figures(reader, period, region_id),
        afresh=afresh,
    )


@query(Permission.SUPERVISION_VIEW, scope=across)
def attention(period: Period, *, reader: Actor) -> criticism.Attention:
    """What ``period``'s figures call for (the bureau's home page) among the departments it supervises itself (a lower
    region's are its own bureau's to call for), from a snapshot of its figures (its moment in ``taken_at``)."""
    tenants = supervised_directly(reader, period)
    shown = snapshots.taken(
        _key("attention", period, tenants, reader),
        lambda: figures.compute(period, tenants, criticism.Attention.FIGURES),
    )
    return replace(criticism.attention(shown.value), taken_at=shown.taken_at)


def max_age_minutes() -> int:
    """How old the figures a page shows may be, in whole minutes rounded up (0: always counted afresh)."""
    return math.ceil(snapshots.max_age().total_seconds() / 60)


def _key(what: str, period: Period, tenants: list[Tenant], reader: Actor) -> tuple:
    """What a snapshot's figures depend on: the database, the figures, the period, the departments, the
    reader's reach (every department, or their own department's scope) and the day (a period that ended
    since shows a department its evaluations)."""
    reach = "every" if sees_every_department(reader) else reader.tenant_id
    return (str(db.engine.url), what, period.code, tuple(t.id for t in tenants), reach, today())
