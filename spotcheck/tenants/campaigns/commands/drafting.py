"""Drafting and approving a campaign (抽查任务的起草与批准), as commands: a draft within a filed plan
(or of an exempt kind), changed while it is a draft, approved by a leader — its code (文号) issued
and its target draw committed. The checks are in :mod:`spotcheck.tenants.campaigns.checking`.
"""

from __future__ import annotations

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import draws, named, transitions
from spotcheck.tenants.campaigns.checking import check_plan, clean_campaign, issue_code, recheck
from spotcheck.tenants.campaigns.in_force import keep_rules
from spotcheck.tenants.campaigns.inputs import values_of
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus


@command(Permission.CAMPAIGNS_EDIT)
def create_campaign(data: dict, *, actor: Actor) -> Campaign:
    """Draft a campaign: its items must all be in a filed plan of its year, unless it is of an exempt
    kind. A draft has no code yet (未编号): the code is issued when a leader approves it."""
    clean, errors = clean_campaign(data)
    check_plan(clean, errors)
    if errors:
        raise InvalidInputError(errors)
    items = clean.pop("items")
    campaign = Campaign(code=None, **clean)  # a draft
    campaign.items = items
    db.session.add(campaign)
    db.session.flush()
    audit.record(
        "campaign.created",
        "campaign",
        campaign.id,
        actor=actor,
        details={
            "title": campaign.title,
            "items": [i.code for i in items],
            "plan_id": campaign.plan_id,
            "exempt_kind": campaign.exempt_kind,
            "kind": campaign.kind,
            "named_targets": len(campaign.named_targets or []),
        },
    )
    return campaign


@command(Permission.CAMPAIGNS_EDIT)
def update_campaign(campaign_id: int, data: dict, *, actor: Actor) -> Campaign:
    """Change a draft campaign (an approved one is committed and cannot change)."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "edit")
    clean, errors = clean_campaign({**values_of(campaign), **data})
    check_plan(clean, errors)
    if errors:
        raise InvalidInputError(errors)
    campaign.items = clean.pop("items")
    for key, value in clean.items():
        setattr(campaign, key, value)
    audit.record("campaign.changed", "campaign", campaign.id, actor=actor, details={"fields": sorted(data)})
    return campaign


@command(Permission.CAMPAIGNS_APPROVE)
def approve(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Campaign:
    """A leader approves (批准): the rules are checked again, the campaign's code (文号) is issued, the
    rules in force kept with it, and the target draw is committed."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "approve")
    if errors := recheck(campaign):
        raise InvalidInputError(errors)
    if campaign.code is None:
        issue_code(campaign, campaign.tenant)
    transitions.move(campaign, CampaignStatus.approved, actor=actor, by="campaigns.approve")
    campaign.approved_at, campaign.approved_by_name = now(), actor.display_name
    keep_rules(campaign)
    if campaign.named:  # 特定对象检查: its targets registered now, only its inspectors drawn
        registered = named.register(campaign, actor=actor, by="campaigns.approve")
        audit.record(
            "campaign.targets_registered",
            "campaign",
            campaign.id,
            actor=actor,
            details={"targets": registered, "causes": sorted({t["cause"] for t in campaign.named_targets or []})},
        )
    else:
        draws.commit_draw(campaign, "targets", actor=actor)
    audit.record("campaign.approved", "campaign", campaign.id, actor=actor, details={"code": campaign.code})
    return campaign
