"""The words of annual plans (年度检查计划) and their filing (备案): states, kinds, authorities, and
the refusals of the rule that plans are published before they are filed."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.tenants.common.vocabulary import in_table_order, reference
from spotcheck.tenants.items.models import Item


class PlanStatus(enum.StrEnum):
    """草稿/退回 (editable) → 已公开 → 已报备 → 已备案 (or 退回). Where the rulebook says so
    (备案前检查计划要在政府网站和各部门网站向社会公布), a plan is published before it is submitted for filing."""

    draft = "draft"
    returned = "returned"  # returned with comments; editable again, published again once changed
    published = "published"  # 公开: on the public portal, not yet submitted
    submitted = "submitted"  # 报备: with the filing authorities
    filed = "filed"  # 备案: filed by every authority it needs


#: A department's plan for the year or a half-year; a field lead's yearly joint plan (年度联合抽查工作计划).
PLAN_KINDS = ("annual", "joint")

#: The states in which a plan's lines may change.
EDITABLE = (PlanStatus.draft, PlanStatus.returned)

#: The filing authorities (备案机关), in the order they are listed: the justice bureau (司法局) and
#: the market-regulation bureau (市场监督管理局).
AUTHORITY_CODES = ("justice", "market")

#: A filing authority's decisions (备案 / 退回).
DECISIONS = ("filed", "returned")


def publish_first(rule: str) -> LazyString:
    """The refusal to submit a plan never published, under the rule (``rule``: 根据《……》第3条，) that plans
    are published before they are filed (备案前检查计划要在政府网站和各部门网站向社会公布)."""
    return _l("%(rule)spublish the plan on the public portal before submitting it for filing.", rule=rule)


def publish_again(rule: str) -> LazyString:
    """The refusal to submit again a returned plan that changed since it was published."""
    return _l(
        "The plan has changed since it was published. %(rule)spublish it again before submitting it again.", rule=rule
    )


def publish_first_to_file(rule: str) -> LazyString:
    """The refusal to file a plan never published."""
    return _l(
        "%(rule)sthis plan, never published, cannot be filed: return it so that the department publishes it first.",
        rule=rule,
    )


def not_the_items_methods(item: Item, codes: Iterable[str]) -> LazyString:
    """The refusal of check methods (检查方式) a plan line gives that its item does not have: an item is
    checked only in the ways its list states (明确抽查主体、依据、对象、内容、方式)."""
    return _l(
        "The check methods (检查方式) %(wrong)s are not those of item %(item)s, which is checked by %(own)s: a plan "
        "line chooses among its item's methods.",
        wrong="、".join(in_table_order(reference.CHECK_METHODS, codes)),
        item=f"{item.code} {item.name}",
        own="、".join(in_table_order(reference.CHECK_METHODS, item.methods)) or "—",
    )
