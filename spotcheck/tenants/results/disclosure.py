"""公布特定对象检查: a named check's businesses, teams and inspector proof are published once every visit has
ended — its team has left the business (离企), or its result has been submitted where no 离企 is recorded — so
that a check made on a complaint is not announced ahead (:func:`spotcheck.tenants.campaigns.queries.public.withheld`).
Called by the commands that end a visit, in their transaction."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.tenants.campaigns import inspection_counts
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.results.models import InspectionCode, Visit


def still_open(campaign_id: int) -> int:
    """How many of the campaign's visits have neither a recorded 离企 nor a submitted result."""
    return db.session.execute(
        sa.select(sa.func.count())
        .select_from(Visit)
        .outerjoin(InspectionCode, InspectionCode.visit_id == Visit.id)
        .where(Visit.campaign_id == campaign_id, InspectionCode.left_at.is_(None), Visit.first_submitted_at.is_(None))
    ).scalar_one()


def disclose_when_done(visit: Visit, *, actor: Actor) -> None:
    """After ``visit`` ended: publish its named campaign once no visit is still open. The campaign's row is
    locked first, so two visits ending at once cannot both miss the last one."""
    if not visit.campaign.named or visit.campaign.disclosed_at is not None:
        return
    db.session.flush()
    campaign = get_campaign(visit.campaign_id, for_update=True)
    if campaign.disclosed_at is None and not still_open(campaign.id):
        campaign.disclosed_at = now()
        inspection_counts.disclosed(campaign)
        audit.record(
            "campaign.disclosed",
            "campaign",
            campaign.id,
            actor=actor,
            details={"code": campaign.code, "after_visit": visit.id},
        )
