"""办结 of a campaign, as a command: a campaign whose every result is published and no follow-up waits is
closed, and its visits with it (the guard, which needs its visits and their follow-ups:
:data:`spotcheck.tenants.results.policy.CAMPAIGN_STEPS`; the move: :mod:`spotcheck.tenants.campaigns.transitions`)."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import transitions
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.results.commands._visits import locked_campaign
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS


@command(Permission.CAMPAIGNS_EDIT)
def close_campaign(campaign_id: int, data: object = None, *, actor: Actor) -> Campaign:
    """办结: a campaign whose every result is published and no follow-up open is closed, and its visits with it."""
    campaign = locked_campaign(campaign_id)
    CAMPAIGN_STEPS.require(campaign, actor, "close")
    transitions.move(campaign, CampaignStatus.closed, actor=actor, by="results.close_campaign")
    db.session.execute(
        sa.update(Visit).where(Visit.campaign_id == campaign.id, Visit.closed_at.is_(None)).values(closed_at=now())
    )
    audit.record("campaign.closed", "campaign", campaign.id, actor=actor)
    events.emit("campaign.closed", actor=actor, campaign=campaign)
    return campaign
