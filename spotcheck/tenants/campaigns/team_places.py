"""A team's places (检查组的位置): a replacement keeps the place of the member it replaces
(:func:`spotcheck.tenants.campaigns.commands.teams.replace_inspector`), so who took a member's place is the member
drawn into the same place after them."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import TeamMember


def successor(member: TeamMember) -> TeamMember | None:
    """The member who took ``member``'s place on its team (None: still in it, or no one drawn after them)."""
    if member.active:
        return None
    return db.session.scalar(
        sa.select(TeamMember)
        .where(
            TeamMember.campaign_id == member.campaign_id,
            TeamMember.entity_id == member.entity_id,
            TeamMember.position == member.position,
            TeamMember.id > member.id,
        )
        .order_by(TeamMember.id)
        .limit(1)
    )
