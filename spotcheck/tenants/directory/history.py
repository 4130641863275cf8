"""The target directory as it stood at a moment (检查对象名录库的历史): the entries in it then, those still
in it (added before the moment) and those removed since (:class:`RemovedEntry`), for the figures of a
past period (seed 001: 据实填报、避免前后矛盾)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from spotcheck.tenants.directory.models import DirectoryEntry, RemovedEntry


def entries_at(moment: datetime) -> sa.Subquery:
    """Every entry (of the departments the scope shows) in a directory at ``moment``: ``tenant_id``,
    ``entity_id``, ``category``, ``risk`` and ``entry_id`` — the live entry's id, ``None`` for an
    entry removed since (its row is gone)."""
    current = sa.select(DirectoryEntry.tenant_id, DirectoryEntry.entity_id, DirectoryEntry.category,
                        DirectoryEntry.risk, DirectoryEntry.id.label("entry_id")).where(DirectoryEntry.created_at < moment)
    removed = sa.select(RemovedEntry.tenant_id, RemovedEntry.entity_id, RemovedEntry.category, RemovedEntry.risk,
                        sa.null().label("entry_id")).where(RemovedEntry.joined_at < moment,
                                                           RemovedEntry.removed_at >= moment)
    return sa.union_all(current, removed).subquery("entries_at")
