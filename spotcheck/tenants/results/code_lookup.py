"""Finding an inspection code across departments (检查码查找): by the token or typed characters the
public holds (who names no department), and a joint visit's one code from any department's part of it.
The only reads of codes outside a department's scope, each for exactly that row."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from spotcheck.core.clock import as_utc
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results.models import InspectionCode, Visit
from spotcheck.tenants.results.vocabulary import TYPED_LENGTH, normalise_typed


def locate(token: str | None, typed: str | None = None) -> tuple[int, int] | None:
    """(department, visit) of a code, by its token or its typed characters."""
    if token is not None:
        if not 16 <= len(token) <= 32:
            return None
        where = InspectionCode.token == token
    else:
        typed = normalise_typed(typed or "")
        if len(typed) != TYPED_LENGTH:
            return None
        where = InspectionCode.typed == typed
    with system_access("an inspection code looked up by the public, who names no department"):
        row = db.session.execute(sa.select(InspectionCode.tenant_id, InspectionCode.visit_id).where(where)).first()
    return None if row is None else (row.tenant_id, row.visit_id)


def door_arrival(visit: Visit) -> datetime | None:
    """When the team arrived (入企) for ``visit``, by its own code or — for a joint part's visit — by the joint
    visit's one code, kept with the visit of the department whose inspector leads the mixed team (组长);
    ``None`` where no arrival is recorded (or there is no code). Nothing else of the other department's row is read."""
    if visit.code is not None or visit.campaign.joint_id is None:
        arrived = None if visit.code is None else visit.code.arrived_at
        return None if arrived is None else as_utc(arrived)
    with system_access("the 入企 of a joint visit, recorded by the department of its team leader"):
        arrived = db.session.scalar(
            sa.select(InspectionCode.arrived_at)
            .join(Visit, Visit.id == InspectionCode.visit_id)
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .where(Campaign.joint_id == visit.campaign.joint_id, Visit.entity_id == visit.entity_id)
        )
    return None if arrived is None else as_utc(arrived)
