"""An item's status and its versions (事项状态与版本): a new item is a draft (草稿); published (发布), changed
(动态调整) and retired (停用) it is kept as a version, each stating the item's fields and status at that moment.
Both statuses — the item's and its versions' — are written here and nowhere else; so is the copy of an item as
one of its versions states it, for the item list of a past moment (:mod:`~spotcheck.tenants.items.history`).
Whether a change is allowed is each calling command's check (:data:`~spotcheck.tenants.items.policy.ITEM_ACTIONS`)."""

from __future__ import annotations

from typing import Any

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.items.models import Item, ItemVersion
from spotcheck.tenants.items.vocabulary import ITEM_FIELDS, ItemStatus


def draft(code: str, fields: dict[str, Any]) -> Item:
    """A new draft item numbered ``code`` with ``fields`` (not yet in the session)."""
    return Item(code=code, status=ItemStatus.draft, **fields)


def move(item: Item, to: ItemStatus, actor: Actor, reason: str) -> None:
    """Move ``item`` to status ``to`` (published, retired), kept as a new version with the ``reason``."""
    item.status = to
    keep_version(item, actor, reason)


def keep_version(item: Item, actor: Actor, reason: str) -> None:
    """The item as it stands now, kept as its next version (its status included), with the ``reason``."""
    item.version += 1
    db.session.add(
        ItemVersion(
            item_id=item.id,
            version=item.version,
            status=item.status,
            fields=item.snapshot(),
            reason=str(reason),
            changed_by_id=getattr(actor, "id", None),
            changed_by_name=getattr(actor, "display_name", ""),
        )
    )
    db.session.flush()


def as_stated(item: Item, version: ItemVersion) -> Item:
    """A copy of ``item`` as ``version`` states it, never saved: that version's fields and status (a field no
    version recorded yet keeps the item's value)."""
    stated = {**item.snapshot(), **{k: v for k, v in (version.fields or {}).items() if k in ITEM_FIELDS}}
    return Item(
        id=item.id,
        tenant_id=item.tenant_id,
        code=item.code,
        status=version.status,
        version=version.version,
        created_at=item.created_at,
        updated_at=version.changed_at,
        **stated,
    )
