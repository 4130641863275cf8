"""What a campaign's drawn teams still lack before the visits are handed out (交办前的检查组): a team leader
(组长) for every visit, and no member who declared a conflict (回避) left unreplaced — counted from the teams'
rows; the campaign's and the joint campaign's hand-out refuse until both are met."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.directory.models import Entity


def visits_without_leader(campaign: Campaign) -> int:
    """How many drawn visits of the campaign have no team leader (组长) yet."""
    led = sa.select(TeamMember.entity_id).where(
        TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True), TeamMember.is_leader.is_(True)
    )
    return db.session.execute(
        sa.select(sa.func.count(sa.distinct(TeamMember.entity_id))).where(
            TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True), TeamMember.entity_id.not_in(led)
        )
    ).scalar_one()


def visits_with_recusal(campaign: Campaign) -> list[Entity]:
    """The entities of the visits whose team still has a member who declared a conflict (回避)."""
    return list(
        db.session.scalars(
            sa.select(Entity)
            .join(TeamMember, TeamMember.entity_id == Entity.id)
            .where(
                TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True), TeamMember.recusal_id.is_not(None)
            )
            .distinct()
            .order_by(Entity.code)
        )
    )
