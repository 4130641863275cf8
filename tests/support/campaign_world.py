"""A small department ready to draw: entities in its directory, a published item, inspectors,
and a plan of 2026, published and filed (built through the services, as a department would).

The world keeps to itself beside the demo data of the template database: its directory
entries have their own category and its item and inspectors their own enforcement category.
"""

from __future__ import annotations

import random
from datetime import date, datetime

import sqlalchemy as sa
from stdnum.cn import ric, uscc

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import TenantKind
from spotcheck.tenants.accounts.queries import bureau_of, nearest_of_kind
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import CampaignTarget, TargetStatus
from spotcheck.tenants.directory import commands as directory, jurisdiction, queries as directory_queries
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.plans import commands as plans
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.rules.rulebook import rules_for
from tests.support.helpers import user_named
from tests.support.snapshots import snapshotted

CATEGORY = "测试危化类"
QUALIFICATION = "culture"  # an enforcement category no demo inspector holds
#: What a published item states (seeds 000, 001, 004): its basis, body, targets, content, methods,
#: ratio and frequency.
ITEM_BASICS = {
    "legal_basis": "《中华人民共和国安全生产法》第六十五条",
    "checking_body": "市应急管理局",
    "target_type": "危险化学品企业",
    "content": "安全生产许可条件保持、重大危险源管控",
    "methods": ["onsite"],
    "ratio_bp": 500,
    "frequency_times": 1,
    "frequency_period": "year",
}
#: Each risk class sampled no less than every lower one (the national floor: 国市监信发〔2022〕6号; and 宁安市's
#: 加大抽查力度), all ratios so that they compare.
STRATA = {
    "A": {"ratio_bp": 3000, "min": 2},
    "B": {"ratio_bp": 1000, "min": 1},
    "C": {"ratio_bp": 1000, "min": 1},
    "D": {"ratio_bp": 500, "min": 1},
}


def credit_code(number: int) -> str:
    # GB 32100's check (python-stdnum's) does not look at the organisation code's own check character (GB 11714):
    # "0" there keeps the codes these tests have always used.
    body = f"91330100MA{number:06d}0"
    return body + uscc.calc_check_digit(body)


def id_number(number: int) -> str:
    body = f"33010219900101{number:03d}"
    return body + ric.calc_check_digit(body + "0")


def _reached(tenant_id: int, codes: list[str]) -> bool:
    """Whether the businesses of ``codes`` the registry holds are all of department ``tenant_id``'s branch (管辖)."""
    held = db.session.scalars(sa.select(Entity).where(Entity.code.in_(codes)))
    return all(jurisdiction.reaches(tenant_id, entity) for entity in held)


@snapshotted
def build(
    department: str = "yjj",
    *,
    entities: int = 40,
    inspector_count: int = 8,
    file_plan: bool = True,
    first_code: int | None = None,
    place: str | None = None,
):
    """Returns a dict of ids; call inside an app context. ``first_code``: where its businesses' codes start (by
    default 0 for 应急管理局, 500 for any other department); ``place``: the region code its businesses are located
    at (by default its own region's: 管辖, a department reaches only the businesses of its branch), registered by the
    market-regulation lead of that place (or the nearest above it)."""
    admin = user_named(f"{department}_admin")
    place = place or admin.tenant.region.code
    lead_department = nearest_of_kind(TenantKind.lead, regions.by_code(place).id)
    lead = user_named(f"{lead_department.code.lower()}_admin")
    bureau = bureau_of(admin.tenant_id)  # the plan is filed with the bureau of the department's region (or above)
    supervisor = user_named(f"{bureau.code.lower()}_supervisor" if bureau is not None else "sfj_supervisor")
    planner, leader = user_named(f"{department}_planner"), user_named(f"{department}_leader")
    with tenant_scope(lead.tenant_id):
        start = first_code if first_code is not None else (0 if department == "yjj" else 500)
        codes = [credit_code(n + start) for n in range(entities)]
        while first_code is None and not _reached(admin.tenant_id, codes):  # another place's world took them
            start += 1000
            codes = [credit_code(n + start) for n in range(entities)]
        for n, code in enumerate(codes):
            if db.session.scalar(sa.select(Entity.id).where(Entity.code == code)) is None:
                directory.create_entity(
                    {"code": code, "name": f"测试危化企业{n}", "industry_code": "C2611", "region_code": place},
                    actor=lead,
                )
        db.session.commit()
    rng = random.Random(7)
    with tenant_scope(admin.tenant_id):
        for code in codes:
            directory.add_entry(
                {
                    "risk": rng.choice("ABCD"),
                    "category": CATEGORY,
                    "entity_id": directory_queries.entity_by_code(code).id,
                },
                actor=admin,
            )
        item = items.create_item(
            {
                **ITEM_BASICS,
                "name": "危险化学品安全生产检查",
                "inspector_categories": [QUALIFICATION],
                "field": "other",
            },
            actor=admin,
        )
        items.publish_item(item.id, actor=admin)
        for k in range(inspector_count):
            inspectors.create_inspector(
                {
                    "name": f"检查员{k}",
                    "sex": "男",
                    "post": "科员",
                    "id_number": id_number(k + (0 if department == "yjj" else 100)),
                    "agency": "应急管理局",
                    "cert_no": f"{department.upper()}-{k:04d}",
                    "categories": [QUALIFICATION],
                },
                actor=admin,
            )
        plan = plans.create_plan({"year": 2026, "half": None, "title": "2026年度行政执法检查计划"}, actor=planner)
        plans.set_line(
            plan.id,
            {
                "item_id": item.id,
                "ratio_bp": 500,
                "frequency_times": 1,
                "frequency_period": "year",
                "months": [3, 4],
                "methods": ["onsite"],
            },
            actor=planner,
        )
        plans.publish(plan.id, actor=leader)
        filed_here = bool(rules_for(admin.tenant_id, date(2026, 1, 1)).filing_authorities)  # 城口县 asks no filing
        if filed_here:
            plans.submit(plan.id, actor=leader)
        db.session.commit()
        ids = {"item": item.id, "plan": plan.id, "tenant": admin.tenant_id, "codes": codes}
    if file_plan and filed_here:
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan.id, {"accept": True, "comment": "同意备案"}, actor=supervisor)
            db.session.commit()
    return ids


def campaign_data(world, **overrides):
    return {
        "title": "危化企业双随机抽查",
        "year": 2026,
        "item_ids": [world["item"]],
        "strata": STRATA,
        "window_start": "2026-03-01",
        "window_end": "2026-04-30",
        "reserve_size": 2,
        "capacity": 3,
        "target_filter": {"categories": [CATEGORY]},
        **overrides,
    }


def planner_of(user):
    """The demo planner of ``user``'s department (writes plans and campaigns, runs the ceremony)."""
    return user_named(f"{user.tenant.code.lower()}_planner")


def leader_of(user):
    """The demo leader of ``user``'s department (approves campaigns, submits and publishes plans)."""
    return user_named(f"{user.tenant.code.lower()}_leader")


def frozen_campaign(world) -> int:
    """YJJ's campaign of ``world`` created, approved and its frame locked (锁定抽取范围): ready to draw."""
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))
        db.session.commit()
        return campaign.id


def drawn_together(campaign_ids: list[int], planner) -> set[int]:
    """The approved campaigns ``campaign_ids`` drawn on 10 February 2026, every frame frozen before any draws (each
    sees a business below its cap), committed: the businesses every one of them selected."""
    for minute, campaign_id in enumerate(campaign_ids):
        with frozen_at(datetime(2026, 2, 10, 9, minute, tzinfo=SHANGHAI)):
            campaign_commands.freeze_targets(campaign_id, actor=planner)
    for minute, campaign_id in enumerate(campaign_ids, 10):
        with frozen_at(datetime(2026, 2, 10, 9, minute, tzinfo=SHANGHAI)):
            campaign_commands.draw_targets(campaign_id, {"public_inputs": ["observer:测试"]}, actor=planner)
    db.session.commit()
    selected = sa.select(CampaignTarget.entity_id).where(CampaignTarget.status == TargetStatus.selected)
    return set.intersection(
        *[set(db.session.scalars(selected.where(CampaignTarget.campaign_id == c))) for c in campaign_ids]
    )
