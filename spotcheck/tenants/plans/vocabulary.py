"""The words of annual plans (年度检查计划) and their filing (备案): states, kinds, authorities, and
the rule a refusal names (seed 001 item 3)."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class PlanStatus(str, enum.Enum):
    """草稿/退回 (editable) → 已公开 → 已报备 → 已备案 (or 退回). Seed 001: 备案前检查计划要在政府网站
    和各部门网站向社会公布 — a plan is published before it is submitted for filing."""

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

#: The rule a refusal names (seed 001 item 3).
PUBLISH_FIRST = _l("Under the rule that plans are published on the government's and the departments' websites "
                   "before they are filed (备案前检查计划要在政府网站和各部门网站向社会公布), publish the plan before "
                   "submitting it for filing.")

PUBLISH_FIRST_TO_FILE = _l("Under the rule that plans are published on the government's and the departments' websites "
                           "before they are filed (备案前检查计划要在政府网站和各部门网站向社会公布), this plan, never "
                           "published, cannot be filed: return it so that the department publishes it first.")
