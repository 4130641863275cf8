"""The visit a command works on (检查), loaded and locked inside the command's transaction, and
the campaign's step that follows its visits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, get_row, in_chunks
from spotcheck.core.errors import NotFoundError
from spotcheck.tenants.campaigns import transitions
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import VisitStatus


def locked_visit(visit_id: int) -> Visit:
    """The department's visit, locked and read afresh (NotFoundError otherwise)."""
    return get_row(Visit, visit_id, _l("No such visit."), for_update=True)


def locked_campaign(campaign_id: int) -> Campaign:
    """The department's campaign, locked and read afresh (NotFoundError otherwise)."""
    return get_row(Campaign, campaign_id, _l("No such campaign."), for_update=True)


def locked_visits(visit_ids: list[int], *, follow_ups: bool = False) -> dict[int, Visit]:
    """The department's visits of ``visit_ids`` (those it has), locked and read afresh in one query
    with their results (``follow_ups``: and those), in id order: a bulk step of thousands of rows
    locks them in one round trip."""
    loads = [selectinload(Visit.results), *([selectinload(Visit.follow_ups)] if follow_ups else [])]
    found: dict[Any, Any] = {}
    for chunk in in_chunks(visit_ids):
        found.update(
            (visit.id, visit)
            for visit in db.session.scalars(
                sa.select(Visit)
                .where(Visit.id.in_(chunk))
                .order_by(Visit.id)
                .options(*loads)
                .with_for_update(of=Visit, key_share=True)
                .execution_options(populate_existing=True)
            )
        )
    return found


def one_of(visits: dict[int, Visit], visit_id: int) -> Visit:
    """A visit of a bulk step's selection (NotFoundError, as for a single visit, when it is not the department's)."""
    if visit_id not in visits:
        raise NotFoundError(_l("No such visit."))
    return visits[visit_id]


def named(visit_id: int) -> str:
    """How a person knows a visit in a bulk step's refusals: the entity's name and code."""
    visit = db.session.get(Visit, visit_id)
    return f"{visit.entity.name}（{visit.entity.code}）" if visit is not None else str(_l("Visit %(id)s", id=visit_id))


def advance(campaign: Campaign, *, actor: Actor, by: str) -> None:
    """Move the campaign on once all its visits are approved (results in) or published, by the approving or
    publishing command ``by``."""
    statuses = set(db.session.scalars(sa.select(Visit.status).where(Visit.campaign_id == campaign.id)))
    reached = None
    if statuses and statuses <= {VisitStatus.published}:
        reached = CampaignStatus.published
    elif statuses and statuses <= {VisitStatus.approved, VisitStatus.published}:
        reached = CampaignStatus.results_in
    if reached is not None and campaign.status != reached:
        transitions.move(campaign, reached, actor=actor, by=by)
