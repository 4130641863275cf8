"""The departments of a joint campaign (联合抽查的参加部门): those invited, in group order, where each stands
(invited, accepted, its part approved) and the parts the lead's leader approves — the lead's rows, read in its
scope."""

from __future__ import annotations

from contextlib import AbstractContextManager

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import Scope, cross_tenant
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.joint.vocabulary import ParticipantStatus


def participants_of(campaign: Campaign) -> list[JointParticipant]:
    """The departments invited to the joint campaign, in group order (the lead's rows)."""
    return list(
        db.session.scalars(
            sa.select(JointParticipant)
            .where(JointParticipant.campaign_id == campaign.id)
            .order_by(JointParticipant.group_code)
        )
    )


def pending(campaign: Campaign) -> list[JointParticipant]:
    """Departments that have not finished: invited (no answer) or accepted (part not approved)."""
    return [p for p in participants_of(campaign) if p.status in (ParticipantStatus.invited, ParticipantStatus.accepted)]


def approved_parts(campaign: Campaign) -> list[JointParticipant]:
    return [p for p in participants_of(campaign) if p.status == ParticipantStatus.approved]


def parts_of(campaign: Campaign) -> dict[str, dict]:
    """The departments' parts (group code → part, in group order): those the approval fixed on the
    campaign, or before it the parts approved so far (what the leader will approve)."""
    if campaign.joint_parts:
        return dict(sorted(campaign.joint_parts.items()))
    return dict(
        sorted(
            (
                p.group_code,
                {
                    "name": p.department_name,
                    "tenant_id": p.receiver_tenant_id,
                    "part_campaign_id": p.part_campaign_id,
                    **(p.part or {}),
                },
            )
            for p in approved_parts(campaign)
        )
    )


def reading_invited(parts: dict[str, dict], actor: Actor, reason: str) -> AbstractContextManager[Scope]:
    """The coordinator's cross-department path for a joint campaign (a draw's frame, a replacement's lists): the
    departments the campaign invited (``parts``, :func:`parts_of`), and no other."""
    departments = [part["tenant_id"] for part in parts.values()]
    return cross_tenant(actor, reason, permission=Permission.JOINT_MANAGE, departments=departments)
