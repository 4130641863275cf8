"""A joint campaign's documents (联合抽查文书), as a command: once it is handed out, one inspection
notice (检查通知书) per visit from the lead department, naming every department that checks there
with its items and the mixed team; then, in each department, the assignment notices (派遣通知) of
its inspectors — written with the steps of :mod:`spotcheck.tenants.notices.writing`."""
from __future__ import annotations

from collections.abc import Callable
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.joint import codes as joint_codes
from spotcheck.tenants.joint.queries import get_joint
from spotcheck.tenants.joint.visits import teams as mixed_teams, visit_groups
from spotcheck.tenants.notices import documents
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.vocabulary import TITLES, NoticeKind
from spotcheck.tenants.notices.writing import (
    assignments,
    batch_of,
    contact_of,
    items_of,
    numberer,
    store,
    teams_of,
    visits_handed_out,
)


@command(Permission.JOINT_MANAGE)
def write_joint_notices(campaign_id: int, data: dict | None = None, *, actor: Actor,
                        progress: Callable[..., None] = lambda *p, **k: None) -> dict:
    """A joint campaign handed out (联合抽查): one inspection notice per visit, issued by the lead
    department, naming every department that checks there with its items, and the mixed team;
    then each department's assignment notices to its own inspectors, written in that department
    (the coordinator writes them as the lead). Documents already written are left as they are.
    ``data["batch"]``: write at most that many inspection notices and say how many are
    ``remaining`` (the assignment notices come once none is). The counts are of the documents
    written now; once none remains, ``in_all`` counts those that exist."""
    campaign = get_joint(campaign_id)
    parts = dict(sorted((campaign.joint_parts or {}).items()))
    groups = visit_groups(campaign)
    if campaign.status.value not in ("notified", "in_progress", "results_in", "published", "closed") or not groups:
        raise ValidationFailed({"campaign": [_l("The visits are not handed to the teams yet.")]})
    tenant, teams = campaign.tenant, mixed_teams(campaign)
    done = set(db.session.scalars(sa.select(Notice.subject).where(Notice.campaign_id == campaign.id)))
    window = documents.window(campaign.window_start, campaign.window_end)
    contact = contact_of(actor, tenant)
    entities = {entity.id: entity for entity in db.session.scalars(
        sa.select(Entity).where(Entity.id.in_(list(groups))).order_by(Entity.code))}
    missing = [entity for entity_id, entity in entities.items() if _subject(campaign, entity_id) not in done]
    now_written = batch_of(missing, data)
    written = {"inspection": 0, "assignment": 0, "told": 0}
    before = len(entities) - len(missing)
    progress(int(60 * before / max(len(entities), 1)), done=before, total=len(entities))
    number = numberer(tenant, NoticeKind.inspection, len(now_written))
    checks = joint_codes.printed(campaign) if now_written else {}  # the joint visit's code, for the business
    for n, entity in enumerate(now_written, before + 1):
        items = [{"department": parts[group]["name"], "name": item["name"], "content": ""}
                 for group in groups[entity.id] for item in parts[group].get("items", [])]
        team = [{"name": m.inspector_name, "cert_no": m.cert_no, "leader": m.is_leader,
                 "department": parts.get(m.group_code, {}).get("name", m.group_code)} for m in teams.get(entity.id, [])]
        notice = store(tenant, NoticeKind.inspection, _subject(campaign, entity.id), number(),
                       f"联合{TITLES[NoticeKind.inspection]}：{entity.name}", "inspection", entity=entity,
                       campaign=campaign, window=window, items=items, team=team, contact=contact,
                       departments=[parts[group]["name"] for group in groups[entity.id]], check=checks.get(entity.id))
        notice.campaign_id = campaign.id
        written["inspection"] += 1
        if n % 20 == 0:
            progress(int(60 * n / len(entities)), done=n, total=len(entities))
    db.session.flush()
    remaining = len(missing) - len(now_written)
    in_all = {}
    if not remaining:
        in_all = {"inspection": len(entities), "assignment": 0}
        for _group, part in parts.items():  # each department tells its own inspectors
            with tenant_scope(part["tenant_id"]):
                own = cast(Campaign, db.session.scalar(sa.select(Campaign).where(Campaign.id == part["part_campaign_id"])))
                told = assignments(own, visits_handed_out(own), teams_of(own), items_of(own), window, contact)
                written["assignment"] += told["assignment"]
                written["told"] += told["told"]
                in_all["assignment"] += told["in_all"]
    audit.record("notices.written", "campaign", campaign.id, actor=actor,
                 details={"inspection": written["inspection"], "assignment": written["assignment"]})
    return {**written, "remaining": remaining, **({"in_all": in_all} if in_all else {})}


def _subject(campaign: Campaign, entity_id: int) -> str:
    return f"joint:{campaign.id}:entity:{entity_id}"
