"""A joint campaign's visits (联合检查对象) and mixed teams (混合检查组), as read by the commands,
the figures and the queries; and the visit list a page at a time (联合检查对象名单)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TargetStatus, TeamMember
from spotcheck.tenants.common.queries import NumberedPage
from spotcheck.tenants.directory.models import Entity

PER_PAGE = 50


def visit_groups(campaign: Campaign) -> dict[int, list[str]]:
    """Each visit (entity id) of the joint campaign with the departments that drew it, in group order."""
    groups: dict[int, list[str]] = {}
    for entity_id, group in db.session.execute(
        sa.select(CampaignTarget.entity_id, CampaignTarget.group_code)
        .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
        .order_by(CampaignTarget.group_code, CampaignTarget.stratum, CampaignTarget.rank)
    ):
        groups.setdefault(entity_id, []).append(group)
    return groups


def teams(campaign: Campaign) -> dict[int, list[TeamMember]]:
    """The mixed teams by visit (entity id): present members, the leader first, then in pick order."""
    out: dict[int, list[TeamMember]] = {}
    for member in db.session.scalars(
        sa.select(TeamMember)
        .where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True))
        .order_by(TeamMember.entity_id, TeamMember.is_leader.desc(), TeamMember.position)
    ):
        out.setdefault(member.entity_id, []).append(member)
    return out


def team_of(campaign: Campaign, entity_id: int) -> list[TeamMember]:
    """One visit's mixed team: present members, the leader first, then in pick order."""
    return list(
        db.session.scalars(
            sa.select(TeamMember)
            .where(
                TeamMember.campaign_id == campaign.id, TeamMember.entity_id == entity_id, TeamMember.active.is_(True)
            )
            .order_by(TeamMember.is_leader.desc(), TeamMember.position)
        )
    )


def visit_page(groups: dict[int, list[str]], page: int, per_page: int = PER_PAGE) -> NumberedPage | None:
    """Page ``page`` of the visits (entities in code order; ``groups``: entity id → departments, as
    :func:`visit_groups` gives them); ``None`` before the target draw, NotFoundError past the last page."""
    if not groups:
        return None
    total = len(groups)
    pages = max(1, -(-total // per_page))
    if not 1 <= page <= pages:
        raise NotFoundError(_l("No such page."))
    rows = db.session.scalars(
        sa.select(Entity)
        .where(Entity.id.in_(list(groups)))
        .order_by(Entity.code)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return NumberedPage(rows=rows, number=page, pages=pages, total=total, per_page=per_page)
