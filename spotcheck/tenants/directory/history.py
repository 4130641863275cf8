"""The target directory as it stood at a moment (检查对象名录库的历史): the entries in it then, those still
in it (added before the moment) and those removed since (:class:`RemovedEntry`), for the figures of a
past period (seed 001: 据实填报、避免前后矛盾)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa

from spotcheck.core.clock import local, midnight
from spotcheck.core.database import db
from spotcheck.tenants.directory.models import DirectoryEntry, DirectorySize, RemovedEntry


def entries_at(moment: datetime) -> sa.Subquery:
    """Every entry (of the departments the scope shows) in a directory at ``moment``: ``tenant_id``,
    ``entity_id``, ``category``, ``risk`` and ``entry_id`` — the live entry's id, ``None`` for an
    entry removed since (its row is gone)."""
    current = sa.select(
        DirectoryEntry.tenant_id,
        DirectoryEntry.entity_id,
        DirectoryEntry.category,
        DirectoryEntry.risk,
        DirectoryEntry.id.label("entry_id"),
    ).where(DirectoryEntry.created_at < moment)
    removed = sa.select(
        RemovedEntry.tenant_id,
        RemovedEntry.entity_id,
        RemovedEntry.category,
        RemovedEntry.risk,
        sa.null().label("entry_id"),
    ).where(RemovedEntry.joined_at < moment, RemovedEntry.removed_at >= moment)
    return sa.union_all(current, removed).subquery("entries_at")


def sizes_at(moment: datetime) -> Counter[int]:
    """The number of entries in each department's directory (of those the scope shows) at ``moment`` — the
    count of :func:`entries_at` by department, read from :class:`DirectorySize`: the days before the moment's
    day (Beijing time) summed, the entries that joined or left on that day up to the moment counted."""
    day = local(moment).date()
    day_start = midnight(day)
    sizes: Counter[int] = Counter(
        dict(
            db.session.execute(
                sa.select(DirectorySize.tenant_id, sa.func.sum(DirectorySize.joined - DirectorySize.removed))
                .where(DirectorySize.day < day)
                .group_by(DirectorySize.tenant_id)
            ).all()
        )
    )
    for model, at, sign in (
        (DirectoryEntry, DirectoryEntry.created_at, 1),
        (RemovedEntry, RemovedEntry.joined_at, 1),
        (RemovedEntry, RemovedEntry.removed_at, -1),
    ):
        for tenant_id, count in db.session.execute(
            sa.select(model.tenant_id, sa.func.count()).where(at >= day_start, at < moment).group_by(model.tenant_id)
        ):
            sizes[tenant_id] += sign * count
    return +sizes  # departments with no entry left out, as the count leaves them out
