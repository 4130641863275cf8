"""Campaigns of the test world taken through the draw ceremony (抽取仪式) by its planner and leader:
up to a chosen step, or drawing every entity of the world."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps
from spotcheck.tenants.campaigns.models import CampaignTarget, Draw, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.snapshots import snapshotted

#: The observer's input at the target draws.
INPUT = "observer:人大代表 0301"
#: Strata that draw every entity of the world.
EVERYONE = {"A": {"count": 1000}, "B": {"count": 1000}, "C": {"count": 1000}, "D": {"count": 1000}}


@snapshotted
def campaign_through(world, *, stop: str):
    """A campaign of the world's department taken through the ceremony up to ``stop``: approved,
    frozen, targets, inspectors. Returns its id."""
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        db.session.commit()
        if stop in ("frozen", "targets", "inspectors"):
            campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))
            db.session.commit()
        if stop in ("targets", "inspectors"):
            campaign_commands.draw_targets(campaign.id, {"public_inputs": [INPUT]}, actor=planner_of(admin))
            db.session.commit()
        if stop == "inspectors":
            campaign_commands.freeze_inspectors(campaign.id, actor=planner_of(admin))
            db.session.commit()
            campaign_commands.draw_inspectors(
                campaign.id, {"public_inputs": ["observer:媒体记者"]}, actor=planner_of(admin)
            )
            db.session.commit()
        return campaign.id


def everyone_drawn(entities: int) -> tuple[int, dict[str, list[str]], dict[str, set[str]]]:
    """A campaign of a world of ``entities`` that draws every one of them, inspectors too.
    Returns its id, the entity codes by stratum in rank order, and each visit's team (cert numbers)."""
    world = build(entities=entities)
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign(
            campaign_data(world, strata=EVERYONE, capacity=None), actor=planner_of(admin)
        )
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))
        db.session.commit()
        campaign_commands.draw_targets(campaign.id, {"public_inputs": [INPUT]}, actor=planner_of(admin))
        db.session.commit()
        campaign_commands.freeze_inspectors(campaign.id, actor=planner_of(admin))
        db.session.commit()
        campaign_commands.draw_inspectors(
            campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner_of(admin)
        )
        db.session.commit()
        strata: dict[str, list[str]] = {}
        for stratum, code in db.session.execute(
            sa.select(CampaignTarget.stratum, Entity.code)
            .join(CampaignTarget.entity)
            .where(CampaignTarget.campaign_id == campaign.id)
            .order_by(CampaignTarget.stratum, CampaignTarget.rank)
        ):
            strata.setdefault(stratum, []).append(code)
        teams: dict[str, set[str]] = {}
        for code, cert_no in db.session.execute(
            sa.select(Entity.code, Inspector.cert_no)
            .join(TeamMember.entity)
            .join(Inspector, Inspector.id == TeamMember.inspector_id)
            .where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True))
        ):
            teams.setdefault(code, set()).add(cert_no)
        return campaign.id, strata, teams


def frozen_before_blinding(record: Draw) -> None:
    """The frozen draw as a deployment before blinded draws (spotcheck-draw/3) froze it: no blinding key, its clear
    frame the published one — drawn by its own version, and with no observer's input given a reason."""
    clear = draw_steps.read_clear(record)["frame_file"].encode("utf-8")
    record.blind_key_encrypted = record.blind_commitment = record.clear_encrypted = record.clear_sealed = None
    record.frame_file, record.frame_digest = clear, hashlib.sha256(clear).hexdigest()
