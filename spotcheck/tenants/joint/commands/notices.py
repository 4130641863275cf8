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
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.joint import codes as joint_codes
from spotcheck.tenants.joint.queries import get_joint
from spotcheck.tenants.joint.visits import team_of, teams as mixed_teams, visit_groups
from spotcheck.tenants.notices import delivery, documents
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
from spotcheck.tenants.results.models import Visit


@command(Permission.JOINT_MANAGE)
def write_joint_notices(
    campaign_id: int, data: dict | None = None, *, actor: Actor, progress: Callable[..., None] = lambda *p, **k: None
) -> dict:
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
        raise InvalidInputError({"campaign": [_l("The visits are not handed to the teams yet.")]})
    tenant, teams = campaign.tenant, mixed_teams(campaign)
    done = set(db.session.scalars(sa.select(Notice.subject).where(Notice.campaign_id == campaign.id)))
    window = documents.window(campaign.window_start, campaign.window_end)
    contact = contact_of(actor, tenant)
    entities = {
        entity.id: entity
        for entity in db.session.scalars(sa.select(Entity).where(Entity.id.in_(list(groups))).order_by(Entity.code))
    }
    missing = [entity for entity_id, entity in entities.items() if _subject(campaign, entity_id) not in done]
    now_written = batch_of(missing, data)
    written = {"inspection": 0, "assignment": 0, "told": 0}
    before = len(entities) - len(missing)
    progress(int(60 * before / max(len(entities), 1)), done=before, total=len(entities))
    number = numberer(tenant, NoticeKind.inspection, len(now_written))
    checks = joint_codes.printed(campaign) if now_written else {}  # the joint visit's code, for the business
    for n, entity in enumerate(now_written, before + 1):
        notice = store(
            tenant,
            NoticeKind.inspection,
            _subject(campaign, entity.id),
            number(),
            f"联合{TITLES[NoticeKind.inspection]}：{entity.name}",
            "inspection",
            **_inspection(campaign, entity, groups[entity.id], teams.get(entity.id, []), checks, window, contact),
        )
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
                own = cast(
                    Campaign, db.session.scalar(sa.select(Campaign).where(Campaign.id == part["part_campaign_id"]))
                )
                told = assignments(own, visits_handed_out(own), teams_of(own), items_of(own), window, contact)
                written["assignment"] += told["assignment"]
                written["told"] += told["told"]
                in_all["assignment"] += told["in_all"]
    audit.record(
        "notices.written",
        "campaign",
        campaign.id,
        actor=actor,
        details={"inspection": written["inspection"], "assignment": written["assignment"]},
    )
    return {**written, "remaining": remaining, **({"in_all": in_all} if in_all else {})}


def _subject(campaign: Campaign, entity_id: int) -> str:
    return notice_subject(campaign.id, entity_id)


def notice_subject(joint_id: int, entity_id: int) -> str:
    """What a joint visit's inspection notice is about (its ``subject``; a notice written again after the team
    changed: this, then ``:team:<member>``)."""
    return f"joint:{joint_id}:entity:{entity_id}"


def _inspection(
    campaign: Campaign,
    entity: Entity,
    drawn_by: list[str],
    team: list[TeamMember],
    checks: dict,
    window: str,
    contact: str,
) -> dict:
    """What a joint inspection notice says of one visit: every department that checks there with its
    items, the mixed team (组长 first) and the visit's code."""
    parts = campaign.joint_parts or {}
    return {
        "entity": entity,
        "campaign": campaign,
        "window": window,
        "contact": contact,
        "items": [
            {"department": parts[group]["name"], "name": item["name"], "content": ""}
            for group in drawn_by
            for item in parts[group].get("items", [])
        ],
        "team": [
            {
                "name": m.inspector_name,
                "cert_no": m.cert_no,
                "leader": m.is_leader,
                "department": parts.get(m.group_code, {}).get("name", m.group_code),
            }
            for m in team
        ],
        "departments": [parts[group]["name"] for group in drawn_by],
        "check": checks.get(entity.id),
    }


def tell_the_new_team(campaign: Campaign, new: TeamMember, *, actor: Actor) -> Notice | None:
    """A member of a handed-out joint visit's mixed team replaced (``new``: the one coming): the business
    gets a new inspection notice naming the new team, with the visit's code, in place of the one written
    (检查组变更; none when the campaign's notices are not written yet: they will name the team as it is);
    the one coming gets their assignment notice in their department when they have none for this campaign;
    and every member of the new team who has an account is told in the inbox (站内信), in each
    department's scope. Returns the new inspection notice."""
    entity = cast(Entity, db.session.get(Entity, new.entity_id))  # a member's visit: its entity exists
    drawn_by = visit_groups(campaign).get(entity.id, [])
    team = team_of(campaign, entity.id)
    window, contact = documents.window(campaign.window_start, campaign.window_end), contact_of(actor, campaign.tenant)
    first = db.session.scalar(
        sa.select(Notice).where(Notice.kind == NoticeKind.inspection, Notice.subject == _subject(campaign, entity.id))
    )
    notice = None
    if first is not None:
        notice = store(
            campaign.tenant,
            NoticeKind.inspection,
            f"{_subject(campaign, entity.id)}:team:{new.id}",
            numberer(campaign.tenant, NoticeKind.inspection)(),
            f"联合{TITLES[NoticeKind.inspection]}（检查组变更）：{entity.name}",
            "inspection",
            replaces=first.number,
            **_inspection(
                campaign, entity, drawn_by, team, joint_codes.printed(campaign, [entity.id]), window, contact
            ),
        )
        notice.campaign_id = campaign.id
        db.session.flush()
    names = "、".join(m.inspector_name + ("（组长）" if m.is_leader else "") for m in team)
    told = 0
    for group in drawn_by:
        part = (campaign.joint_parts or {})[group]
        with tenant_scope(part["tenant_id"]):
            own = cast(Campaign, db.session.get(Campaign, part["part_campaign_id"]))  # an approved part
            visit = db.session.scalar(sa.select(Visit).where(Visit.campaign_id == own.id, Visit.entity_id == entity.id))
            pairs = teams_of(own).get(entity.id, [])
            if visit is None:
                continue
            if group == new.group_code:
                told += assignments(
                    own, [visit], {entity.id: pairs}, items_of(own), window, contact, only={new.inspector_id}
                )["told"]
            told += delivery.tell_team(
                pairs,
                purpose=f"joint:{campaign.id}:team:{new.id}",
                link=f"/visits/{visit.id}",
                subject=f"联合检查组变更：{entity.name}",
                body=f"联合抽查 {campaign.code}《{campaign.title}》对{entity.name}的检查，检查组成员已按抽取规则替换，"
                f"现为：{names}。" + (f"检查通知书：{notice.number}" if notice is not None else ""),
            )
    audit.record(
        "notices.team_changed",
        "campaign",
        campaign.id,
        actor=actor,
        details={"visit": entity.code, "inspection": notice.number if notice is not None else None, "told": told},
    )
    return notice
