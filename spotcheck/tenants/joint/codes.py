"""A joint visit's inspection code (联合检查的检查码, 国办发〔2024〕54号 “进一次门、查多项事”): one code per
joint visit, whatever the number of departments checking there. It is kept with the visit of the
department whose inspector leads the mixed team (组长) — the one who records 入企 and 离企 at the door —
and printed on the joint inspection notice the lead department issues. A joint visit gets its code
only when every department's part may lawfully take place and every member of the mixed team holds a
valid enforcement certificate."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.joint.participants import parts_of
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest, Visit


def door_groups(mixed: dict[int, list[TeamMember]]) -> dict[int, str]:
    """Each joint visit (entity id) with the department (group) of its 组长 (else its first member)."""
    return {
        entity_id: next((m.group_code for m in members if m.is_leader), members[0].group_code)
        for entity_id, members in mixed.items()
        if members
    }


def issue(campaign: Campaign, mixed: dict[int, list[TeamMember]], groups: dict[int, list[str]], day: date) -> int:
    """Give each joint visit handed out its code (on the 组长's department's visit) where every
    department's part and team allow it; how many were given. Each part is read in its own department."""
    parts = parts_of(campaign)
    lawful = set(groups)
    for group, part in parts.items():
        with tenant_scope(part["tenant_id"]):
            own = db.session.get(Campaign, part["part_campaign_id"])
            refusal = codes.campaign_refusal(own) if own is not None else "no part"
            team = codes.teams_of(part["part_campaign_id"])
            lawful -= {
                entity_id
                for entity_id, drawn_by in groups.items()
                if group in drawn_by
                and (refusal is not None or codes.team_refusal(team.get(entity_id, []), day) is not None)
            }
    door = door_groups(mixed)
    issued = 0
    for group, part in parts.items():
        here = [entity_id for entity_id in lawful if door.get(entity_id) == group]
        if not here:
            continue
        with tenant_scope(part["tenant_id"]):
            visits = list(
                db.session.scalars(
                    sa.select(Visit).where(Visit.campaign_id == part["part_campaign_id"], Visit.entity_id.in_(here))
                )
            )
            issued += codes.issue(visits, day)
    return issued


def printed(campaign: Campaign, entity_ids: list[int] | None = None) -> dict[int, dict]:
    """Each joint visit's code (of ``entity_ids`` only, if given) as the joint inspection notice prints it
    (entity id → QR, code, business code)."""
    found: dict[int, dict] = {}
    for part in parts_of(campaign).values():
        with tenant_scope(part["tenant_id"]):
            query = sa.select(Visit).where(Visit.campaign_id == part["part_campaign_id"])
            if entity_ids is not None:
                query = query.where(Visit.entity_id.in_(entity_ids))
            for visit in db.session.scalars(query):
                if visit.code is not None:
                    found[visit.entity_id] = codes.printed(visit.code)
    return found


#: What a code keeps when it follows the 组长 to another department's visit: all but its row's keys.
_KEPT = [
    attr.key for attr in sa.inspect(InspectionCode).column_attrs if attr.key not in ("id", "visit_id", "tenant_id")
]


def follow_leader(campaign: Campaign, entity_id: int, group: str, *, actor: Actor) -> bool:
    """A joint visit whose 组长 is now of the department ``group``: its code goes to that department's
    visit (the one who records 入企 and 离企 at the door), unchanged — the QR and the code printed on the
    notice, the business's code, the scans and the times recorded. Whether it moved."""
    parts = parts_of(campaign)
    kept: dict | None = None
    for held_by, part in parts.items():
        if held_by == group:
            continue
        with tenant_scope(part["tenant_id"]):
            code = db.session.scalar(
                sa.select(InspectionCode)
                .join(Visit, Visit.id == InspectionCode.visit_id)
                .where(Visit.campaign_id == part["part_campaign_id"], Visit.entity_id == entity_id)
            )
            if code is None:
                continue
            kept, old, before = {key: getattr(code, key) for key in _KEPT}, code.visit, held_by
            db.session.delete(code)
            db.session.flush()
            db.session.expire(old, ["code"])
            old_visit, visit_code = old.id, old.entity.code
        break
    if kept is None:
        return False
    with tenant_scope(parts[group]["tenant_id"]):
        visit = db.session.scalar(
            sa.select(Visit).where(Visit.campaign_id == parts[group]["part_campaign_id"], Visit.entity_id == entity_id)
        )
        if visit is None:  # the 组长's department drew the entity: its visit exists once handed out
            raise LookupError(entity_id)
        db.session.add(InspectionCode(visit_id=visit.id, **kept))
        db.session.flush()
        db.session.expire(visit, ["code"])
        new_visit = visit.id
    with tenant_scope(campaign.tenant_id):  # the businesses' requests kept by the lead follow the code
        db.session.execute(
            sa.update(RecusalRequest)
            .where(RecusalRequest.visit_id == old_visit)
            .values(visit_id=new_visit)
            .execution_options(synchronize_session="fetch")
        )
        audit.record(
            "joint.code_moved",
            "campaign",
            campaign.id,
            actor=actor,
            details={"visit": visit_code, "code_from": parts[before]["name"], "code_to": parts[group]["name"]},
        )
    return True
