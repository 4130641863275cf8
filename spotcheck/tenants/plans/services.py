"""Annual plans (年度检查计划) and the fields' yearly joint plans (年度联合抽查工作计划): drafted by the
department, published (公开) by a leader, then submitted for filing (报备) and filed (备案) or returned
by each filing authority the plan needs (:mod:`spotcheck.tenants.plans.filing`).

Seed 001: 备案前检查计划要在政府网站和各部门网站向社会公布 — a plan is published before it is
submitted, and a returned plan that changed is published again before it is submitted again. The
public portal shows the lines as last published (``published_lines``), never the draft of a
returned plan.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actions import Action, Actions
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import cross_tenant
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.joint import leads
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.plans.filing import (  # noqa: F401 — the filing authorities' queries, read from here too
    AUTHORITIES, authorities_for, authority_of, pending_authorities, plans_to_review, reviews, reviews_of,
)
from spotcheck.tenants.plans.models import Plan, PlanItem, PlanReview, PlanStatus

EDITABLE = (PlanStatus.draft, PlanStatus.returned)

#: The rule a refusal names (seed 001 item 3).
PUBLISH_FIRST = _l("Under the rule that plans are published on the government's and the departments' websites "
                   "before they are filed (备案前检查计划要在政府网站和各部门网站向社会公布), publish the plan before "
                   "submitting it for filing.")


PUBLISH_FIRST_TO_FILE = _l("Under the rule that plans are published on the government's and the departments' websites "
                           "before they are filed (备案前检查计划要在政府网站和各部门网站向社会公布), this plan, never "
                           "published, cannot be filed: return it so that the department publishes it first.")


def snapshot(plan: Plan) -> list[dict]:
    """The plan's lines as they are now: what publication and the filing archive keep."""
    return [{"item_id": line.item_id, "code": line.item.code, "name": line.item.name, "sub_item": line.item.sub_item,
             "field": line.item.field, "ratio_bp": line.ratio_bp, "frequency": line.frequency,
             "months": list(line.months or ()), "methods": list(line.methods or ())} for line in plan.lines]


def _content(lines) -> list[tuple]:
    return sorted((row["item_id"], row["ratio_bp"], row["frequency"], tuple(row["months"]), tuple(row["methods"]))
                  for row in lines or ())


def changed_since_published(plan: Plan) -> bool:
    """Whether the plan's lines differ from what was last published (or it was never published)."""
    return plan.published_lines is None or _content(snapshot(plan)) != _content(plan.published_lines)


def _can_publish(plan: Plan) -> bool:
    # a plan filed before the rule (never published) can still be published
    return (plan.status in EDITABLE and bool(plan.lines)) or (plan.status == PlanStatus.filed
                                                             and plan.published_lines is None)


def _can_submit(plan: Plan) -> bool:
    if plan.status == PlanStatus.published:
        return True
    return plan.status == PlanStatus.returned and bool(plan.lines) and not changed_since_published(plan)


def _submit_refusal(plan: Plan):
    if plan.status == PlanStatus.draft:
        return PUBLISH_FIRST
    if plan.status == PlanStatus.returned:
        return _l("The plan has changed since it was published. Under the rule that plans are published before "
                  "they are filed (备案前检查计划要在政府网站和各部门网站向社会公布), publish it again before submitting "
                  "it again.")
    return _l("Only a published plan can be submitted for filing.")


#: What a plan allows, in its state (草稿/退回 → 已公开 → 已报备 → 已备案).
PLAN_ACTIONS = Actions(
    Action("edit", Permission.CAMPAIGNS_EDIT, lambda plan: plan.status in EDITABLE,
           _l("The plan can only change while it is a draft or returned.")),
    Action("publish", Permission.CAMPAIGNS_APPROVE, _can_publish,
           _l("Only a draft or returned plan with items can be published.")),
    Action("submit", Permission.CAMPAIGNS_APPROVE, _can_submit, _submit_refusal),
    Action("review", Permission.PLANS_REVIEW, lambda plan: plan.status == PlanStatus.submitted,
           _l("Only a submitted plan can be filed or returned.")),
)


def list_plans(year: int | None = None) -> list[Plan]:
    query = sa.select(Plan).order_by(Plan.year.desc(), Plan.kind, Plan.field, Plan.half)
    if year:
        query = query.where(Plan.year == year)
    return list(db.session.scalars(query))


def get_plan(plan_id: int) -> Plan:
    plan = db.session.scalar(sa.select(Plan).where(Plan.id == plan_id)) if is_row_id(plan_id) else None
    if plan is None:
        raise NotFound(_l("No such plan."))
    return plan


def _joint_departments(ids, own_tenant_id: int, errors: dict) -> list[int]:
    try:
        wanted = sorted({int(i) for i in ids or []})
    except (TypeError, ValueError):
        wanted = [0]
    found = set(db.session.scalars(sa.select(Tenant.id).where(
        Tenant.id.in_([i for i in wanted if is_row_id(i)]), Tenant.active.is_(True),
        Tenant.kind != TenantKind.supervisor))) if wanted else set()
    if len(found) != len(wanted) or not set(wanted) - {own_tenant_id}:
        errors["department_ids"] = [_l("Choose the departments the joint checks will involve (at least one besides "
                                       "your own).")]
    return wanted


@command(Permission.CAMPAIGNS_EDIT)
def create_plan(*, year: int, half: int | None, title: str, kind: str = "annual", field: str = "",
                department_ids: list | None = None, actor) -> Plan:
    """Draft the department's annual (or half-year) plan (年度检查计划); or, ``kind`` joint, the
    yearly joint plan of an enforcement field the department leads (年度联合抽查工作计划, seed 001:
    其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划，并报市司法局备案审核) with the
    departments it intends to involve."""
    errors = {}
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_l("Enter the year, e.g. 2026.")]
    if half not in (None, 1, 2):
        errors["half"] = [_l("A plan is for the whole year or for the first or second half.")]
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_l("Enter the plan's title.")]
    departments: list[int] = []
    if kind == "joint":
        field = field or ""
        if half is not None:
            errors["half"] = [_l("A joint plan is for the whole year.")]
        if field not in reference.ENFORCEMENT_FIELDS or field == reference.MARKET_FIELD:
            errors["field"] = [_l("Choose an enforcement field outside market regulation.")]
        elif field not in leads.fields_led_by(actor.tenant):
            errors["field"] = [_l("Under the rule that the lead department of a field plans its joint checks "
                                  "(其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划), only the lead "
                                  "department of %(field)s writes its joint plan.",
                                  field=reference.ENFORCEMENT_FIELDS[field])]
        departments = _joint_departments(department_ids, actor.tenant_id, errors)
    elif kind == "annual":
        field = ""
    else:
        errors["kind"] = [_l("A plan is an annual plan or a joint plan.")]
    same = sa.select(Plan.id).where(Plan.kind == kind, Plan.field == field, Plan.year == year,
                                    Plan.half.is_(None) if half is None else Plan.half == half)
    if not errors and db.session.scalar(same):
        errors["year"] = [_l("There is already a plan for this period.")]
    if errors:
        raise ValidationFailed(errors)
    plan = Plan(year=year, half=half, title=title, kind=kind, field=field, departments=departments, filings={})
    db.session.add(plan)
    db.session.flush()
    audit.record("plan.created", "plan", plan.id, actor=actor,
                 details={"year": year, "half": half, "kind": kind, "field": field, "departments": departments})
    return plan


@command(Permission.CAMPAIGNS_EDIT)
def set_line(plan: Plan, *, item_id: int, ratio_bp: int, frequency: str, months: list[int], methods: list[str],
             actor) -> PlanItem:
    """Add or change one item of a plan (only while the plan is a draft or returned). Its months
    and check methods are the schedule its campaigns follow (seed 001: 各级行政执法部门应严格按照年度
    检查计划确定的内容、时间、方式等实施检查): at least one of each."""
    PLAN_ACTIONS.require(plan, actor, "edit")
    item = db.session.scalar(sa.select(Item).where(Item.id == item_id)) if is_row_id(item_id) else None
    errors = {}
    if item is None or item.status != ItemStatus.published:
        errors["item_id"] = [_l("Choose a published item of your item list.")]
    if not isinstance(ratio_bp, int) or not 0 <= ratio_bp <= 10000:
        errors["ratio_bp"] = [_l("The ratio is between 0 and 100 %.")]
    try:
        months = sorted({int(m) for m in months or []})
    except (TypeError, ValueError):
        months = [0]
    if any(not 1 <= m <= 12 for m in months):
        errors["months"] = [_l("Months are 1 to 12.")]
    elif not months:
        errors["months"] = [_l("Choose the months of the checks: campaigns are made in the months the plan sets "
                               "(各级行政执法部门应严格按照年度检查计划确定的内容、时间、方式等实施检查).")]
    codes = [reference.code_for(reference.CHECK_METHODS, m) for m in methods or []]
    if None in codes:
        errors["methods"] = [_l("Unknown check method.")]
    elif not codes:
        errors["methods"] = [_l("Choose the check methods: campaigns check in the ways the plan sets "
                                "(各级行政执法部门应严格按照年度检查计划确定的内容、时间、方式等实施检查).")]
    if errors:
        raise ValidationFailed(errors)
    line = next((line for line in plan.lines if line.item_id == item_id), None)
    if line is None:
        line = PlanItem(item_id=item_id)
        plan.lines.append(line)
    line.ratio_bp, line.frequency, line.months, line.methods = ratio_bp, (frequency or "").strip()[:100], months, sorted(set(codes))
    db.session.flush()
    audit.record("plan.line_set", "plan", plan.id, actor=actor,
                 details={"item": item.code, "ratio_bp": ratio_bp, "months": months, "methods": line.methods})
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
def publish(plan: Plan, *, actor) -> Plan:
    """公开: a leader publishes the plan on the public portal, before it is submitted for filing. The
    lines are kept as published; a returned plan that changes is published again."""
    if plan.status in EDITABLE and not plan.lines:
        raise ValidationFailed({"lines": [_l("Add at least one item to the plan before publishing it.")]})
    PLAN_ACTIONS.require(plan, actor, "publish")
    again = plan.published_lines is not None
    plan.published_lines, plan.published_at = snapshot(plan), now()
    if plan.status != PlanStatus.filed:
        plan.status = PlanStatus.published
    audit.record("plan.published", "plan", plan.id, actor=actor, details={"items": len(plan.lines), "again": again})
    return plan


@command(Permission.CAMPAIGNS_APPROVE)
def submit(plan: Plan, *, actor) -> Plan:
    """报备: send the published plan to its filing authorities (the justice bureau; also the
    market-regulation bureau when it touches that field). Each files it or returns it afresh."""
    if plan.status in EDITABLE and not plan.lines:
        raise ValidationFailed({"lines": [_l("Add at least one item to the plan before submitting it.")]})
    PLAN_ACTIONS.require(plan, actor, "submit")
    plan.status, plan.submitted_at, plan.filings = PlanStatus.submitted, now(), {}
    audit.record("plan.submitted", "plan", plan.id, actor=actor, details={"items": len(plan.lines)})
    return plan


@command(Permission.PLANS_REVIEW)
def review(plan_id: int, *, accept: bool, comment: str, actor) -> Plan:
    """备案 (accept) or return with comments, by a filing authority: the justice bureau (its
    supervisor) for every plan, the market-regulation bureau (its coordinator) for a plan touching
    the market-regulation field (涉及市场监管领域的报市市场监督管理局备案). The plan is filed once every
    authority it needs has filed it; a return by either returns it."""
    authority = authority_of(actor)
    if authority is None:
        raise Forbidden(_l("Only the justice bureau and the market-regulation bureau file plans."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationFailed({"comment": [_l("Say what must change when returning a plan.")]})
    with cross_tenant(actor, "file or return a plan"):
        plan = get_plan(plan_id)
        PLAN_ACTIONS.require(plan, actor, "review")
        if authority not in pending_authorities(plan):
            raise Conflict(_l("This plan waits for no decision of your bureau.") if authority in authorities_for(plan)
                           else _l("This plan does not touch the market-regulation field: it is filed with the "
                                   "justice bureau only."))
        if accept and plan.published_lines is None:
            raise Conflict(PUBLISH_FIRST_TO_FILE)
        decided = now()
        plan.comment = comment
        plan.filings = {**(plan.filings or {}), authority: {
            "decision": "filed" if accept else "returned", "name": actor.display_name,
            "at": decided.isoformat(), "comment": comment}}
        needed = authorities_for(plan)
        if not accept:
            plan.status = PlanStatus.returned
        elif all(plan.filings.get(a, {}).get("decision") == "filed" for a in needed):
            plan.status, plan.filed_at = PlanStatus.filed, decided
            plan.filed_by_name = "、".join(plan.filings[a]["name"] for a in needed)
        db.session.add(PlanReview(
            tenant_id=plan.tenant_id, plan_id=plan.id, year=plan.year, half=plan.half, plan_title=plan.title,
            decision="filed" if accept else "returned", authority=authority, comment=comment,
            submitted_at=plan.submitted_at, lines=snapshot(plan), reviewer_tenant_id=actor.tenant_id,
            reviewer_name=actor.display_name, reviewed_at=decided))
        audit.record("plan.filed" if accept else "plan.returned", "plan", plan.id, actor=actor,
                     tenant_id=plan.tenant_id, details={"comment": comment, "authority": authority,
                                                        "status": plan.status.value})
        db.session.flush()
        _ = [line.item.name for line in plan.lines]  # load while visible, for the answer
    return plan


def filed_plans_for(year: int, item_ids: set[int]) -> list[Plan]:
    """The filed annual plans of ``year`` that hold every one of ``item_ids``: the year's first,
    then the half-year plans."""
    plans = db.session.scalars(sa.select(Plan).where(Plan.year == year, Plan.kind == "annual",
                                                     Plan.status == PlanStatus.filed)
                               .order_by(Plan.half.is_not(None), Plan.half, Plan.id))
    return [plan for plan in plans if item_ids <= {line.item_id for line in plan.lines}]


def filed_plan_for(year: int, item_ids: set[int]) -> Plan | None:
    """A filed annual plan of ``year`` that holds every one of ``item_ids``."""
    found = filed_plans_for(year, item_ids)
    return found[0] if found else None


def filed_joint_plan(year: int, field: str) -> Plan | None:
    """The department's filed joint plan (年度联合抽查工作计划) of ``year`` for ``field``."""
    return db.session.scalar(sa.select(Plan).where(Plan.kind == "joint", Plan.field == field, Plan.year == year,
                                                   Plan.status == PlanStatus.filed))
