"""Withdrawing a joint campaign (撤销联合抽查), as commands of the lead department.

* :func:`withdraw` — its coordinator withdraws a joint campaign in preparation, with the reason;
* :func:`return_joint` — the lead's leader returns one in preparation to the coordinator (退回);
* :func:`cancel` — the lead's leader cancels an approved one before its targets are drawn.

A joint campaign is never deleted: its number (文号) went out with the invitations, so it stays,
已撤销 with the reason. The departments' parts follow: each invitation and each part (a campaign of
the department's own) is marked withdrawn, written in that department.
"""

from __future__ import annotations

from typing import cast

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.commands.withdrawal import clean_reason, mark_withdrawn
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.joint import participant_transitions
from spotcheck.tenants.joint.participants import participants_of
from spotcheck.tenants.joint.policy import JOINT_ACTIONS
from spotcheck.tenants.joint.queries import get_joint
from spotcheck.tenants.joint.vocabulary import ParticipantStatus


def _parts_follow(campaign: Campaign, reason: str, actor: Actor, by: str) -> list[str]:
    """Every invitation still open or accepted ends withdrawn; each part follows, in its department."""
    followed = []
    for participant in participants_of(campaign):
        if participant.status == ParticipantStatus.declined:
            continue
        participant_transitions.move(participant, ParticipantStatus.withdrawn)
        followed.append(participant.group_code)
        if participant.part_campaign_id is not None:
            with tenant_scope(participant.receiver_tenant_id):
                part = cast(Campaign, db.session.get(Campaign, participant.part_campaign_id))
                mark_withdrawn(part, reason, actor, by=by)
                db.session.flush()
    db.session.flush()
    return followed


def _withdraw(campaign_id: int, data: dict, actor: Actor, action: str) -> Campaign:
    campaign = get_joint(campaign_id, for_update=True)
    draw_of(campaign, "targets", for_update=True)
    JOINT_ACTIONS.require(campaign, actor, action)
    reason = clean_reason((data or {}).get("reason"))
    mark_withdrawn(campaign, reason, actor, by=f"joint.{action}")
    followed = _parts_follow(campaign, reason, actor, f"joint.{action}")
    audit.record(
        "joint.withdrawn",
        "campaign",
        campaign.id,
        actor=actor,
        details={"code": campaign.code, "reason": reason, "departments": followed},
    )
    return campaign


@command(Permission.JOINT_MANAGE)
def withdraw(campaign_id: int, data: dict, *, actor: Actor) -> Campaign:
    """The coordinator withdraws a joint campaign in preparation, with the reason (the invited
    departments see it withdrawn, their parts follow)."""
    return _withdraw(campaign_id, data, actor, "withdraw")


@command(Permission.CAMPAIGNS_APPROVE)
def cancel(campaign_id: int, data: dict, *, actor: Actor) -> Campaign:
    """The lead's leader cancels an approved joint campaign before its targets are drawn, with the
    reason: its commitment stays published, 已撤销, and no draw follows."""
    return _withdraw(campaign_id, data, actor, "cancel")


@command(Permission.CAMPAIGNS_APPROVE)
def return_joint(campaign_id: int, data: dict, *, actor: Actor) -> Campaign:
    """The lead's leader returns a joint campaign in preparation to its coordinator, with the reason."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "return")
    reason = clean_reason((data or {}).get("reason"))
    campaign.returned_at, campaign.returned_by_name, campaign.return_reason = now(), actor.display_name, reason
    audit.record("joint.returned", "campaign", campaign.id, actor=actor, details={"reason": reason})
    return campaign
