"""Reading a visit's team after the draw (检查组): its experts (专家), who joined after the
inspection notice was written, and one visit's team as its page shows it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NotRequired, TypedDict

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import NotFoundError
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TargetStatus, TeamExpert, TeamMember
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import EXPERT_KINDS


def visit_of(campaign_id: int, entity_id: int) -> Visit | None:
    return db.session.scalar(sa.select(Visit).where(Visit.campaign_id == campaign_id, Visit.entity_id == entity_id))


class TeamView(TypedDict):
    """One visit's team as its page and the API show it (:func:`team_view`)."""

    target: CampaignTarget
    members: list[TeamMember]
    recusals: dict[int, Recusal]
    experts: list[TeamExpert]
    visit: Visit | None
    #: The experts who joined after the visit's inspection notice: expert id → the notice's number (the
    #: notices' queries add it).
    after_notice: NotRequired[dict[int, str]]


def selected_target(campaign: Campaign, entity_id: object) -> CampaignTarget:
    target = (
        db.session.scalar(
            sa.select(CampaignTarget).where(
                CampaignTarget.campaign_id == campaign.id,
                CampaignTarget.entity_id == entity_id,
                CampaignTarget.status == TargetStatus.selected,
            )
        )
        if is_row_id(entity_id)
        else None
    )
    if target is None:
        raise NotFoundError(_l("This entity is not a visit of the campaign."))
    return target


def directory_experts() -> list[Inspector]:
    """The experts (专家) of the department's inspector directory who are active."""
    return list(
        db.session.scalars(
            sa.select(Inspector)
            .where(Inspector.is_expert.is_(True), Inspector.active.is_(True))
            .order_by(Inspector.name)
        )
    )


def get_expert(campaign_id: int, expert_id: int) -> TeamExpert:
    """An expert of the campaign's teams (NotFoundError for another campaign's)."""
    expert = get_row(TeamExpert, expert_id, _l("No such expert."))
    if expert.campaign_id != campaign_id:
        raise NotFoundError(_l("No such expert."))
    return expert


def experts_of(
    campaign: Campaign, entity_ids: Iterable[int] | None = None, *, removed: bool = False
) -> dict[int, list[TeamExpert]]:
    """The experts of the campaign's visits (``entity_ids``: those only), in the order they joined;
    ``removed``: those who left too."""
    query = sa.select(TeamExpert).where(TeamExpert.campaign_id == campaign.id)
    if entity_ids is not None:
        wanted = list(entity_ids)
        if not wanted:
            return {}
        query = query.where(TeamExpert.entity_id.in_(wanted))
    if not removed:
        query = query.where(TeamExpert.removed_at.is_(None))
    out: dict[int, list[TeamExpert]] = {}
    for expert in db.session.scalars(query.order_by(TeamExpert.entity_id, TeamExpert.id)):
        out.setdefault(expert.entity_id, []).append(expert)
    return out


def experts_of_visit(visit: Visit) -> list[TeamExpert]:
    return experts_of(visit.campaign, [visit.entity_id]).get(visit.entity_id, [])


def public_expert(expert: TeamExpert) -> dict:
    """What a document or the public register keeps of an expert (no personal data)."""
    return {
        "name": expert.name,
        "organisation": expert.organisation,
        "kind": EXPERT_KINDS[expert.kind.value],
        "expert": True,
    }


def team_view(campaign: Campaign, entity_id: object) -> TeamView:
    """One visit's team as its page shows it: the target, the drawn members in pick order (replaced
    ones included) with the conflicts declared against them, the experts (those who left too),, and the
    visit once handed out (which experts joined after its inspection notice: the notices' queries)."""
    target = selected_target(campaign, entity_id)
    members = list(
        db.session.scalars(
            sa.select(TeamMember)
            .where(TeamMember.campaign_id == campaign.id, TeamMember.entity_id == target.entity_id)
            .order_by(TeamMember.position, TeamMember.id)
        )
    )
    ids = [m.recusal_id for m in members if m.recusal_id is not None]
    recusals = {r.id: r for r in db.session.scalars(sa.select(Recusal).where(Recusal.id.in_(ids)))} if ids else {}
    experts = experts_of(campaign, [target.entity_id], removed=True).get(target.entity_id, [])
    return {
        "target": target,
        "members": members,
        "recusals": recusals,
        "experts": experts,
        "visit": visit_of(campaign.id, target.entity_id),
    }
