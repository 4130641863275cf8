"""The demo's draw frozen before blinding (盲化前冻结的抽取): 应急管理局's March check of hazardous chemicals companies
had its frame frozen in March by the platform as it was before blinded draws (spotcheck-draw/3), and was drawn after
the upgrade by that frame's version, ``spotcheck-draw/1``. Its proof names every business beside its risk class or
the flagged stratum, so it was withdrawn from public view at its draw (隐去明细, audited ``draw.redacted``): the
public page offers the redacted proof, which verifies and keeps the original's SHA-256; 应急管理局 and its bureau
(司法局) download and verify the full one. Its inspector draw, committed after the upgrade, is blinded as any new one.

The frame is frozen through the commands, then stored as a deployment before blinding froze it (its clear frame the
published one, no blinding key): the trail still shows the key committed at the approval and the blinded digest at
the freeze, which that deployment would not have written.
"""

from __future__ import annotations

import hashlib
from contextlib import AbstractContextManager
from datetime import date, datetime, time

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import user_named
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, Draw
from spotcheck.tenants.items.models import Item

DEPARTMENT = "YJJ"
TITLE = "{year}年3月危险化学品企业安全生产“双随机”检查"
ITEM = "危险化学品企业安全生产检查"
CATEGORIES = ["危险化学品生产", "危险化学品经营", "危险化学品储存运输"]
#: When each step was taken (month, day, hour): approved, frozen (before the upgrade), drawn (after it).
APPROVED, FROZEN, DRAWN = (3, 2, 9), (3, 4, 10), (3, 9, 10)


def build(tenants: dict[str, Tenant], *, year: int, today: date) -> None:
    """Create, approve, freeze (as before blinding) and draw the campaign once (found by its title afterwards),
    then draw its teams (blinded) and name their leaders."""
    title = TITLE.format(year=year)
    with tenant_scope(tenants[DEPARTMENT].id):
        if db.session.scalar(sa.select(Campaign.id).where(Campaign.year == year, Campaign.title == title)):
            return
        planner, leader = user_named("yjj_planner"), user_named("yjj_leader")

        def on(month: int, day: int, hour: int) -> AbstractContextManager[object]:
            """That moment of the year, or today's 9:00 when it is still to come."""
            return clock.frozen_at(min(datetime.combine(date(year, month, day), time(hour)), _at_nine(today)))

        with on(*APPROVED):
            campaign = campaign_commands.create_campaign(
                {
                    "title": title,
                    "year": year,
                    "method": "onsite",
                    "target_filter": {"categories": CATEGORIES},
                    "item_ids": list(db.session.scalars(sa.select(Item.id).where(Item.name == ITEM))),
                    "strata": {
                        **{s: {"ratio_bp": r, "min": 1} for s, r in zip("ABCD", (3000, 2000, 1000, 500), strict=True)},
                        "flagged": {"ratio_bp": 4000, "min": 1},
                    },
                    "reserve_size": 2,
                    "team_size": 2,
                    "capacity": None,
                    "window_start": f"{year}-03-10",
                    "window_end": f"{year}-03-31",
                },
                actor=planner,
            )
            campaign_commands.approve(campaign.id, actor=leader)
        with on(*FROZEN):
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            _as_before_blinding(campaigns.draw(campaign, "targets"))
        with on(*DRAWN):
            inputs = ["observer:市人大代表 马某 0309", "observer:应急管理志愿者协会 吴某 1762"]
            campaign_commands.draw_targets(campaign.id, {"public_inputs": inputs}, actor=planner)
            campaign_commands.freeze_inspectors(campaign.id, actor=planner)
            campaign_commands.draw_inspectors(campaign.id, {"public_inputs": inputs[:1]}, actor=planner)
            campaign_commands.designate_leaders(
                campaign.id, {"rule": "first_drawn", "only_missing": True}, actor=planner
            )


def _at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9))


def _as_before_blinding(record: Draw | None) -> None:
    """The frozen draw as a deployment before blinding froze it: no blinding key, its clear frame the published one."""
    assert record is not None  # committed at the approval
    clear = draw_steps.read_clear(record)["frame_file"].encode("utf-8")
    record.blind_key_encrypted = record.blind_commitment = record.clear_encrypted = record.clear_sealed = None
    record.frame_file, record.frame_digest = clear, hashlib.sha256(clear).hexdigest()
    db.session.flush()
