"""Annual plans (年度检查计划): drafted by the department, submitted to the justice bureau
(报备), filed or returned by a supervisor (备案), then published (seed 001)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actions import Action, Actions
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.clock import now
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.database import db, is_row_id
from spotcheck.tenants import reference
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.plans.models import Plan, PlanItem, PlanReview, PlanStatus
from spotcheck.core.scoping import cross_tenant

EDITABLE = (PlanStatus.draft, PlanStatus.returned)

#: What a plan allows, in its state (草稿/退回 → 已报备 → 已备案 → 已公开).
PLAN_ACTIONS = Actions(
    Action("edit", Permission.CAMPAIGNS_EDIT, lambda plan: plan.status in EDITABLE,
           _l("The plan can only change while it is a draft or returned.")),
    Action("submit", Permission.CAMPAIGNS_APPROVE, lambda plan: plan.status in EDITABLE and bool(plan.lines),
           _l("Only a draft or returned plan with items can be submitted.")),
    Action("review", Permission.PLANS_REVIEW, lambda plan: plan.status == PlanStatus.submitted,
           _l("Only a submitted plan can be filed or returned.")),
    Action("publish", Permission.CAMPAIGNS_APPROVE, lambda plan: plan.status == PlanStatus.filed,
           _l("Only a filed plan can be published.")),
)


def list_plans(year: int | None = None) -> list[Plan]:
    query = sa.select(Plan).order_by(Plan.year.desc(), Plan.half)
    if year:
        query = query.where(Plan.year == year)
    return list(db.session.scalars(query))


def get_plan(plan_id: int) -> Plan:
    plan = db.session.scalar(sa.select(Plan).where(Plan.id == plan_id))
    if plan is None:
        raise NotFound(_l("No such plan."))
    return plan


@command(Permission.CAMPAIGNS_EDIT)
def create_plan(*, year: int, half: int | None, title: str, actor) -> Plan:
    """Draft the department's annual (or half-year) plan (年度检查计划)."""
    errors = {}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_l("Enter the year, e.g. 2026.")]
    if half not in (None, 1, 2):
        errors["half"] = [_l("A plan is for the whole year or for the first or second half.")]
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_l("Enter the plan's title.")]
    if not errors and db.session.scalar(sa.select(Plan.id).where(Plan.year == year, Plan.half.is_(half) if half is None
                                                                  else Plan.half == half)):
        errors["year"] = [_l("There is already a plan for this period.")]
    if errors:
        raise ValidationFailed(errors)
    plan = Plan(year=year, half=half, title=title)
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.created", "plan", plan.id, actor=actor, details={"year": year, "half": half})
    return plan


@command(Permission.CAMPAIGNS_EDIT)
def set_line(plan: Plan, *, item_id: int, ratio_bp: int, frequency: str, months: list[int], methods: list[str],
             actor) -> PlanItem:
    """Add or change one item of a plan (only while the plan is a draft or returned)."""
    PLAN_ACTIONS.require(plan, actor, "edit")
    item = db.session.scalar(sa.select(Item).where(Item.id == item_id)) if is_row_id(item_id) else None
    errors = {}
    if item is None or item.status != ItemStatus.published:
        errors["item_id"] = [_l("Choose a published item of your item list.")]
    if not isinstance(ratio_bp, int) or not 0 <= ratio_bp <= 10000:
        errors["ratio_bp"] = [_l("The ratio is between 0 and 100 %.")]
    months = sorted({int(m) for m in months or []})
    if any(not 1 <= m <= 12 for m in months):
        errors["months"] = [_l("Months are 1 to 12.")]
    codes = [reference.code_for(reference.CHECK_METHODS, m) for m in methods or []]
    if None in codes:
        errors["methods"] = [_l("Unknown check method.")]
    if errors:
        raise ValidationFailed(errors)
    line = next((line for line in plan.lines if line.item_id == item_id), None)
    if line is None:
        line = PlanItem(item_id=item_id)
        plan.lines.append(line)
    line.ratio_bp, line.frequency, line.months, line.methods = ratio_bp, (frequency or "").strip()[:100], months, sorted(set(codes))
    db.session.flush()
    audit.record("plan.line_set", "plan", plan.id, actor=actor,
                 details={"item": item.code, "ratio_bp": ratio_bp, "months": months})
    return line


@command(Permission.CAMPAIGNS_EDIT)
def remove_line(plan: Plan, item_id: int, *, actor) -> None:
    """Take an item out of a plan (only while the plan is a draft or returned)."""
    PLAN_ACTIONS.require(plan, actor, "edit")
    line = next((line for line in plan.lines if line.item_id == item_id), None)
    if line is None:
        raise NotFound(_l("The item is not in the plan."))
    plan.lines.remove(line)
    audit.record("plan.line_removed", "plan", plan.id, actor=actor, details={"item_id": item_id})


@command(Permission.CAMPAIGNS_APPROVE)
def submit(plan: Plan, *, actor) -> Plan:
    """报备: send the plan to the justice bureau."""
    if plan.status in EDITABLE and not plan.lines:
        raise ValidationFailed({"lines": [_l("Add at least one item to the plan before submitting it.")]})
    PLAN_ACTIONS.require(plan, actor, "submit")
    plan.status, plan.submitted_at = PlanStatus.submitted, now()
    audit.record("plan.submitted", "plan", plan.id, actor=actor, details={"items": len(plan.lines)})
    return plan


def plans_to_review(supervisor) -> list[Plan]:
    """Every department's submitted plans, for the justice bureau (cross-department read)."""
    with cross_tenant(supervisor, "review submitted plans"):
        plans = list(db.session.scalars(sa.select(Plan).where(Plan.status == PlanStatus.submitted)
                                        .order_by(Plan.submitted_at)))
        for plan in plans:
            _ = [line.item.name for line in plan.lines], plan.tenant_id  # load while visible
    return plans


@command(Permission.PLANS_REVIEW)
def review(plan_id: int, *, accept: bool, comment: str, actor) -> Plan:
    """备案 (accept) or return with comments, by a supervisor of the justice bureau."""
    supervisor = actor
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationFailed({"comment": [_l("Say what must change when returning a plan.")]})
    with cross_tenant(supervisor, "file or return a plan"):
        plan = get_plan(plan_id)
        PLAN_ACTIONS.require(plan, actor, "review")
        plan.comment = comment
        if accept:
            plan.status, plan.filed_at, plan.filed_by_name = PlanStatus.filed, now(), supervisor.display_name
        else:
            plan.status = PlanStatus.returned
        db.session.add(PlanReview(
            tenant_id=plan.tenant_id, plan_id=plan.id, year=plan.year, half=plan.half, plan_title=plan.title,
            decision="filed" if accept else "returned", comment=comment, submitted_at=plan.submitted_at,
            lines=[{"code": line.item.code, "name": line.item.name, "ratio_bp": line.ratio_bp,
                    "frequency": line.frequency, "months": list(line.months or ()), "methods": list(line.methods or ())}
                   for line in plan.lines],
            reviewer_tenant_id=supervisor.tenant_id, reviewer_name=supervisor.display_name, reviewed_at=now()))
        audit.record("plan.filed" if accept else "plan.returned", "plan", plan.id, actor=supervisor,
                     tenant_id=plan.tenant_id, details={"comment": comment})
        db.session.flush()
        _ = [line.item.name for line in plan.lines]  # load while visible, for the answer
    return plan


def reviews(reader, *, year: int | None = None, decision: str | None = None, limit: int = 200) -> list[PlanReview]:
    """The filing archive (备案审核记录), newest first: every department's decisions for a
    supervisor (cross-department read), the department's own for anyone else who reads plans."""
    query = sa.select(PlanReview).order_by(PlanReview.reviewed_at.desc(), PlanReview.id.desc()).limit(limit)
    if year is not None:
        query = query.where(PlanReview.year == year)
    if decision in ("filed", "returned"):
        query = query.where(PlanReview.decision == decision)
    if has_permission(reader, Permission.PLANS_REVIEW):
        with cross_tenant(reader, "the filing archive"):
            return list(db.session.scalars(query))
    return list(db.session.scalars(query))


def reviews_of(plan: Plan) -> list[PlanReview]:
    """The decisions on one plan (in the plan's own scope or a cross-department one), oldest first."""
    return list(db.session.scalars(sa.select(PlanReview).where(PlanReview.plan_id == plan.id)
                                   .order_by(PlanReview.reviewed_at, PlanReview.id)))


@command(Permission.CAMPAIGNS_APPROVE)
def publish(plan: Plan, *, actor) -> Plan:
    """Publish a filed plan on the public portal (计划公开)."""
    PLAN_ACTIONS.require(plan, actor, "publish")
    plan.status, plan.published_at = PlanStatus.published, now()
    audit.record("plan.published", "plan", plan.id, actor=actor)
    return plan


def filed_plan_for(year: int, item_ids: set[int]) -> Plan | None:
    """A filed (or published) plan of ``year`` that holds every one of ``item_ids``."""
    for plan in db.session.scalars(sa.select(Plan).where(
            Plan.year == year, Plan.status.in_([PlanStatus.filed, PlanStatus.published]))):
        if item_ids <= {line.item_id for line in plan.lines}:
            return plan
    return None

