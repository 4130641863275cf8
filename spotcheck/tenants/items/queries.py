"""Reading the item list (一单 · 随机抽查事项清单): a department's items and their versions, the
coverage of random checking per field, the list the public portal shows, the home page's to-dos."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import current_tenant_id
from spotcheck.core.todo import Task
from spotcheck.tenants.common.queries import NumberedPage, paginate
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.items.models import Item, ItemStatus, ItemVersion
from spotcheck.tenants.items.policy import ITEM_ACTIONS, NEXT_STEPS
from spotcheck.tenants.rules.rulebook import Rules, rules_for

__all__ = [
    "Coverage",
    "coverage",
    "get_item",
    "get_version",
    "list_items",
    "published_item_count",
    "published_items",
    "tasks_for",
    "versions",
]

#: Items a page of the public portal lists.
PER_PAGE = 50


def list_items(status: str | None = None) -> list[Item]:
    query = sa.select(Item).order_by(Item.code)
    if status:
        query = query.where(Item.status == ItemStatus(status))
    return list(db.session.scalars(query))


def get_item(item_id: int) -> Item:
    return get_row(Item, item_id, _l("No such item."))


def versions(item: Item) -> list[ItemVersion]:
    return list(
        db.session.scalars(
            sa.select(ItemVersion).where(ItemVersion.item_id == item.id).order_by(ItemVersion.version.desc())
        )
    )


def get_version(item: Item, number: int) -> ItemVersion:
    """One recorded version of an item (old versions stay readable)."""
    version = db.session.scalar(
        sa.select(ItemVersion).where(ItemVersion.item_id == item.id, ItemVersion.version == number)
    )
    if version is None:
        raise NotFoundError(_l("No such version of this item."))
    return version


def tasks_for(reader: Actor, limit: int = 20) -> list[Task]:
    """The draft items ``reader`` may publish next (待发布的事项), by code."""
    drafts = db.session.scalars(sa.select(Item).where(Item.status == ItemStatus.draft).order_by(Item.code).limit(limit))
    found = []
    for item in drafts:
        if allowed := ITEM_ACTIONS.allowed(item, reader) & NEXT_STEPS:
            found.append(Task("item", item, frozenset(allowed)))
    return found[:limit]


# --- coverage of random checking per field (抽查事项覆盖率) -------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Share of published items under random checking in one field, against the goal the rules in
    force set (``goal_bp`` None: no goal — the share is shown, nothing is met or missed), and the
    document and article that set it (``cited``)."""

    field: str
    items: int
    random: int
    goal_bp: int | None
    cited: str = ""

    @property
    def share_bp(self) -> int:
        return (self.random * 10000) // self.items if self.items else 0

    @property
    def has_goal(self) -> bool:
        return self.goal_bp is not None

    @property
    def met(self) -> bool:
        return self.items > 0 and self.goal_bp is not None and self.random * 10000 >= self.goal_bp * self.items

    @property
    def missed(self) -> bool:
        """Items in the field, a goal, and too few of them under random checking."""
        return self.items > 0 and self.goal_bp is not None and not self.met

    @property
    def share_percent(self) -> float:
        """The share in per cent with one decimal (2/3 → 66.7); never rounded up to the goal
        when the goal is not met (699/999 → 69.9, not 70.0)."""
        if not self.items:
            return 0.0
        tenths = (self.random * 2000 + self.items) // (2 * self.items)  # round half up, in 0.1 %
        if self.goal_bp is not None and not self.met and tenths * 10 >= self.goal_bp:
            tenths = self.goal_bp // 10 - 1
        return tenths / 10

    @property
    def goal_percent(self) -> int | None:
        return None if self.goal_bp is None else self.goal_bp // 100


def goal_of(rules: Rules, field: str) -> tuple[int | None, str]:
    """The coverage goal of ``field`` under ``rules`` (basis points, or None) and its citation."""
    return rules.coverage_goal_bp(field), rules.cite(f"coverage_{field}")


def coverage() -> list[Coverage]:
    """Coverage of the current department's published item list, per field, against the goals of the
    rules in force today."""
    rows = dict(
        ((field, random), count)
        for field, random, count in db.session.execute(
            sa.select(Item.field, Item.random_check, sa.func.count())
            .where(Item.status == ItemStatus.published)
            .group_by(Item.field, Item.random_check)
        )
    )
    rules = rules_for(current_tenant_id())
    result = []
    for field in reference.ITEM_FIELDS:
        random = rows.get((field, True), 0)
        goal, cited = goal_of(rules, field)
        result.append(
            Coverage(field=field, items=random + rows.get((field, False), 0), random=random, goal_bp=goal, cited=cited)
        )
    return result


# --- the public portal's item list (一单 made public), in the department's scope -------------


def _published_items() -> sa.Select:
    return sa.select(Item).where(Item.status == ItemStatus.published, Item.random_check.is_(True))


def published_item_count() -> int:
    """How many items the department lists publicly (published, under random checking)."""
    return db.session.execute(sa.select(sa.func.count()).select_from(_published_items().subquery())).scalar_one()


def published_items(*, page: int = 1, per_page: int = PER_PAGE) -> NumberedPage:
    """The current version of each published item under random checking, by item code: what the
    public portal lists, a page at a time."""
    return paginate(_published_items().order_by(Item.code), page=page, per_page=per_page, make=lambda row: row[0])
