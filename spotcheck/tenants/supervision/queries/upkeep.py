"""The upkeep of a department's two directories (名录库的动态管理) where the rules ask it: a target directory
updated at least once a year (``directory_yearly_update``; 城口县's 二（四）: 加强行政检查对象名录库动态管理，确保一年
一更新) — the administrator's to-do once a year has passed since its last update (or since the department
opened, for one never updated)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import local, today
from spotcheck.core.database import db
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.todo import Task
from spotcheck.tenants.accounts.models import TenantKind, tenant_of
from spotcheck.tenants.directory.models import DirectorySize
from spotcheck.tenants.rules.rulebook import rules_for

#: What updates a target directory: an entry added, changed or removed (a file's import adds and removes
#: entries day by day in :class:`DirectorySize`; it changes them as ``directory.changed`` too).
_CHANGES = ("directory.added", "directory.changed", "directory.removed")


@dataclass(frozen=True)
class StaleDirectory:
    """A target directory not updated for a year where the rules ask it: since when, and the rule asking."""

    id: int  # the department's
    since: date  # the last update (or the department's opening)
    rule: str


def last_update(tenant_id: int) -> date | None:
    """The last day (Beijing) the department's target directory changed: an entry added or removed (by any
    path, counted day by day), or changed (audited); None when it never did."""
    added = db.session.scalar(
        sa.select(sa.func.max(DirectorySize.day)).where(
            DirectorySize.tenant_id == tenant_id, (DirectorySize.joined + DirectorySize.removed) > 0
        )
    )
    changed: datetime | None = db.session.scalar(
        sa.select(sa.func.max(AuditEntry.created_at)).where(
            AuditEntry.tenant_id == tenant_id, AuditEntry.action.in_(_CHANGES)
        )
    )
    days = [d for d in (added, local(changed).date() if changed is not None else None) if d is not None]
    return max(days, default=None)


def _a_year_before(day: date) -> date:
    """The same day a year earlier (28 February for a 29th)."""
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def stale_directory_task(reader: Actor) -> list[Task]:
    """The administrator's to-do (kind ``directory_upkeep``) where the rules ask the target directory to be
    updated once a year and a year has passed since it last was."""
    if not has_permission(reader, Permission.CATALOG_MANAGE) or getattr(reader, "tenant", None) is None:
        return []
    tenant = tenant_of(reader)
    rules = rules_for(tenant.id)
    if not rules.directory_yearly_update or tenant.kind == TenantKind.supervisor:
        return []
    since = last_update(tenant.id) or local(tenant.created_at).date()
    if since > _a_year_before(today()):
        return []
    return [
        Task(
            "directory_upkeep",
            StaleDirectory(tenant.id, since, rules.cite("directory_yearly_update")),
            frozenset({"update"}),
        )
    ]
