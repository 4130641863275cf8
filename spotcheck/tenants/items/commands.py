"""Changing the item list (一单 · 随机抽查事项清单): drafting, publishing, changing with a reason
(动态调整), retiring. Every change of a published item is kept as a version."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.accounts.models import tenant_of
from spotcheck.tenants.items import versions
from spotcheck.tenants.items.checks import absent_required, clean_item_fields, missing_for_publication
from spotcheck.tenants.items.inputs import CHANGE_REASON, DEFAULTS
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.items.policy import ITEM_ACTIONS


def _next_code(tenant_code: str) -> str:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Item)) or 0
    while True:
        count += 1
        code = f"{tenant_code}-{count:03d}"
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(Item.code == code)):
            return code


def _locked(item_id: int) -> Item:
    """The item, read afresh under a row lock, so two simultaneous changes make two versions in turn."""
    return get_row(Item, item_id, _l("No such item."), for_update=True)


@command(Permission.CATALOG_MANAGE)
def create_item(data: dict, *, actor: Actor) -> Item:
    """A new draft item; it is not public and cannot be used until published."""
    fields, errors = clean_item_fields({**DEFAULTS, **data})
    errors.update(absent_required(fields))
    if errors:
        raise InvalidInputError(errors)
    item = versions.draft(_next_code(tenant_of(actor).code), fields)
    db.session.add(item)
    db.session.flush()
    audit.record("item.created", "item", item.id, actor=actor, details={"code": item.code, "name": item.name})
    return item


@command(Permission.CATALOG_MANAGE)
def update_item(item_id: int, data: dict, *, actor: Actor) -> Item:
    """Change an item (``data``: its fields, and ``reason``). A draft changes in place; a published
    item gets a new version, which needs a reason (动态调整); a retired item cannot change."""
    item = _locked(item_id)
    ITEM_ACTIONS.require(item, actor, "edit")
    fields, errors = clean_item_fields(data)
    reason = str(data.get(CHANGE_REASON.name) or "").strip()
    if item.status == ItemStatus.published and not reason:
        errors[CHANGE_REASON.name] = [_l("Say why the published item changes (e.g. the law was amended).")]
    if errors:
        raise InvalidInputError(errors)
    changed = {name: value for name, value in fields.items() if getattr(item, name) != value}
    if not changed:
        return item
    if item.status == ItemStatus.published and (missing := missing_for_publication({**item.snapshot(), **changed})):
        raise InvalidInputError(missing)
    for name, value in changed.items():
        setattr(item, name, value)
    item.updated_at = now()
    if item.status == ItemStatus.published:
        versions.keep_version(item, actor, reason)
    audit.record(
        "item.changed",
        "item",
        item.id,
        actor=actor,
        details={"fields": sorted(changed), "version": item.version, "reason": reason},
    )
    return item


@command(Permission.CATALOG_MANAGE)
def publish_item(item_id: int, data: dict | None = None, *, actor: Actor) -> Item:
    """Publish a draft item (发布): version 1, public, usable in plans and campaigns."""
    item = _locked(item_id)
    ITEM_ACTIONS.require(item, actor, "publish")
    if missing := missing_for_publication(item.snapshot()):
        raise InvalidInputError(missing)
    versions.move(item, ItemStatus.published, actor, "")  # the first version needs no reason
    audit.record("item.published", "item", item.id, actor=actor, details={"version": item.version})
    return item


@command(Permission.CATALOG_MANAGE)
def retire_item(item_id: int, data: dict, *, actor: Actor) -> Item:
    """Retire a published item (停用), with a reason (``data["reason"]``); its versions stay readable."""
    item = _locked(item_id)
    ITEM_ACTIONS.require(item, actor, "retire")
    reason = str((data or {}).get("reason") or "").strip()
    if not reason:
        raise InvalidInputError({"reason": [_l("Say why the item is retired.")]})
    versions.move(item, ItemStatus.retired, actor, reason)
    audit.record("item.retired", "item", item.id, actor=actor, details={"version": item.version, "reason": reason})
    return item
