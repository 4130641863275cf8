"""Changing annual plans (年度检查计划) and the fields' yearly joint plans (年度联合抽查工作计划): drafted
by the department, published (公开) by a leader, then submitted for filing (报备) and filed (备案) or
returned by each filing authority the plan needs (:mod:`spotcheck.tenants.plans.filing`).

Where the rulebook says 备案前检查计划要在政府网站和各部门网站向社会公布, a plan is published before it
is submitted, and a returned plan that changed is published again before it is submitted again. The
public portal shows the lines as last published (``published_lines``), never the draft of a
returned plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now, today
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import cross_tenant
from spotcheck.tenants.accounts.models import INSPECTING, Tenant, tenant_of
from spotcheck.tenants.accounts.queries import departments_in_branch
from spotcheck.tenants.common.validators import InvalidValueError
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.plans.filing import (
    authorities_for,
    authority_of,
    decides_on,
    filed_with,
    pending_authorities,
    rules_of_plan,
)
from spotcheck.tenants.plans.inputs import LINE, PLAN
from spotcheck.tenants.plans.models import Plan, PlanItem, PlanReview, PlanStatus
from spotcheck.tenants.plans.policy import PLAN_ACTIONS
from spotcheck.tenants.plans.published_lines import snapshot
from spotcheck.tenants.plans.vocabulary import EDITABLE, not_the_items_methods, publish_first_to_file
from spotcheck.tenants.rules.rulebook import rules_for


def _locked(plan_id: int) -> Plan:
    """The plan, read afresh under a row lock (two changes of one plan go in turn)."""
    return get_row(Plan, plan_id, _l("No such plan."), for_update=True)


def _leads(actor: Actor, field: str) -> bool:
    """Whether the actor's department leads ``field`` (the joint domain answers)."""
    answer: dict[str, bool] = {}
    events.emit("plan.joint_lead_asked", actor=actor, tenant=actor.tenant, field=field, answer=answer)
    return bool(answer.get(field))


def _joint_departments(ids: Iterable[str | int] | None, own: Tenant, errors: dict) -> list[int]:
    """The departments a joint plan involves (``department_ids``): active ones, no justice bureau, at least one
    besides the lead's own, each of the lead's region or of a region below it (本级及下级, as its joint campaigns
    invite); refused under ``department_ids`` otherwise, those outside named with their regions."""
    try:
        wanted = sorted({int(i) for i in ids or []})
    except (TypeError, ValueError):
        wanted = [0]
    found = (
        list(
            db.session.scalars(
                sa.select(Tenant).where(
                    Tenant.id.in_([i for i in wanted if is_row_id(i)]),
                    INSPECTING,
                )
            )
        )
        if wanted
        else []
    )
    if len(found) != len(wanted) or not set(wanted) - {own.id}:
        errors["department_ids"] = [
            _l("Choose the departments the joint checks will involve (at least one besides your own).")
        ]
        return wanted
    branch = departments_in_branch(own.region_id)
    outside = sorted((t for t in found if t.id not in branch), key=lambda t: t.code)
    if outside:
        errors["department_ids"] = [
            _l(
                "%(names)s: not of %(region)s nor of a region below it. A joint plan involves the departments of "
                "its lead department's region and of the regions below it.",
                names="、".join(f"{t.name}（{t.region.name}）" for t in outside),
                region=own.region.name,
            )
        ]
    return wanted


#: A year as a title writes it (2026年度…, 2026 年…): four digits standing alone.
_YEAR_IN_TITLE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")


def years_named(title: str) -> set[int]:
    """The years a plan's title names (“2026年度行政检查计划” → {2026})."""
    return {int(found) for found in _YEAR_IN_TITLE.findall(title)}


@command(Permission.CAMPAIGNS_EDIT)
def create_plan(data: dict, *, actor: Actor) -> Plan:
    """Draft the department's annual (or half-year) plan (年度检查计划); or, ``kind`` joint, the
    yearly joint plan of an enforcement field the department leads (年度联合抽查工作计划: where the rulebook
    asks, 其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划，并报市司法局备案审核) with the
    departments it intends to involve. ``data``: ``year``, ``half``, ``title``, ``kind``, ``field``,
    ``department_ids``. Which fields a department leads, the joint domain answers (the event
    ``plan.joint_lead_asked``; no answer: not led)."""
    year, half, title = data.get("year"), data.get("half"), data.get("title")
    kind, field, department_ids = data.get("kind") or "annual", data.get("field") or "", data.get("department_ids")
    errors = {}
    if not isinstance(year, int) or not PLAN["year"].admits(year):
        errors["year"] = [_l("Enter the year, e.g. 2026.")]
    elif year < today().year:
        errors["year"] = [
            _l(
                "%(year)d is over: a plan sets out the checks of this year (%(now)d) or of a year to come.",
                year=year,
                now=today().year,
            )
        ]
    if half not in (None, *(PLAN["half"].choices or ())):
        errors["half"] = [_l("A plan is for the whole year or for the first or second half.")]
    title = (title or "").strip()
    if not title or not PLAN["title"].fits(title):
        errors["title"] = [_l("Enter the plan's title.")]
    elif isinstance(year, int) and (others := years_named(title) - {year}):
        errors["title"] = [
            _l(
                "The title names the year %(named)s, and the plan is for %(year)d: give the plan its own year's title.",
                named="、".join(str(other) for other in sorted(others)),
                year=year,
            )
        ]
    departments: list[int] = []
    if kind == "joint":
        field = field or ""
        if half is not None:
            errors["half"] = [_l("A joint plan is for the whole year.")]
        if field not in (PLAN["field"].choices or ()):  # a field outside market regulation
            errors["field"] = [_l("Choose an enforcement field outside market regulation.")]
        elif not _leads(actor, field):
            errors["field"] = [
                _l(
                    "%(rule)sonly the lead department of %(field)s writes its joint plan.",
                    rule=rules_for(actor.tenant_id).under("joint_plans_required"),
                    field=reference.ENFORCEMENT_FIELDS[field],
                )
            ]
        departments = _joint_departments(department_ids, tenant_of(actor), errors)
    elif kind == "annual":
        field = ""
    else:
        errors["kind"] = [_l("A plan is an annual plan or a joint plan.")]
    same = sa.select(Plan.id).where(
        Plan.kind == kind,
        Plan.field == field,
        Plan.year == year,
        Plan.half.is_(None) if half is None else Plan.half == half,
    )
    if not errors and db.session.scalar(same):
        errors["year"] = [_l("There is already a plan for this period.")]
    if errors:
        raise InvalidInputError(errors)
    plan = Plan(year=year, half=half, title=title, kind=kind, field=field, departments=departments, filings={})
    db.session.add(plan)
    db.session.flush()
    audit.record(
        "plan.created",
        "plan",
        plan.id,
        actor=actor,
        details={"year": year, "half": half, "kind": kind, "field": field, "departments": departments},
    )
    return plan


@command(Permission.CAMPAIGNS_EDIT)
def set_line(plan_id: int, data: dict, *, actor: Actor) -> PlanItem:
    """Add or change one item of a plan (only while the plan is a draft or returned); ``data``:
    ``item_id``, ``ratio_bp``, ``frequency_times`` and ``frequency_period``, ``months``, ``methods``.
    The planned ratio (抽查比例) is above 0 and at most 100 %; the frequency (抽查频次) a number of times
    per period, or none (the item's). Its months and check methods are the schedule its campaigns
    follow (各级行政执法部门应严格按照年度检查计划确定的内容、时间、方式等实施检查): at least one of each,
    the methods among the item's own (检查方式: 明确抽查主体、依据、对象、内容、方式)."""
    plan = _locked(plan_id)
    item_id, ratio_bp = data.get("item_id"), data.get("ratio_bp")
    months, methods = data.get("months"), data.get("methods")
    PLAN_ACTIONS.require(plan, actor, "edit")
    item = db.session.scalar(sa.select(Item).where(Item.id == item_id)) if is_row_id(item_id) else None
    errors = {}
    if item is None or item.status != ItemStatus.published:
        errors["item_id"] = [_l("Choose a published item of your item list.")]
    try:
        sampling.ratio(ratio_bp)
    except InvalidValueError as invalid:
        errors["ratio_bp"] = [invalid.message]
    times, period = sampling.checked_frequency(data.get("frequency_times"), data.get("frequency_period"), errors)
    try:
        months = sorted({int(m) for m in months or []})
    except (TypeError, ValueError):
        months = [0]
    if any(not LINE["months"].admits(m) for m in months):
        errors["months"] = [_l("Months are 1 to 12.")]
    elif not months:
        errors["months"] = [
            _l(
                "%(rule)scampaigns are made in the months the plan sets: choose the months of the checks.",
                rule=rules_of_plan(plan).under("plans_required"),
            )
        ]
    codes = [reference.code_for(dict(LINE["methods"].choices or {}), m) for m in methods or []]
    if None in codes:
        errors["methods"] = [_l("Unknown check method.")]
    elif not codes:
        errors["methods"] = [
            _l(
                "%(rule)scampaigns check in the ways the plan sets: choose the check methods.",
                rule=rules_of_plan(plan).under("plans_required"),
            )
        ]
    elif item is not None and (
        foreign := [c for c in dict.fromkeys(codes) if c is not None and c not in (item.methods or [])]
    ):
        errors["methods"] = [not_the_items_methods(item, foreign)]
    if errors:
        raise InvalidInputError(errors)
    line = next((line for line in plan.lines if line.item_id == item_id), None)
    if line is None:
        line = PlanItem(item_id=item_id)
        plan.lines.append(line)
    item = cast(Item, item)  # published: a missing one is refused above
    line.ratio_bp, line.frequency_times, line.frequency_period = cast(int, ratio_bp), times, period  # checked
    line.months, line.methods = months, sorted({code for code in codes if code is not None})
    db.session.flush()
    audit.record(
        "plan.line_set",
        "plan",
        plan.id,
        actor=actor,
        details={
            "item": item.code,
            "ratio_bp": ratio_bp,
            "frequency": line.frequency_text,
            "months": months,
            "methods": line.methods,
        },
    )
    return line


@command(Permission.CAMPAIGNS_EDIT)
def remove_line(plan_id: int, data: dict, *, actor: Actor) -> None:
    """Take an item (``data["item_id"]``) out of a plan (only while the plan is a draft or returned)."""
    plan, item_id = _locked(plan_id), data.get("item_id")
    PLAN_ACTIONS.require(plan, actor, "edit")
    line = next((line for line in plan.lines if line.item_id == item_id), None)
    if line is None:
        raise NotFoundError(_l("The item is not in the plan."))
    plan.lines.remove(line)
    audit.record("plan.line_removed", "plan", plan.id, actor=actor, details={"item_id": item_id})


@command(Permission.CAMPAIGNS_APPROVE)
def publish(plan_id: int, data: dict | None = None, *, actor: Actor) -> Plan:
    """公开: a leader publishes the plan on the public portal, before it is submitted for filing. The
    lines are kept as published; a returned plan that changes is published again."""
    plan = _locked(plan_id)
    if plan.status in EDITABLE and not plan.lines:
        raise InvalidInputError({"lines": [_l("Add at least one item to the plan before publishing it.")]})
    PLAN_ACTIONS.require(plan, actor, "publish")
    again = plan.published_lines is not None
    plan.published_lines, plan.published_at = snapshot(plan), now()
    if plan.status != PlanStatus.filed:
        plan.status = PlanStatus.published
    audit.record("plan.published", "plan", plan.id, actor=actor, details={"items": len(plan.lines), "again": again})
    return plan


@command(Permission.CAMPAIGNS_APPROVE)
def submit(plan_id: int, data: dict | None = None, *, actor: Actor) -> Plan:
    """报备: send the plan (published first, where the rules say so) to the filing authorities its rules
    name (the justice bureau; also the market-regulation bureau when it touches that field). Each files
    it or returns it afresh."""
    plan = _locked(plan_id)
    if plan.status in EDITABLE and not plan.lines:
        raise InvalidInputError({"lines": [_l("Add at least one item to the plan before submitting it.")]})
    PLAN_ACTIONS.require(plan, actor, "submit")
    plan.status, plan.submitted_at, plan.filings = PlanStatus.submitted, now(), {}
    audit.record("plan.submitted", "plan", plan.id, actor=actor, details={"items": len(plan.lines)})
    return plan


@command(Permission.PLANS_REVIEW)
def review(plan_id: int, data: dict, *, actor: Actor) -> Plan:
    """备案 (``data["accept"]``) or return with comments (``data["comment"]``), by a filing authority:
    the justice bureau (its supervisor) for every plan, the market-regulation bureau (its
    coordinator) for a plan touching the market-regulation field (涉及市场监管领域的报市市场监督管理局
    备案) — each the one of the plan's department's region or the nearest above, never another region's.
    The plan is filed once every authority it needs has filed it; a return by either returns it."""
    accept, comment = bool(data.get("accept")), data.get("comment")
    authority = authority_of(actor)
    if authority is None:
        raise ForbiddenError(
            _l(
                "%(rule)sonly the justice bureau and the market-regulation bureau file plans.",
                rule=rules_for(actor.tenant_id).under("filing_authorities"),
            )
        )
    comment = (comment or "").strip()
    if not accept and not comment:
        raise InvalidInputError({"comment": [_l("Say what must change when returning a plan.")]})
    with cross_tenant(actor, "file or return a plan"):
        plan = _locked(plan_id)
        PLAN_ACTIONS.require(plan, actor, "review")
        rules = rules_of_plan(plan)
        if authority not in pending_authorities(plan):
            raise ConflictError(
                _l("This plan waits for no decision of your bureau.")
                if authority in authorities_for(plan)
                else _l(
                    "%(rule)sa plan that does not touch the market-regulation field is filed with the "
                    "justice bureau only.",
                    rule=rules.under("filing_authorities"),
                )
            )
        if not decides_on(actor, plan):
            deciding = filed_with(plan, authority)
            raise ForbiddenError(
                _l("This plan is filed with %(bureau)s, which decides on it.", bureau=deciding.name)
                if deciding is not None
                else _l("No bureau of this kind is set up for the plan's region or any region above it yet.")
            )
        if accept and plan.published_lines is None and rules.publish_before_filing:
            raise ConflictError(publish_first_to_file(rules.under("publish_before_filing")))
        decided = now()
        plan.comment = comment
        plan.filings = {
            **(plan.filings or {}),
            authority: {
                "decision": "filed" if accept else "returned",
                "name": actor.display_name,
                "at": decided.isoformat(),
                "comment": comment,
            },
        }
        needed = authorities_for(plan)
        if not accept:
            plan.status = PlanStatus.returned
        elif all(plan.filings.get(a, {}).get("decision") == "filed" for a in needed):
            plan.status, plan.filed_at = PlanStatus.filed, decided
            plan.filed_by_name = "、".join(plan.filings[a]["name"] for a in needed)
        db.session.add(
            PlanReview(
                tenant_id=plan.tenant_id,
                plan_id=plan.id,
                year=plan.year,
                half=plan.half,
                plan_title=plan.title,
                decision="filed" if accept else "returned",
                authority=authority,
                comment=comment,
                submitted_at=plan.submitted_at,
                lines=snapshot(plan),
                reviewer_tenant_id=actor.tenant_id,
                reviewer_name=actor.display_name,
                reviewed_at=decided,
            )
        )
        audit.record(
            "plan.filed" if accept else "plan.returned",
            "plan",
            plan.id,
            actor=actor,
            tenant_id=plan.tenant_id,
            details={"comment": comment, "authority": authority, "status": plan.status.value},
        )
        db.session.flush()
        _ = [line.item.name for line in plan.lines]  # load while visible, for the answer
    return plan
