"""The demo's withdrawn campaign (撤销): 商务局 approved a check of single-purpose prepaid cards,
froze its frame, then its leader cancelled it with the reason — the commitment and the frozen
frame stay published, the public page says 已撤销 with the reason, and no draw can follow."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import user_named
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.items.models import Item

DEPARTMENT = "SWJ"
TITLE = "{year}年单用途商业预付卡发卡企业专项检查（住宿餐饮业）"
REASON = (
    "市商务局与市场监管局已将住宿餐饮业单用途商业预付卡检查纳入本年第四季度联合抽查，为避免对同一企业重复检查，"
    "本任务撤销，其承诺值与冻结的名单依规保留公示。"
)


def build(tenants: dict[str, Tenant], *, year: int) -> None:
    """Create, approve, freeze and cancel the campaign once (found by its title afterwards)."""
    title = TITLE.format(year=year)
    with tenant_scope(tenants[DEPARTMENT].id):
        if db.session.scalar(sa.select(Campaign.id).where(Campaign.year == year, Campaign.title == title)):
            return
        planner, leader = user_named("swj_planner"), user_named("swj_leader")
        rules = {s: {"ratio_bp": r, "min": 1} for s, r in zip("ABCD", (800, 600, 500, 500), strict=True)}
        campaign = campaign_commands.create_campaign(
            {
                "title": title,
                "year": year,
                "method": "document",
                "target_filter": {"categories": ["住宿服务", "居民服务业"], "entity_types": ["enterprise"]},
                "item_ids": list(
                    db.session.scalars(sa.select(Item.id).where(Item.name == "单用途商业预付卡发卡企业检查"))
                ),
                "strata": {**rules, "flagged": {"ratio_bp": 2000, "min": 1}},
                "reserve_size": 2,
                "team_size": 2,
                "capacity": 3,
                "window_start": f"{year}-12-10",
                "window_end": f"{year}-12-31",
            },
            actor=planner,
        )
        campaign_commands.approve(campaign.id, actor=leader)
        campaign_commands.freeze_targets(campaign.id, actor=planner)
        campaign_commands.cancel(campaign.id, {"reason": REASON}, actor=leader)
