"""演示数据一览: what the console prints after loading the demo — its place and levels, the rules of each, the
registry's size, each
department's directory, items and inspectors, its plans and campaigns, the joint campaigns."""

from __future__ import annotations

from typing import TypedDict

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.demo.people import all_departments, deployed
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.common.vocabulary import CAMPAIGN_STATUS
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.joint import figures
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.regions import queries as region_queries
from spotcheck.tenants.rules import rulebook


class JointRow(TypedDict):
    """A joint campaign as the console lists it: the visits made beside those separate draws would need."""

    id: int
    code: str | None
    title: str
    departments: list[str]
    status: str
    visits: int | None
    checks: int | None
    separate: float | None
    saved: float | None


class CitySummary(TypedDict):
    """What the console prints after loading the demo (:func:`city_summary`)."""

    entities: int | None
    #: Per department: its directory entries, items and inspectors, by table name.
    departments: dict[str, dict[str, int | None]]
    #: The place top down (黑龙江省牡丹江市 → 宁安市 → 宁安镇).
    levels: str
    #: The departments' county (宁安市) and its rulebook's title; the upper level (牡丹江市), on the national floor.
    place: str
    rulebook: str
    upper: str
    upper_rules: str
    plans: list[tuple[str, int, str]]  # department, year, status
    half_plans: list[tuple[str, int, int, str]]  # department, year, half, status
    joint_plans: list[tuple[str, int, str, str]]  # department, year, field, status
    campaigns: list[tuple[str, str, str, str]]  # department, number, title, status
    joint: list[JointRow]


def city_summary() -> CitySummary:
    """What is shown after loading: registry entities; per department entries, items, inspectors;
    the plans (year, status) and campaigns (code, title, status) of each department."""
    with system_access("count the demo city"):
        entities = db.session.scalar(sa.select(sa.func.count()).select_from(Entity))
        departments: dict[str, dict[str, int | None]] = {}
        where = deployed()
        county = region_queries.by_code(where.county[0])
        upper = region_queries.by_code(where.upper[0])
        rules = rulebook.rules_for_region(county.id if county else None)
        place = where.county[1] if rules.rulebook else "（未载入实施方案）"
        rulebook_title = rules.rulebook.title if rules.rulebook else "国家规定"
        upper_rules = rulebook.rules_for_region(upper.id if upper else None)
        upper_title = (  # 牡丹江市 has no 实施方案 we have: its level runs on the national floor alone
            f"《{upper_rules.rulebook.title}》"
            if upper_rules.rulebook
            else "本级无实施方案，仅适用国家规定（presets/national.toml）"
        )
        for _region, _short, (code, *_) in all_departments(where):
            tenant_id = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code))
            departments[code] = {
                model.__tablename__: db.session.scalar(
                    sa.select(sa.func.count()).select_from(model).where(model.tenant_id == tenant_id)
                )
                for model in (DirectoryEntry, Item, Inspector)
            }
        plans = db.session.execute(
            sa.select(Tenant.code, Plan.year, Plan.half, Plan.status, Plan.kind, Plan.field)
            .join(Tenant, Tenant.id == Plan.tenant_id)
            .order_by(Tenant.id, Plan.year, Plan.id)
        ).all()
        annual = [
            (code, year, status.value)
            for code, year, half, status, kind, _ in plans
            if half is None and kind == "annual"
        ]
        half_plans = [(code, year, half, status.value) for code, year, half, status, _, _ in plans if half]
        joint_plans = [
            (code, year, field, status.value) for code, year, _, status, kind, field in plans if kind == "joint"
        ]
        campaigns = db.session.execute(
            sa.select(Tenant.code, Campaign.code, Campaign.title, Campaign.status)
            .join(Tenant, Tenant.id == Campaign.tenant_id)
            .order_by(Tenant.id, Campaign.id)
        )
        listed = [
            (code, number or "未编号", title, status.value)  # a draft has no code yet
            for code, number, title, status in campaigns
        ]
    return {
        "entities": entities,
        "departments": departments,
        "levels": where.levels(),
        "place": place,
        "rulebook": rulebook_title,
        "upper": where.upper[1],
        "upper_rules": upper_title,
        "plans": annual,
        "half_plans": half_plans,
        "joint_plans": joint_plans,
        "campaigns": listed,
        "joint": joint_summary(),
    }


def joint_summary() -> list[JointRow]:
    """The demo's joint campaigns, each read in its lead's department (市场监管局, or a field's lead):
    code, departments, visits made beside the visits separate draws would need."""
    out: list[JointRow] = []
    for lead in db.session.scalars(sa.select(Tenant.id).order_by(Tenant.id)):
        with tenant_scope(lead):
            for campaign in db.session.scalars(
                sa.select(Campaign).where(Campaign.joint.is_(True), Campaign.tenant_id == lead)
            ):
                saving = figures.savings(campaign)
                out.append(
                    {
                        "id": campaign.id,
                        "code": campaign.code,
                        "title": campaign.title,
                        "departments": [part["name"] for part in (campaign.joint_parts or {}).values()]
                        or list(
                            db.session.scalars(
                                sa.select(JointParticipant.department_name)
                                .where(JointParticipant.campaign_id == campaign.id)
                                .order_by(JointParticipant.id)
                            )
                        ),
                        "status": str(CAMPAIGN_STATUS.get(campaign.status.value, campaign.status.value)),
                        "visits": saving.visits if saving else None,
                        "checks": saving.checks if saving else None,
                        "separate": saving.separate if saving else None,
                        "saved": saving.saved if saving else None,
                    }
                )
    out.sort(key=lambda row: row["id"])
    return out
