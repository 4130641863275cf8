"""Draws made before blinding (盲化前的抽取, spotcheck-draw/1 and /2) in the test world: YJJ's campaign frozen as a
deployment before version 3 froze it, drawn by its version — before this change too (nothing withdrawn at its draw,
as the upgrade then finds it), or after it (withdrawn at its draw)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns, redaction
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors import commands as inspector_commands
from spotcheck.tenants.inspectors.models import Inspector
from tests.support.campaign_world import STRATA, campaign_data, leader_of, planner_of
from tests.support.ceremony_world import INPUT, frozen_before_blinding
from tests.support.helpers import user_named

#: Every risk class and the flagged stratum (on the world's rulebook: flagged sampled more than every class).
FLAGGED_RULES = {**STRATA, "flagged": {"ratio_bp": 5000, "min": 2}}


def old_campaign(
    world, *, before_the_upgrade: bool = False, strata=FLAGGED_RULES, target_filter=None, inspectors: bool = False
) -> int:
    """YJJ's campaign of ``world`` frozen before blinding, each draw frozen and drawn by its version (1 for targets;
    with ``inspectors``, 2 for its teams, after a recusal declared against one of its visits); ``before_the_upgrade``:
    drawn by the code before the withdrawal of such proofs too (nothing withdrawn at the draw). Returns its id."""
    admin = user_named("yjj_admin")
    planner = planner_of(admin)
    overrides = {"strata": strata} | ({"target_filter": target_filter} if target_filter else {})
    with pytest.MonkeyPatch.context() as code_then, tenant_scope(admin.tenant_id):
        if before_the_upgrade:
            code_then.setattr(redaction, "withdraw_if_revealing", lambda *args, **kwargs: None)
        campaign = campaign_commands.create_campaign(campaign_data(world, **overrides), actor=planner)
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        campaign_commands.freeze_targets(campaign.id, actor=planner)
        frozen_before_blinding(campaigns.draw(campaigns.get_campaign(campaign.id), "targets"))
        db.session.commit()
        campaign_commands.draw_targets(campaign.id, {"public_inputs": [INPUT]}, actor=planner)
        db.session.commit()
        if inspectors:
            selected = campaigns.draw(campaigns.get_campaign(campaign.id), "targets").proof["selected"]["YJJ"]
            visit = next(code for codes in selected.values() for code in codes)
            first = db.session.scalar(sa.select(Inspector.id).order_by(Inspector.cert_no))
            inspector_commands.declare_recusal(
                first, {"entity_code": visit, "reason": "其配偶在该企业任职"}, actor=admin
            )
            campaign_commands.freeze_inspectors(campaign.id, actor=planner)
            frozen_before_blinding(campaigns.draw(campaigns.get_campaign(campaign.id), "inspectors"))
            db.session.commit()
            campaign_commands.draw_inspectors(campaign.id, {"public_inputs": ["observer:媒体记者"]}, actor=planner)
            db.session.commit()
        return campaign.id


def flag_some(world, count: int = 6, **flags) -> None:
    """The world's first ``count`` businesses flagged (a complaint by default)."""
    with system_access("test: flag businesses in the registry"):
        db.session.execute(
            sa.update(Entity).where(Entity.code.in_(world["codes"][:count])).values(**(flags or {"complaints": 2}))
        )
        db.session.commit()
