"""What a campaign's drawn teams still lack before the visits are handed out (交办前的检查组): a team leader
(组长) for every visit, and no member who declared a conflict (回避) left unreplaced — counted from the teams'
rows; the campaign's and the joint campaign's hand-out refuse until both are met. And, as a warning only, the
team leaders who have no account yet: handed out, they could not record their teams' results."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector


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


def leaders_without_account(campaign: Campaign) -> list[str]:
    """The names of the campaign's team leaders (组长) whose inspector entry has no linked account (无账号的组长),
    in name order: the hand-out warns about each by name."""
    return sorted({name for name, _group in unlinked_leaders(campaign)})


def unlinked_leaders(campaign: Campaign) -> list[tuple[str, str]]:
    """(name, group code) of each team leader (组长) of the campaign whose inspector entry has no linked account, in
    group and name order — as the current scope reads the inspectors (a joint campaign's: on the coordinator's path to
    the departments it invited)."""
    return [
        (name, group)
        for name, group in db.session.execute(
            sa.select(Inspector.name, TeamMember.group_code)
            .join(TeamMember, TeamMember.inspector_id == Inspector.id)
            .where(
                TeamMember.campaign_id == campaign.id,
                TeamMember.active.is_(True),
                TeamMember.is_leader.is_(True),
                Inspector.user_id.is_(None),
            )
            .distinct()
            .order_by(TeamMember.group_code, Inspector.name)
        )
    ]


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
