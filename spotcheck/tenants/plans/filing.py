"""The filing authorities (备案机关) of a plan (年度检查计划): which must file it, which are still to decide.

Which authorities file plans is the rulebook's (``filing_authorities``; 宁安市's 第3条: 报市司法局备案，
涉及市场监管领域的报市市场监督管理局备案), read for the plan's year (the rules in force on its first
day, :func:`rules_of_plan`). ``justice`` is a ``supervisor`` department and files every plan;
``market`` is a ``lead`` department and files a department's annual plan with an item of the
market-regulation field (not a lead's own plans, which it does not file with itself). Which one: the
bureau (or lead) of the plan's department's region, or of the nearest region above that has one
(:func:`filed_with`); a reviewer decides only for the plans filed with their own department
(:func:`decides_on`). The authority a reviewer decides for comes from the kind of their department.
The decisions of the current submission are on the plan (``filings``); every decision is kept in
:class:`~spotcheck.tenants.plans.models.PlanReview` (read by :mod:`spotcheck.tenants.plans.queries`).
"""

from __future__ import annotations

from datetime import date

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.accounts import queries as accounts
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


#: The department that decides for each filing authority, for a department (its region's or the nearest above).
_DECIDING = {"justice": accounts.bureau_of, "market": accounts.lead_of}


def filed_with(plan: Plan, authority: str) -> Tenant | None:
    """The department that decides for ``authority`` on ``plan``: the justice bureau (or market-regulation lead) of
    the region of the plan's department, or of the nearest region above that has one (``None``: none up to the
    root; the plan waits)."""
    return _DECIDING[authority](plan.tenant_id) if authority in _DECIDING else None


def decides_on(actor: Actor, plan: Plan) -> bool:
    """Whether ``actor`` decides on ``plan`` for their authority: their department is the one the plan is filed with
    (a bureau does not decide on the plans of a region below that has its own)."""
    authority = authority_of(actor)
    deciding = filed_with(plan, authority) if authority is not None else None
    return deciding is not None and deciding.id == getattr(actor, "tenant_id", None)


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


def awaits_filing(plan: Plan) -> bool:
    """Whether ``plan`` is to be filed at all (报备): its rules name an authority that files it. A published plan
    that is not is in force as it stands (无需报备)."""
    return bool(authorities_for(plan))


def pending_authorities(plan: Plan) -> tuple[str, ...]:
    """The authorities still to decide on a submitted plan (none once it is returned or filed)."""
    if plan.status != PlanStatus.submitted:
        return ()
    decided = plan.filings or {}
    return tuple(a for a in authorities_for(plan) if a not in decided)
