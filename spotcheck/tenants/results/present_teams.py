"""A visit's present team (检查组的现有成员): its members not replaced, the 组长 first, then in pick order — read
once per visit, or for many visits at once where a page lists them (:func:`teams_read_together`), so that
asking what each visit allows costs no query per visit and action; who of them a reader is (:func:`membership`,
:func:`leads_team`, in SQL :func:`on_team_of_visit`), and who waits to be replaced after a recusal."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, in_chunks
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import recusals
from spotcheck.tenants.results.models import Visit


def team_query(visit: Visit) -> sa.Select:
    """The visit's present team (replaced members left out), the 组长 first, then in pick order."""
    return (
        sa.select(TeamMember)
        .where(
            TeamMember.campaign_id == visit.campaign_id,
            TeamMember.entity_id == visit.entity_id,
            TeamMember.active.is_(True),
        )
        .order_by(TeamMember.is_leader.desc(), TeamMember.position)
    )


def teams_of(visits: Sequence[Visit]) -> dict[tuple[int, int], list[TeamMember]]:
    """The present teams of ``visits`` by (campaign, entity), each as :func:`team_query` orders it,
    in one query per campaign (and 2,000 visits)."""
    by_campaign: dict[int, set[int]] = {}
    for visit in visits:
        by_campaign.setdefault(visit.campaign_id, set()).add(visit.entity_id)
    teams: dict[tuple[int, int], list[TeamMember]] = {}
    for campaign_id, entity_ids in by_campaign.items():
        for chunk in in_chunks(sorted(entity_ids)):
            for member in db.session.scalars(
                sa.select(TeamMember)
                .where(
                    TeamMember.campaign_id == campaign_id, TeamMember.active.is_(True), TeamMember.entity_id.in_(chunk)
                )
                .order_by(TeamMember.entity_id, TeamMember.is_leader.desc(), TeamMember.position)
                .options(selectinload(TeamMember.inspector))
            ):  # whose account each member is: asked next
                teams.setdefault((campaign_id, member.entity_id), []).append(member)
    return teams


#: Inside :func:`teams_read_together`: the present teams of the visits a page lists.
_known_teams: ContextVar[dict | None] = ContextVar("spotcheck_known_teams", default=None)


@contextmanager
def teams_read_together(visits: Sequence[Visit]) -> Iterator[None]:
    """A read that asks what each of many visits allows (a list, the to-dos): their teams are read
    at once, not once per visit and action. Never around a command: a team it changes is read anew."""
    token = _known_teams.set(teams_of(visits))
    try:
        with recusals.read_together(visits):  # and the joint visits' members waiting to be replaced
            yield
    finally:
        _known_teams.reset(token)


def present_team(visit: Visit) -> list[TeamMember]:
    """The visit's present team (:func:`team_query`)."""
    known = _known_teams.get()
    if known is not None:
        return known.get((visit.campaign_id, visit.entity_id), [])
    return list(db.session.scalars(team_query(visit)))


def membership(visit: Visit, actor: Actor) -> TeamMember | None:
    """The actor's place on the visit's team (through their linked inspector entry), or ``None``."""
    user_id = getattr(actor, "id", None)
    if user_id is None:
        return None
    return next(
        (
            member
            for member in present_team(visit)
            if (inspector := cast(Inspector | None, member.inspector)) is not None  # None: a list RLS hides
            and inspector.user_id == user_id
        ),
        None,
    )


def leads_team(visit: Visit, actor: Actor) -> bool:
    """Whether ``actor`` is the visit's 组长 (through their linked inspector entry)."""
    member = membership(visit, actor)
    return member is not None and member.is_leader


def on_team_of_visit(reader: Actor) -> sa.ColumnElement:
    """SQL: the visit's present team counts ``reader`` (through their linked inspector entry)."""
    user_id = getattr(reader, "id", None)
    if user_id is None:
        return sa.false()
    return sa.exists(
        sa.select(TeamMember.id)
        .join(Inspector, Inspector.id == TeamMember.inspector_id)
        .where(
            TeamMember.campaign_id == Visit.campaign_id,
            TeamMember.entity_id == Visit.entity_id,
            TeamMember.active.is_(True),
            Inspector.user_id == user_id,
        )
    )


def recused_members(visit: Visit) -> list[TeamMember]:
    """The members who declared a conflict (回避) after the draw and are not replaced yet: of the team, or
    of the whole mixed team of a joint visit, whichever department's part (:mod:`.recusals`)."""
    return recusals.waiting(visit, [] if visit.campaign.joint_id is not None else present_team(visit))
