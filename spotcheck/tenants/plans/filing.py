"""The filing authorities (备案机关) of a plan (年度检查计划): which must file it, which are still to decide.

Seed 001 item 3: 于每年1月15日前将执法检查计划（含市场监管领域）报市司法局备案，涉及市场监管领域的报市
市场监督管理局备案. Every plan is filed with the justice bureau (``justice``: the ``supervisor``
department); a department's annual plan with an item of the market-regulation field is also filed
with the market-regulation bureau (``market``: the ``lead`` department, which does not file its own
plans with itself). The authority a reviewer decides for comes from the kind of their department.
The decisions of the current submission are on the plan (``filings``); every decision is kept in
:class:`~spotcheck.tenants.plans.models.PlanReview` (read by :mod:`spotcheck.tenants.plans.queries`).
"""
from __future__ import annotations

from spotcheck.core.database import db
from spotcheck.tenants.models import Tenant, TenantKind
from spotcheck.tenants.plans.models import Plan, PlanStatus
from spotcheck.tenants.reference import MARKET_FIELD

#: The filing authorities, in the order they are listed, and the department kind that is each.
AUTHORITIES = {"justice": TenantKind.supervisor, "market": TenantKind.lead}


def authority_of(actor) -> str | None:
    """The authority a reviewer decides for, from the kind of their department (``None``: none)."""
    kind = getattr(getattr(actor, "tenant", None), "kind", None)
    return next((code for code, tenant_kind in AUTHORITIES.items() if kind == tenant_kind), None)


def _tenant_kind(plan: Plan):
    tenant = db.session.get(Tenant, plan.tenant_id)
    return tenant.kind if tenant is not None else None


def touches_market(plan: Plan) -> bool:
    """Whether an item of the plan is of the market-regulation field (涉及市场监管领域)."""
    return any(line.item.field == MARKET_FIELD for line in plan.lines)


def authorities_for(plan: Plan) -> tuple[str, ...]:
    """The authorities that must file ``plan``: the justice bureau, and the market-regulation bureau
    for a department's annual plan touching its field (not the bureau's own plans)."""
    if plan.kind == "annual" and touches_market(plan) and _tenant_kind(plan) != TenantKind.lead:
        return ("justice", "market")
    return ("justice",)


def pending_authorities(plan: Plan) -> tuple[str, ...]:
    """The authorities still to decide on a submitted plan (none once it is returned or filed)."""
    if plan.status != PlanStatus.submitted:
        return ()
    decided = plan.filings or {}
    return tuple(a for a in authorities_for(plan) if a not in decided)
