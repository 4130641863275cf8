"""The item list (一单): drafting, publishing, changing with a reason (动态调整), retiring, coverage."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actions import Action, Actions
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.core.clock import now
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.items.models import ITEM_FIELDS, Item, ItemStatus, ItemVersion

_TEXT_LIMITS = {"name": 200, "sub_item": 200, "checking_body": 200, "target_type": 200, "ratio": 100, "frequency": 100,
                "non_random_reason": 2000}

#: What a published item states (seeds 000, 001, 004: 明确抽查主体、依据、对象、内容、方式、比例和频次); the
#: ratio and frequency only of an item under random checking, whose sampling they describe.
REQUIRED_TO_PUBLISH = {
    "legal_basis": _l("the legal basis (检查依据)"),
    "checking_body": _l("the checking body (抽查主体)"),
    "target_type": _l("the inspection targets (抽查对象)"),
    "content": _l("the inspection content (抽查内容)"),
    "methods": _l("the check methods (抽查方式)"),
    "ratio": _l("the ratio (抽查比例)"),
    "frequency": _l("the frequency (抽查频次)"),
}
#: Only of an item under random checking (双随机).
RANDOM_ONLY = ("ratio", "frequency")


#: What an item allows, in its state (草稿 → 已发布 → 已停用).
ITEM_ACTIONS = Actions(
    Action("edit", Permission.CATALOG_MANAGE, lambda item: item.status != ItemStatus.retired,
           _l("A retired item cannot be changed.")),
    Action("publish", Permission.CATALOG_MANAGE, lambda item: item.status == ItemStatus.draft,
           _l("Only a draft can be published.")),
    Action("retire", Permission.CATALOG_MANAGE, lambda item: item.status == ItemStatus.published,
           _l("Only a published item can be retired.")),
)


def clean_item_fields(data: dict) -> tuple[dict, dict[str, list]]:
    """Normalise the editable fields of an item; returns the clean values and the errors per field."""
    clean, errors = {}, {}
    for name in ITEM_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in ("methods", "inspector_categories"):
            table = reference.CHECK_METHODS if name == "methods" else reference.ENFORCEMENT_CATEGORIES
            codes, unknown = [], []
            for entry in value or []:
                code = reference.code_for(table, entry)
                (codes if code else unknown).append(code or entry)
            if unknown:
                errors[name] = [_l("Unknown code(s): %(codes)s", codes="、".join(map(str, unknown)))]
            clean[name] = sorted(set(codes))
        elif name == "field":
            clean[name] = reference.code_for(reference.ITEM_FIELDS, value)
            if clean[name] is None:
                errors[name] = [_l("Choose market-regulation field or other field.")]
        elif name == "kind":
            clean[name] = reference.code_for(reference.ITEM_KINDS, value)
            if clean[name] is None:
                errors[name] = [_l("Choose general or key inspection item.")]
        elif name == "random_check":
            clean[name] = bool(value)
        else:
            text = ("" if value is None else str(value)).strip()
            if name in _TEXT_LIMITS and len(text) > _TEXT_LIMITS[name]:
                errors[name] = [_l("At most %(n)d characters.", n=_TEXT_LIMITS[name])]
            clean[name] = text
    if "name" in clean and not clean["name"]:
        errors["name"] = [_l("Enter the item's name.")]
    return clean, errors


def missing_for_publication(values: dict) -> dict[str, list]:
    """What an item with these field values lacks to be published, by field (empty: complete):
    every item its basis, body, targets, content and methods (凡法律、法规、规章没有规定的，一律不得擅自开展
    检查); one under random checking its ratio and frequency; one kept out of random checking the
    written reason (seed 001: 书面说明理由)."""
    errors: dict[str, list] = {}
    random = bool(values.get("random_check", True))
    for name, label in REQUIRED_TO_PUBLISH.items():
        if name in RANDOM_ONLY and not random:
            continue
        value = values.get(name)
        if not (value if isinstance(value, list) else str(value or "").strip()):
            errors[name] = [_l("Following “凡法律、法规、规章没有规定的，一律不得擅自开展检查” and “明确抽查主体、依据、"
                               "对象、内容、方式、比例和频次”, an item is published only with %(field)s.", field=label)]
    if not random and not str(values.get("non_random_reason") or "").strip():
        errors["non_random_reason"] = [_l("Following “因本单位执法领域特殊不适宜采取‘双随机、一公开’监管方式的，应当书面说明"
                                          "理由”, an item kept out of random checking is published only with the "
                                          "written reason.")]
    return errors


def list_items(status: str | None = None) -> list[Item]:
    query = sa.select(Item).order_by(Item.code)
    if status:
        query = query.where(Item.status == ItemStatus(status))
    return list(db.session.scalars(query))


def get_item(item_id: int) -> Item:
    item = db.session.scalar(sa.select(Item).where(Item.id == item_id))
    if item is None:
        raise NotFound(_l("No such item."))
    return item


def versions(item: Item) -> list[ItemVersion]:
    return list(db.session.scalars(
        sa.select(ItemVersion).where(ItemVersion.item_id == item.id).order_by(ItemVersion.version.desc())))


def get_version(item: Item, number: int) -> ItemVersion:
    """One recorded version of an item (old versions stay readable)."""
    version = db.session.scalar(
        sa.select(ItemVersion).where(ItemVersion.item_id == item.id, ItemVersion.version == number))
    if version is None:
        raise NotFound(_l("No such version of this item."))
    return version


def next_code(tenant_code: str) -> str:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Item)) or 0
    while True:
        count += 1
        code = f"{tenant_code}-{count:03d}"
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(Item.code == code)):
            return code


@command(Permission.CATALOG_MANAGE)
def create_item(data: dict, *, actor) -> Item:
    """A new draft item; it is not public and cannot be used until published."""
    fields, errors = clean_item_fields({"field": "other", "kind": "general", "random_check": True, **data})
    if "name" not in fields:
        errors["name"] = [_l("Enter the item's name.")]
    if errors:
        raise ValidationFailed(errors)
    item = Item(code=next_code(actor.tenant.code), status=ItemStatus.draft, **fields)
    db.session.add(item)
    db.session.flush()
    audit.record("item.created", "item", item.id, actor=actor, details={"code": item.code, "name": item.name})
    return item


@command(Permission.CATALOG_MANAGE)
def update_item(item: Item, data: dict, *, actor, reason: str = "") -> Item:
    """Change an item. A draft changes in place; a published item gets a new version, which
    needs a reason (动态调整); a retired item cannot change."""
    _lock(item)
    ITEM_ACTIONS.require(item, actor, "edit")
    fields, errors = clean_item_fields(data)
    reason = (reason or "").strip()
    if item.status == ItemStatus.published and not reason:
        errors["reason"] = [_l("Say why the published item changes (e.g. the law was amended).")]
    if errors:
        raise ValidationFailed(errors)
    changed = {name: value for name, value in fields.items() if getattr(item, name) != value}
    if not changed:
        return item
    if item.status == ItemStatus.published and (missing := missing_for_publication({**item.snapshot(), **changed})):
        raise ValidationFailed(missing)
    for name, value in changed.items():
        setattr(item, name, value)
    item.updated_at = now()
    if item.status == ItemStatus.published:
        _new_version(item, actor, reason)
    audit.record("item.changed", "item", item.id, actor=actor,
                 details={"fields": sorted(changed), "version": item.version, "reason": reason})
    return item


@command(Permission.CATALOG_MANAGE)
def publish_item(item: Item, *, actor) -> Item:
    """Publish a draft item (发布): version 1, public, usable in plans and campaigns."""
    _lock(item)
    ITEM_ACTIONS.require(item, actor, "publish")
    if missing := missing_for_publication(item.snapshot()):
        raise ValidationFailed(missing)
    item.status = ItemStatus.published
    _new_version(item, actor, "")  # the first version needs no reason
    audit.record("item.published", "item", item.id, actor=actor, details={"version": item.version})
    return item


@command(Permission.CATALOG_MANAGE)
def retire_item(item: Item, *, actor, reason: str) -> Item:
    """Retire a published item (停用), with a reason; its versions stay readable."""
    _lock(item)
    ITEM_ACTIONS.require(item, actor, "retire")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_l("Say why the item is retired.")]})
    item.status = ItemStatus.retired
    _new_version(item, actor, reason)
    audit.record("item.retired", "item", item.id, actor=actor, details={"version": item.version, "reason": reason})
    return item


def _lock(item: Item) -> None:
    """Reload the item under a row lock, so two simultaneous changes make two versions in turn."""
    if item.id is not None and db.session.get_bind().dialect.name == "postgresql":
        db.session.refresh(item, with_for_update=True)


def _new_version(item: Item, actor, reason) -> None:
    item.version += 1
    db.session.add(ItemVersion(
        item_id=item.id, version=item.version, status=item.status, fields=item.snapshot(), reason=str(reason),
        changed_by_id=getattr(actor, "id", None), changed_by_name=getattr(actor, "display_name", ""),
    ))
    db.session.flush()


@dataclass(frozen=True)
class Coverage:
    """Share of published items under random checking in one field, against the goal (seed 003)."""

    field: str
    items: int
    random: int
    goal_bp: int

    @property
    def share_bp(self) -> int:
        return (self.random * 10000) // self.items if self.items else 0

    @property
    def met(self) -> bool:
        return self.items > 0 and self.random * 10000 >= self.goal_bp * self.items

    @property
    def share_percent(self) -> float:
        """The share in per cent with one decimal (2/3 → 66.7); never rounded up to the goal
        when the goal is not met (699/999 → 69.9, not 70.0)."""
        if not self.items:
            return 0.0
        tenths = (self.random * 2000 + self.items) // (2 * self.items)  # round half up, in 0.1 %
        if not self.met and tenths * 10 >= self.goal_bp:
            tenths = self.goal_bp // 10 - 1
        return tenths / 10

    @property
    def goal_percent(self) -> int:
        return self.goal_bp // 100


def coverage() -> list[Coverage]:
    """Coverage of the current department's published item list, per field."""
    rows = dict(
        ((field, random), count) for field, random, count in db.session.execute(
            sa.select(Item.field, Item.random_check, sa.func.count())
            .where(Item.status == ItemStatus.published).group_by(Item.field, Item.random_check)
        )
    )
    result = []
    for field, goal in reference.COVERAGE_GOALS_BP.items():
        random = rows.get((field, True), 0)
        result.append(Coverage(field=field, items=random + rows.get((field, False), 0), random=random, goal_bp=goal))
    return result
