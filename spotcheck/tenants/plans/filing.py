"""The filing authorities (备案机关) of a plan (年度检查计划): which must file it, which are still to decide.

Which authorities file plans is the rulebook's (``filing_authorities``; 宁安市's 第3条: 报市司法局备案，
涉及市场监管领域的报市市场监督管理局备案), read for the plan's year (the rules in force on its first
day, :func:`rules_of_plan`). ``justice`` is the ``supervisor`` department and files every plan;
``market`` is the ``lead`` department and files a department's annual plan with an item of the
market-regulation field (not the bureau's own plans, which it does not file with itself). The
authority a reviewer decides for comes from the kind of their department. The decisions of the
current submission are on the plan (``filings``); every decision is kept in
:class:`~spotcheck.tenants.plans.models.PlanReview` (read by :mod:`spotcheck.tenants.plans.queries`).
"""

from __future__ import annotations

from datetime import date

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.common.vocabulary.reference import MARKET_FIELD
from spotcheck.tenants.plans.models import Plan, PlanStatus
from spotcheck.tenants.rules.rulebook import Rules, rules_for

#: The department kind that is each filing authority.
AUTHORITIES = {"justice": TenantKind.supervisor, "market": TenantKind.lead}


def rules_of_plan(plan: Plan) -> Rules:
    """The rules a plan is under: the department's, in force on the first day of the plan's year."""
    return rules_for(plan.tenant_id, date(plan.year, 1, 1))


def authority_of(actor: Actor) -> str | None:
    """The authority a reviewer decides for, from the kind of their department (``None``: none)."""
    kind = getattr(getattr(actor, "tenant", None), "kind", None)
    return next((code for code, tenant_kind in AUTHORITIES.items() if kind == tenant_kind), None)


def _tenant_kind(plan: Plan) -> TenantKind | None:
    tenant = db.session.get(Tenant, plan.tenant_id)
    return tenant.kind if tenant is not None else None


def touches_market(plan: Plan) -> bool:
    """Whether an item of the plan is of the market-regulation field (涉及市场监管领域)."""
    return any(line.item.field == MARKET_FIELD for line in plan.lines)


def authorities_for(plan: Plan) -> tuple[str, ...]:
    """The authorities that must file ``plan`` under its rules: the justice bureau for every plan, the
    market-regulation bureau for a department's annual plan touching its field (not its own plans);
    none where the rules ask no filing."""
    named = rules_of_plan(plan).filing_authorities
    if plan.kind == "joint":
        return tuple(a for a in named if a == "justice") or (
            ("justice",) if rules_of_plan(plan).joint_plans_required else ()
        )
    found = []
    for authority in named:
        if authority == "justice" or (
            authority == "market" and touches_market(plan) and _tenant_kind(plan) != TenantKind.lead
        ):
            found.append(authority)
    return tuple(found)


def pending_authorities(plan: Plan) -> tuple[str, ...]:
    """The authorities still to decide on a submitted plan (none once it is returned or filed)."""
    if plan.status != PlanStatus.submitted:
        return ()
    decided = plan.filings or {}
    return tuple(a for a in authorities_for(plan) if a not in decided)
