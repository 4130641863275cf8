"""演示计划: the demo's fields and their lead departments (执法领域牵头部门), each department's
annual and half-year plans (年度抽查计划) published, submitted and filed (公开、报备、备案), next
year's at review, and the fields' yearly joint plans."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import date

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import city as demo_city, rules as demo_rules
from spotcheck.demo.people import role_key, user_named
from spotcheck.tenants.accounts import queries as accounts_queries
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.joint import commands as joint_commands, queries as joint_queries
from spotcheck.tenants.plans import commands as plans, queries as plan_queries
from spotcheck.tenants.plans.models import Plan


def field_leads(tenants: dict[str, Tenant]) -> None:
    """The platform administrator names the lead department of the fields of :data:`demo_city.FIELD_LEADS`
    (a field that has one is left as it is)."""
    for field, code in demo_city.FIELD_LEADS.items():
        if joint_queries.lead_of(field, tenants[code].id) is None:
            joint_commands.name_field_lead(field, {"tenant_id": tenants[code].id}, actor=user_named("admin"))


def annual_plans(tenants: dict[str, Tenant], *, year: int, today: date) -> None:
    """Each department's plans of ``year`` — the year's and the half-year plans of its non-market
    fields — published and submitted on the days of :data:`demo_city.PLAN_SUBMITTED` and filed (by
    the justice bureau, and by 市场监管局 for a plan with items of its field), and of the next year
    at the stage of :data:`demo_city.NEXT_YEAR_PLANS`; a plan that exists is left as it is."""
    for code in demo_city.PLAN_LINES:
        days = demo_city.PLAN_SUBMITTED.get(code, {})
        for half in (None, 1, 2):
            if half is not None and days.get(half) is None:
                continue  # not submitted (the dashboard shows it missing)
            month, day = days.get(half) or (today.month, today.day)
            on = min(date(year, month, day), today)
            _plan(tenants[code], year, "filed", "同意备案。", half=half, on=on)
        _plan(tenants[code], year + 1, *demo_city.NEXT_YEAR_PLANS[code])


def _plan(
    tenant: Tenant,
    year: int,
    stage: str,
    comment: str,
    *,
    half: int | None = None,
    on: date | None = None,
    joint: dict | None = None,
) -> None:
    """One plan taken to ``stage`` (draft, published, submitted, returned or filed) in the order of
    seed 001: published, then submitted, then filed or returned by each authority it needs — on
    the day ``on`` (9:00), if given. ``joint``: a field's yearly joint plan (field, title, lines,
    departments) instead of the department's annual plan."""

    code = tenant.code.lower()
    planner, leader = user_named(f"{code}_planner"), user_named(f"{code}_leader")
    bureau, lead = accounts_queries.bureau_of(tenant.id), accounts_queries.lead_of(tenant.id)
    reviewers = {  # the department's own bureau and field's lead: 宁安市's, or 牡丹江市's for its department
        "justice": user_named(f"{bureau.code.lower() if bureau else 'sfj'}_supervisor"),
        "market": user_named(f"{lead.code.lower() if lead else 'scj'}_coord"),
    }

    def moment() -> AbstractContextManager[object]:
        return clock.frozen_at(on) if on is not None else nullcontext()

    kind, field = ("joint", joint["field"]) if joint else ("annual", "")
    with tenant_scope(tenant.id):
        if db.session.scalar(
            sa.select(Plan.id).where(
                Plan.year == year,
                Plan.kind == kind,
                Plan.field == field,
                Plan.half.is_(None) if half is None else Plan.half == half,
            )
        ):
            return
        if joint:
            plan = plans.create_plan(
                {
                    "year": year,
                    "half": None,
                    "title": demo_rules.placed(joint["title"].format(year=year)),
                    "kind": "joint",
                    "field": field,
                    "department_ids": [t.id for t in joint["departments"]],
                },
                actor=planner,
            )
            lines = joint["lines"]
        else:
            plan = plans.create_plan(  # titled by the department's full name (宁安市商务局, 牡丹江市…局)
                {"year": year, "half": half, "title": demo_city.plan_title(tenant.name, year, half)}, actor=planner
            )
            lines = demo_city.PLAN_LINES[role_key(tenant.code)]
        query = sa.select(Item).where(Item.status == "published").order_by(Item.code)
        query = (
            query.where(Item.name.in_(lines))
            if half is None
            else query.where(Item.field != "market", Item.random_check.is_(True))
        )
        months = range(1, 7) if half == 1 else range(7, 13)
        for item in db.session.scalars(query):
            ratio_bp, planned = lines.get(item.name, (300, [4 if half == 1 else 9]))
            if half is not None:
                planned = [m for m in planned if m in months] or [months[3]]
            plans.set_line(
                plan.id,
                {
                    "item_id": item.id,
                    "ratio_bp": ratio_bp,
                    "frequency_times": item.frequency_times,
                    "frequency_period": item.frequency_period,
                    "months": planned,
                    "methods": item.methods,
                },
                actor=planner,
            )
        if stage == "draft":
            return
        with moment():
            plans.publish(plan.id, actor=leader)
        plan_id, authorities = plan.id, plan_queries.authorities_for(plan)
        if stage == "published" or not authorities:  # rules asking no filing: published, it is in force
            return
        with moment():
            plans.submit(plan.id, actor=leader)
    if stage == "submitted":
        return
    for authority in authorities:
        reviewer = reviewers[authority]
        with tenant_scope(reviewer.tenant_id), moment():
            plans.review(plan_id, {"accept": stage != "returned", "comment": comment}, actor=reviewer)
        if stage == "returned":
            return


def joint_plans(tenants: dict[str, Tenant], *, year: int, today: date) -> None:
    """The yearly joint plans (年度联合抽查工作计划) of :data:`demo_city.JOINT_PLANS`, written by their
    field's lead department, published and filed with the justice bureau early in the year."""
    for spec in demo_city.JOINT_PLANS:
        lead = tenants[spec["lead"]]
        joint = {**spec, "departments": [tenants[code] for code in spec["departments"]]}
        _plan(lead, year, "filed", "同意备案。", joint=joint, on=min(date(year, *spec["submitted"]), today))
