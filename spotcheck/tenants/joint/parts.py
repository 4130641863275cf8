"""What a change of a joint visit's mixed team (混合检查组) changes in the departments' parts, once the
visits are handed out: each department keeps, on its part, its own copy of its members of the team, and
one of them submits its result (the 组长 when of that department, else the one the coordinator names).
Everything here is written in the department's own scope; the mixed team itself is the lead's."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.joint.participants import parts_of


def part_team(part: dict, entity_id: int) -> list[TeamMember]:
    """A department's present members of one joint visit, on its part (read in the current scope, the
    department's)."""
    return list(
        db.session.scalars(
            sa.select(TeamMember)
            .where(
                TeamMember.campaign_id == part["part_campaign_id"],
                TeamMember.entity_id == entity_id,
                TeamMember.active.is_(True),
            )
            .order_by(TeamMember.position)
            .execution_options(populate_existing=True)
        )
    )


def submitter_of(campaign: Campaign, member: TeamMember) -> tuple[TeamMember | None, int]:
    """The department's copy of ``member`` (a member of the mixed team) on its part, and how many of the
    department's members are on that visit (``None``, 0 before the hand-out)."""
    part = parts_of(campaign)[member.group_code]
    with tenant_scope(part["tenant_id"]):
        own = part_team(part, member.entity_id)
    return next((m for m in own if m.inspector_id == member.inspector_id), None), len(own)


def submit_by(campaign: Campaign, member: TeamMember, *, actor: Actor) -> None:
    """``member`` submits their department's result of their joint visit."""
    part = parts_of(campaign)[member.group_code]
    with tenant_scope(part["tenant_id"]):
        for own in part_team(part, member.entity_id):
            own.is_leader = own.inspector_id == member.inspector_id
        db.session.flush()
        audit.record(
            "joint.submitter_designated",
            "campaign",
            part["part_campaign_id"],
            actor=actor,
            details={"joint": campaign.code, "visit": member.entity.code, "submitter": member.cert_no},
        )


def replace(campaign: Campaign, out: TeamMember, new: TeamMember, *, actor: Actor, reason: str) -> None:
    """The departments' parts follow a replacement on the mixed team: the member leaving is replaced on
    their department's part; the one coming joins their own department's part — the same department, or
    another (a member moving between two departments' parts). Whoever submitted a department's result
    and was its only member there is followed by the one coming, of the same department (DRAW-SPEC: a
    department never falls below its minimum of one)."""
    parts = parts_of(campaign)
    details = {
        "joint": campaign.code,
        "visit": out.entity.code,
        "out": out.cert_no,
        "in": new.cert_no,
        "out_department": parts[out.group_code]["name"],
        "in_department": parts[new.group_code]["name"],
        "reason": reason,
    }
    submitted = False
    leaving_part = parts[out.group_code]
    with tenant_scope(leaving_part["tenant_id"]):
        for own in part_team(leaving_part, out.entity_id):
            if own.inspector_id == out.inspector_id:
                own.active, own.replacement_reason, submitted = False, reason, own.is_leader
                own.is_leader = False
        db.session.flush()
        if new.group_code != out.group_code:
            audit.record(
                "joint.member_replaced", "campaign", leaving_part["part_campaign_id"], actor=actor, details=details
            )
    coming_part = parts[new.group_code]
    with tenant_scope(coming_part["tenant_id"]):
        db.session.add(
            TeamMember(
                campaign_id=coming_part["part_campaign_id"],
                entity_id=new.entity_id,
                inspector_id=new.inspector_id,
                position=new.position,
                inspector_name=new.inspector_name,
                cert_no=new.cert_no,
                group_code=new.group_code,
                is_leader=submitted and new.group_code == out.group_code,
            )
        )
        db.session.flush()
        audit.record("joint.member_replaced", "campaign", coming_part["part_campaign_id"], actor=actor, details=details)


def follow_leader(campaign: Campaign, leader: TeamMember, *, actor: Actor) -> None:
    """A joint visit's 组长 named anew after the hand-out: they submit their own department's result."""
    submit_by(campaign, leader, actor=actor)
