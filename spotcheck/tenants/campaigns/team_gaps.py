"""What a campaign's drawn teams still lack before the visits are handed out (交办前的检查组): a team leader
(组长) for every visit, and no member who declared a conflict (回避) left unreplaced — counted from the teams'
rows; the campaign's and the joint campaign's hand-out refuse until both are met. And a 组长 with an account:
only the 组长 records 入企 and 离企, so the hand-out refuses while a team's 组长 has none (:func:`unled_teams`)."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector


def _unlinked_leaders(campaign: Campaign) -> tuple[sa.ColumnElement[bool], ...]:
    """The campaign's active team leaders (组长) whose inspector entry has no linked account, as conditions on a
    statement joining :class:`TeamMember` and :class:`Inspector`."""
    return (
        TeamMember.campaign_id == campaign.id,
        TeamMember.active.is_(True),
        TeamMember.is_leader.is_(True),
        Inspector.user_id.is_(None),
    )


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
                *_unlinked_leaders(campaign),
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


def unled_teams(campaign: Campaign) -> list[tuple[str, str, str]]:
    """(business name, 组长's name, group code) of each team whose 组长 has no linked account (无账号的组长), in
    business order — as the current scope reads the inspectors (a joint campaign's: on the coordinator's path to
    the departments it invited). Handed out, nobody of such a team could record 入企 or 离企."""
    return [
        (entity, name, group)
        for entity, name, group in db.session.execute(
            sa.select(Entity.name, Inspector.name, TeamMember.group_code)
            .join(TeamMember, TeamMember.entity_id == Entity.id)
            .join(Inspector, TeamMember.inspector_id == Inspector.id)
            .where(
                *_unlinked_leaders(campaign),
            )
            .order_by(Entity.code)
        )
    ]


def teams_named(unled: list[tuple[str, str, str]], limit: int = 10) -> str:
    """The teams of :func:`unled_teams` as a refusal names them: 「business（组长 name）」, the first ``limit``."""
    shown = "、".join(f"{entity}（组长 {name}）" for entity, name, _group in unled[:limit])
    return shown + (f" 等 {len(unled)} 个检查组" if len(unled) > limit else "")


def leaders_to_open(campaign: Campaign, group: str | None = None) -> list[tuple[int, str]]:
    """(inspector id, name) of each team leader (组长) of the campaign with no account, of the department's group
    ``group`` only if given (a joint campaign's mixed teams, read as that department), in name order: whose accounts
    the department's administrator opens (为这些组长开通账号)."""
    query = (
        sa.select(Inspector.id, Inspector.name)
        .join(TeamMember, TeamMember.inspector_id == Inspector.id)
        .where(
            *_unlinked_leaders(campaign),
            Inspector.active.is_(True),
        )
        .distinct()
        .order_by(Inspector.name, Inspector.id)
    )
    if group is not None:
        query = query.where(TeamMember.group_code == group)
    return [(inspector_id, name) for inspector_id, name in db.session.execute(query)]
