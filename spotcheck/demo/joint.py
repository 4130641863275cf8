"""演示联合抽查: the joint campaign (联合抽查) of 市场监管局, 应急管理局 and 商务局 through every step,
and each department's first results in it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import city as demo_city
from spotcheck.demo.people import account_of, joint_leaders_linked, user_named
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit


def joint_campaign(tenants: dict[str, Tenant], *, year: int, today: date) -> None:
    """The joint campaign of 市场监管局, 应急管理局 and 商务局 (:data:`demo_city.JOINT_CAMPAIGN`), through
    every step as the people concerned take it: the coordinator creates and invites, each
    department's planner accepts and sets its part, its leader approves, the lead's leader approves
    the whole, the coordinator draws, names the leaders (the first drawn) and hands the visits out;
    then each department takes its first visits through the result's steps. Left as it is once it
    exists (found by title)."""
    spec, lead = demo_city.JOINT_CAMPAIGN, tenants["SCJ"]
    title = spec["title"].format(year=year)
    coord = user_named("scj_coord")
    with tenant_scope(lead.id):
        if db.session.scalar(sa.select(Campaign.id).where(Campaign.joint.is_(True), Campaign.title == title)):
            return
        first, last = spec["window"]
        campaign = joint.create_joint(
            {
                "title": title,
                "year": year,
                "window_start": f"{year}-{first}",
                "window_end": f"{year}-{last}",
                "team_size": spec["team_size"],
                "reserve_size": spec["reserve_size"],
                "method": "onsite",
                "department_ids": [tenants[code].id for code in spec["parts"]],
            },
            actor=coord,
        )
        campaign_id = campaign.id
    for code, part in spec["parts"].items():
        planner, leader = user_named(f"{code.lower()}_planner"), user_named(f"{code.lower()}_leader")
        with tenant_scope(tenants[code].id):
            invitation = cast(
                JointParticipant,
                db.session.scalar(
                    sa.select(JointParticipant).where(
                        JointParticipant.campaign_id == campaign_id,
                        JointParticipant.receiver_tenant_id == tenants[code].id,
                    )
                ),
            )
            joint.accept(invitation.id, actor=planner)
            joint.save_part(
                invitation.id,
                {
                    "item_ids": list(db.session.scalars(sa.select(Item.id).where(Item.name.in_(part["items"])))),
                    "target_filter": {"categories": part["categories"]},
                    "strata": part["strata"],
                },
                actor=planner,
            )
            joint.approve_part(invitation.id, actor=leader)
    with tenant_scope(lead.id):
        joint.approve_joint(campaign_id, actor=user_named("scj_leader"))
        joint.freeze_targets(campaign_id, actor=coord)
        joint.draw_targets(campaign_id, {"public_inputs": list(spec["observers"])}, actor=coord)
        joint.freeze_inspectors(campaign_id, actor=coord)
        joint.draw_inspectors(campaign_id, {"public_inputs": list(spec["inspector_observers"])}, actor=coord)
        campaign = joint_queries.get_joint(campaign_id)
        for team in joint_queries.teams(campaign).values():
            joint.designate_leader(campaign_id, {"member_id": team[0].id}, actor=coord)
        joint_leaders_linked(campaign)  # the hand-out waits for every 组长's account, in their own department
        joint.hand_out(campaign_id, actor=coord)
        groups = joint_queries.visit_groups(campaign)
        parts = dict(cast(dict[str, Any], campaign.joint_parts))  # a joint campaign has its parts
    if campaign.window_start >= today:
        return
    everyone = sorted(entity for entity, drawn_by in groups.items() if len(drawn_by) == len(parts))
    for code, part in parts.items():
        with tenant_scope(part["tenant_id"]):
            _joint_results(code.lower(), part["part_campaign_id"], everyone, today=today)
    with tenant_scope(lead.id):  # the 组长 now linked to accounts are told of their assignment (nothing written twice)
        joint.write_joint_notices(campaign_id, actor=coord)


def _joint_results(code: str, part_campaign_id: int, first_entities: list[int], *, today: date) -> None:
    """A department's results in the joint campaign: its visits of the entities every department
    drew first, then the rest, through :data:`demo_city.JOINT_RESULT_STAGES` — recorded and
    submitted by its member who leads its part of the team, approved by its leader, published by
    its planner."""
    planner, leader, admin = user_named(f"{code}_planner"), user_named(f"{code}_leader"), user_named(f"{code}_admin")
    part = cast(Campaign, db.session.get(Campaign, part_campaign_id))
    order = {entity: n for n, entity in enumerate(first_entities)}
    visits = sorted(
        db.session.scalars(sa.select(Visit).where(Visit.campaign_id == part.id)),
        key=lambda v: (order.get(v.entity_id, len(order)), v.id),
    )
    for number, (visit, stage) in enumerate(zip(visits, demo_city.JOINT_RESULT_STAGES, strict=False)):
        chief = account_of(code, next(m for m in results_queries.team_of(visit) if m.is_leader).inspector, admin)
        checked = min(part.window_start + timedelta(days=2 * number + 3), today)
        results.record_result(
            visit.id,
            {
                "checked_on": checked.isoformat(),
                "method": "onsite",
                "record": "联合检查组进入加油站，各部门按本部门事项同步检查，一次完成。",
                "evaluation": "本部门事项未发现问题，安全管理制度落实。",
                "opinions": "继续保持，按规定开展自查。",
                "items": {str(item.id): {"categories": ["no_problem"], "findings": ""} for item in part.items},
            },
            actor=chief,
        )
        if stage == "drafted":
            continue
        results.submit_result(visit.id, actor=chief)
        if stage == "submitted":
            continue
        results.approve_result(visit.id, actor=leader)
        if stage == "approved":
            continue
        results.publish_results([visit.id], actor=planner)


def large_joint_campaign(tenants: dict[str, Tenant], *, year: int) -> int:
    """An enlarged demo's joint campaign (:data:`demo_city.LARGE_JOINT_CAMPAIGN`), created by its
    field's lead coordinator and left at its invitation: each department answers and sets its part, and the
    campaign is taken to published results through the pages. Returns its id (found by title)."""
    spec = demo_city.LARGE_JOINT_CAMPAIGN
    lead, title = tenants[spec["lead"]], spec["title"].format(year=year)
    with tenant_scope(lead.id):
        found = db.session.scalar(sa.select(Campaign.id).where(Campaign.joint.is_(True), Campaign.title == title))
        if found:
            return found
        first, last = spec["window"]
        return joint.create_joint(
            {
                "title": title,
                "year": year,
                "window_start": f"{year}-{first}",
                "window_end": f"{year}-{last}",
                "team_size": spec["team_size"],
                "reserve_size": spec["reserve_size"],
                "method": "onsite",
                "field": spec["field"],
                "department_ids": [tenants[code].id for code in spec["departments"]],
            },
            actor=user_named(f"{spec['lead'].lower()}_coord"),
        ).id
