"""The item list as it stood at a moment (随机抽查事项清单的历史): each item's version in force then (the
last published, changed or retired before it: 动态调整), for the figures of a past period (seed 001:
据实填报、避免前后矛盾). An item with no version by then was a draft: not on the list."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.items import versions
from spotcheck.tenants.items.models import Item, ItemStatus, ItemVersion


def _in_force(moment: datetime) -> sa.Subquery:
    """Each item's number of the version in force at ``moment`` (the last made before it)."""
    return (
        sa.select(ItemVersion.item_id, sa.func.max(ItemVersion.version).label("version"))
        .where(ItemVersion.changed_at < moment)
        .group_by(ItemVersion.item_id)
        .subquery("in_force")
    )


def versions_at(moment: datetime) -> sa.Subquery:
    """Each item's version in force at ``moment``: ``item_id``, ``tenant_id``, ``status``, ``market``
    (in the market-regulation field) and ``random_check`` as that version states them."""
    latest = _in_force(moment)
    fields = ItemVersion.fields
    return (
        sa.select(
            ItemVersion.item_id,
            ItemVersion.tenant_id,
            ItemVersion.status,
            (fields["field"].as_string() == "market").label("market"),
            fields["random_check"].as_boolean().label("random_check"),
        )
        .join(latest, sa.and_(latest.c.item_id == ItemVersion.item_id, latest.c.version == ItemVersion.version))
        .subquery("versions_at")
    )


def items_at(moment: datetime, tenant_ids: list[int] | None = None) -> list[Item]:
    """The items published at ``moment`` (of ``tenant_ids``, else of every department the scope shows), by
    code, each as its version in force then states it: a copy of the item with that version's fields,
    never saved (a field no version recorded yet keeps the item's value)."""
    latest = _in_force(moment)
    query = (
        sa.select(Item, ItemVersion)
        .join(latest, latest.c.item_id == Item.id)
        .join(ItemVersion, sa.and_(ItemVersion.item_id == Item.id, ItemVersion.version == latest.c.version))
        .where(ItemVersion.status == ItemStatus.published)
        .order_by(Item.code)
    )
    if tenant_ids is not None:
        query = query.where(Item.tenant_id.in_(list(tenant_ids)))
    return [versions.as_stated(item, version) for item, version in db.session.execute(query).all()]
