"""The supervision figures as the pages show them (统计结果): the dashboard's and the bureau's home's, read from the
figures a job last counted (:mod:`..stored`), with the moment they were counted (数据截至) and the count under way,
if one is. A department's leader reads their own department's figures counted now (one department). The other
reads of the figures (:func:`..statuses`, :func:`..region_rows`, the drill-downs, the tables) count afresh."""

from __future__ import annotations

from dataclasses import dataclass

from spotcheck.core.actor import Actor
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.supervision import criticism, stored
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.policy import across, sees_every_department
from spotcheck.tenants.supervision.queries import Levels, region_figures, supervised_directly


@dataclass(frozen=True)
class Shown:
    """The dashboard's figures (:class:`Levels`), and the count of the period under way (the bureau's), if any."""

    levels: Levels
    counting: Job | None


@query(Permission.SUPERVISION_VIEW, scope=across)
def levels_shown(period: Period, region_id: int | None = None, *, reader: Actor) -> Shown:
    """The dashboard's figures by level (:func:`..region_rows`: the bureau's own departments, one row per lower
    region with a bureau of its own), as last counted (``levels.counted_at``; None: not counted yet); a leader's own
    department, counted now."""
    kept = sees_every_department(reader)
    found = region_figures(reader, period, region_id, kept=kept)
    return Shown(found, stored.counting(reader.tenant_id, period) if kept else None)


@query(Permission.SUPERVISION_VIEW, scope=across)
def attention(period: Period, *, reader: Actor) -> criticism.Attention:
    """What ``period``'s figures call for (the bureau's home page) among the departments it supervises itself (a lower
    region's are its own bureau's to call for), as last counted (``taken_at``; None: not counted yet)."""
    found = stored.read(period, supervised_directly(reader, period), voice=False)
    return criticism.attention(found.statuses, taken_at=found.counted_at, counted=found.any)


@query(Permission.SUPERVISION_VIEW, scope=across)
def overdue(*, reader: Actor) -> stored.Overdue | None:
    """How many results of the bureau's branch are past their publication deadline and still not published (逾期未公示,
    the bureau's home), as last counted; None when not counted yet (or for a department's leader: not theirs to read
    so)."""
    return stored.overdue() if sees_every_department(reader) else None
