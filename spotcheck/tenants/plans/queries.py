"""Reading annual plans (年度检查计划): a department's plans, the queue and archive of its filing
authorities (备案审核, 备案审核记录, read across departments), the filed plans campaigns follow, and
the home page's to-dos."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, get_row
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.core.todo import Task
from spotcheck.tenants.accounts.models import INSPECTING, Tenant, tenant_of
from spotcheck.tenants.accounts.queries import departments_in_branch
from spotcheck.tenants.plans import policy
from spotcheck.tenants.plans.filing import (
    authorities_for,
    authority_of,
    awaits_filing,
    decides_on,
    filed_with,
    pending_authorities,
)
from spotcheck.tenants.plans.models import Plan, PlanReview, PlanStatus
from spotcheck.tenants.plans.policy import PLAN_ACTIONS
from spotcheck.tenants.plans.published_lines import changed_since_published
from spotcheck.tenants.plans.vocabulary import AUTHORITY_CODES, DECISIONS
from spotcheck.tenants.regions.models import Region

__all__ = [
    "authorities_for",
    "authority_of",
    "awaits_filing",
    "changed_since_published",
    "decides_on",
    "filed_joint_plan",
    "filed_plan_for",
    "filed_plans_for",
    "filed_with",
    "get_plan",
    "joint_plan_departments",
    "list_plans",
    "pending_authorities",
    "plans_to_review",
    "reviews",
    "reviews_of",
    "tasks_for",
]


def list_plans(year: int | None = None) -> list[Plan]:
    query_ = sa.select(Plan).order_by(Plan.year.desc(), Plan.kind, Plan.field, Plan.half)
    if year:
        query_ = query_.where(Plan.year == year)
    return list(db.session.scalars(query_))


def get_plan(plan_id: int) -> Plan:
    return get_row(Plan, plan_id, _l("No such plan."))


def tasks_for(reader: Actor, limit: int = 20) -> list[Task]:
    """The plans waiting for ``reader``'s next step (publish, submit for filing), by year."""
    plans = db.session.scalars(
        sa.select(Plan)
        .where(Plan.status.in_([PlanStatus.draft, PlanStatus.returned, PlanStatus.published, PlanStatus.filed]))
        .order_by(Plan.year)
    )
    found = []
    for plan in plans:
        if allowed := PLAN_ACTIONS.allowed(plan, reader) & policy.NEXT_STEPS:
            found.append(Task("plan", plan, frozenset(allowed)))
    return found[:limit]


# --- the filing authorities (备案机关) ------------------------------------------------------------


@query(Permission.PLANS_REVIEW, scope=policy.reviewing)
def plans_to_review(reader: Actor) -> list[Plan]:
    """The submitted plans waiting for the reader's authority, of the departments whose bureau (or lead) the reader's
    department is (its region's, or the nearest above), oldest first."""
    authority = authority_of(reader)
    if authority is None:
        return []
    plans = list(
        db.session.scalars(
            sa.select(Plan).where(Plan.status == PlanStatus.submitted).order_by(Plan.submitted_at, Plan.id)
        )
    )
    waiting = [plan for plan in plans if authority in pending_authorities(plan) and decides_on(reader, plan)]
    for plan in waiting:
        _ = [line.item.name for line in plan.lines], plan.tenant_id  # load while visible
    return waiting


@query(Permission.PLANS_REVIEW, scope=policy.archive)
def reviews(
    reader: Actor,
    *,
    year: int | None = None,
    decision: str | None = None,
    authority: str | None = None,
    limit: int = 200,
) -> list[PlanReview]:
    """The filing archive (备案审核记录), newest first: for the justice bureau the decisions of either authority on
    the plans of the departments it reads, for the market-regulation bureau its own decisions."""
    query_ = sa.select(PlanReview).order_by(PlanReview.reviewed_at.desc(), PlanReview.id.desc()).limit(limit)
    if year is not None:
        query_ = query_.where(PlanReview.year == year)
    if decision in DECISIONS:
        query_ = query_.where(PlanReview.decision == decision)
    if authority_of(reader) == "market":
        authority = "market"
        query_ = query_.where(PlanReview.reviewer_tenant_id == reader.tenant_id)
    if authority in AUTHORITY_CODES:
        query_ = query_.where(PlanReview.authority == authority)
    return list(db.session.scalars(query_))


def reviews_of(plan: Plan) -> list[PlanReview]:
    """The decisions on one plan (in the plan's own scope or a cross-department one), oldest first."""
    return list(
        db.session.scalars(
            sa.select(PlanReview).where(PlanReview.plan_id == plan.id).order_by(PlanReview.reviewed_at, PlanReview.id)
        )
    )


# --- the filed plans campaigns follow ------------------------------------------------------------


def filed_plans_for(year: int, item_ids: set[int]) -> list[Plan]:
    """The filed annual plans of ``year`` that hold every one of ``item_ids``: the year's first,
    then the half-year plans."""
    plans = db.session.scalars(
        sa.select(Plan)
        .where(Plan.year == year, Plan.kind == "annual", Plan.status == PlanStatus.filed)
        .order_by(Plan.half.is_not(None), Plan.half, Plan.id)
    )
    return [plan for plan in plans if item_ids <= {line.item_id for line in plan.lines}]


def filed_plan_for(year: int, item_ids: set[int]) -> Plan | None:
    """A filed annual plan of ``year`` that holds every one of ``item_ids``."""
    found = filed_plans_for(year, item_ids)
    return found[0] if found else None


def filed_joint_plan(year: int, field: str) -> Plan | None:
    """The department's filed joint plan (年度联合抽查工作计划) of ``year`` for ``field``."""
    return db.session.scalar(
        sa.select(Plan).where(
            Plan.kind == "joint", Plan.field == field, Plan.year == year, Plan.status == PlanStatus.filed
        )
    )


@query(Permission.CAMPAIGNS_EDIT)
def joint_plan_departments(*, reader: Actor) -> list[Tenant]:
    """The departments a joint plan of the reader's department may involve: the active ones (no justice bureau) of
    its region and of the regions below it (本级及下级), its own left out; from the top of the branch down, region by
    region, then by code."""
    own = tenant_of(reader)
    branch = departments_in_branch(own.region_id) - {own.id}
    return list(
        db.session.scalars(
            sa.select(Tenant)
            .join(Tenant.region)
            .where(Tenant.id.in_(sorted(branch)), INSPECTING)
            .order_by(Region.path, Tenant.code)
        )
    )
