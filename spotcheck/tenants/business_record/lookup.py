"""Finding a business's visits across departments (企业检查档案的跨部门查找): the one read of its record outside a
department's scope — the (department, visit) pairs of its entity, every department of every level, and the stamps
(变更戳) of what its record is read from; nothing else of any row. Everything else is read in each department's own
scope (:mod:`.queries`), as the public code page does (:func:`spotcheck.tenants.results.code_lookup.locate`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.business_record.models import RecordStamp
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results.models import Visit

#: Why the record reads across departments (the scope's reason, as the audit trail names it).
REASON = "a business's own record: the visits of its entity in every department, then those departments' rows of them"


@dataclass(frozen=True)
class Found:
    """What the look-up found of a business: its visits' ids by department (检查部门), each department's in id order,
    and the stamps of everything its record is read from (:mod:`.models`), which any change of any of them changes:
    (kind, key, serial) in order."""

    visits: dict[int, list[int]]
    stamps: tuple[tuple[str, int, int], ...]


def find_visits(entity_id: int) -> Found:
    """The visits of entity ``entity_id`` by department, and the stamps of its record (its visits, their campaigns
    and joint campaigns, the business, the departments that check it or whose inspectors are on its teams, the
    rules and names every record reads): two statements in one scope."""
    with system_access(REASON):
        rows = db.session.execute(
            sa.select(Visit.tenant_id, Visit.id).where(Visit.entity_id == entity_id).order_by(Visit.tenant_id, Visit.id)
        ).all()
        visits = sa.select(Visit.id).where(Visit.entity_id == entity_id)
        campaigns = sa.select(Visit.campaign_id).where(Visit.entity_id == entity_id)
        joints = sa.select(Campaign.joint_id).where(Campaign.id.in_(campaigns), Campaign.joint_id.is_not(None))
        departments = sa.select(Visit.tenant_id).where(Visit.entity_id == entity_id)
        teams = (
            sa.select(Inspector.tenant_id)
            .join(TeamMember, TeamMember.inspector_id == Inspector.id)
            .where(TeamMember.entity_id == entity_id)
        )
        stamped = [
            sa.and_(RecordStamp.kind == "visit", RecordStamp.key.in_(visits)),
            sa.and_(RecordStamp.kind == "department", RecordStamp.key.in_(departments.union(teams))),
            sa.and_(RecordStamp.kind == "campaign", RecordStamp.key.in_(campaigns.union(joints))),
            sa.and_(RecordStamp.kind == "entity", RecordStamp.key == entity_id),
            sa.and_(RecordStamp.kind == "global", RecordStamp.key == 0),
        ]  # each its own part, read by the stamps' key: a province's millions of stamps are never scanned
        stamps = db.session.execute(
            sa.union_all(
                *(sa.select(RecordStamp.kind, RecordStamp.key, RecordStamp.serial).where(where) for where in stamped)
            )
        ).all()
    found: dict[int, list[int]] = defaultdict(list)
    for tenant_id, visit_id in rows:
        found[tenant_id].append(visit_id)
    return Found(dict(found), tuple(sorted((kind, int(key), int(serial)) for kind, key, serial in stamps)))
