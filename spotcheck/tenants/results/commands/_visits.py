"""The visit a command works on (检查), loaded and locked inside the command's transaction, and
the campaign's step that follows its visits."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db, get_row
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import VisitStatus


def locked_visit(visit_id: int) -> Visit:
    """The department's visit, locked and read afresh (NotFound otherwise)."""
    return get_row(Visit, visit_id, _l("No such visit."), for_update=True)


def advance(campaign: Campaign) -> None:
    """Move the campaign on once all its visits are approved (results in) or published."""
    statuses = set(db.session.scalars(sa.select(Visit.status).where(Visit.campaign_id == campaign.id)))
    if statuses and statuses <= {VisitStatus.published}:
        campaign.status = CampaignStatus.published
    elif statuses and statuses <= {VisitStatus.approved, VisitStatus.published}:
        campaign.status = CampaignStatus.results_in
