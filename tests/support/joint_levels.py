"""Joint checks across levels (跨层级联合抽查), in the two-county world (:mod:`tests.support.two_counties`): the city's
market-regulation lead coordinates a joint campaign of a city department (its 商务局), the first county's 应急管理局 and
the town's department, every department checking the same businesses; and a county's market-regulation lead, with its
coordinator, for the county's own joint campaigns.

Departments and regions are read from the dict the world returns (``world["tenants"]``, ``world["regions"]``), never
by literal codes of the tree.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import DEMO_PASSWORD
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.regions import queries as regions
from tests.support import joint_world, two_counties
from tests.support.campaign_world import CATEGORY, build
from tests.support.helpers import user_named
from tests.support.joint_world import PART_STRATA
from tests.support.leader_accounts import open_joint_leader_accounts
from tests.support.snapshots import snapshotted

#: The departments of the joint campaign across levels, by login prefix (their code in the world, lower case), and
#: the level each is at: the city's 商务局, the first county's 应急管理局, the town's department.
LEVELS = {
    two_counties.CODES[key].lower(): level for key, level in (("SWJ", "city"), ("SCYJJ", "county1"), ("QBJD", "town"))
}
#: The login prefix of the city's department in :data:`LEVELS`.
CITY_DEPT = two_counties.CODES["SWJ"].lower()
#: The county's coordinator (of its market-regulation lead).
COUNTY_COORD = "county1_coord"


def joint_data(department_ids: list[int], **overrides) -> dict:
    return {
        "title": "跨层级联合抽查",
        "year": 2026,
        "window_start": "2026-03-01",
        "window_end": "2026-04-30",
        "team_size": 2,
        "reserve_size": 2,
        "department_ids": department_ids,
        **overrides,
    }


def county_coordinator(world: dict) -> str:
    """The login of a coordinator of the first county's market-regulation lead (市场监督管理局): the county's lead
    found in the world, or one created there, with a coordinator user (管理员 → 协调员). Commits."""
    county = world["regions"]["county1"]
    lead = db.session.scalar(
        sa.select(Tenant).where(Tenant.kind == TenantKind.lead, Tenant.region_id == county, Tenant.active.is_(True))
    )
    if lead is None:
        lead = accounts.create_department(
            {
                "code": "C1SCJ",
                "name": "县级市场监督管理局",
                "kind": "lead",
                "region": county,
                "short_name": "县市监",
                "admin": {
                    "login": "c1scj_admin",
                    "display_name": "县级市场监督管理局管理员",
                    "password": DEMO_PASSWORD,
                },
            },
            actor=user_named("admin"),
        )
        db.session.commit()
    if user_named(COUNTY_COORD) is None:
        admin = user_named(f"{lead.code.lower()}_admin")
        with tenant_scope(lead.id):
            accounts.create_user(
                {
                    "login": COUNTY_COORD,
                    "display_name": f"{lead.name}协调员",
                    "password": DEMO_PASSWORD,
                    "roles": ["coordinator"],
                },
                actor=admin,
            )
            db.session.commit()
    return COUNTY_COORD


@snapshotted
def handed_out() -> dict:
    """The two counties; the city's 商务局, the first county's 应急管理局 and the town's department each with the
    same 40 businesses in its directory, a published item and a filed plan; the city's coordinator's joint campaign of
    the three, approved, drawn and handed out (on 27 February 2026). Returns the world (``world``), each
    department's (by login prefix), the campaign's id and each department's part (``<prefix>_part``)."""
    with frozen_at(date(2026, 2, 27)):
        world = two_counties.world()
        town = regions.get_region(world["regions"]["town"]).code  # where each of the three reaches them (管辖)
        ids: dict = {"world": world, **{dept: build(dept, place=town) for dept in LEVELS}}
        coord = user_named(world["logins"]["SCJ"]["coord"])
        with tenant_scope(coord.tenant_id):
            campaign = joint.create_joint(joint_data([ids[dept]["tenant"] for dept in LEVELS]), actor=coord)
            db.session.commit()
        ids["campaign"] = campaign.id
        for dept, part_world in ((dept, ids[dept]) for dept in LEVELS):
            planner = user_named(f"{dept}_planner")
            with tenant_scope(planner.tenant_id):
                participant = db.session.scalar(
                    sa.select(JointParticipant).where(JointParticipant.campaign_id == campaign.id)
                )
                joint.accept(participant.id, actor=planner)
                joint.save_part(
                    participant.id,
                    {
                        "item_ids": [part_world["item"]],
                        "strata": PART_STRATA,
                        "target_filter": {"categories": [CATEGORY]},
                    },
                    actor=planner,
                )
                joint.approve_part(participant.id, actor=user_named(f"{dept}_leader"))
                ids[f"{dept}_part"] = participant.part_campaign_id
                db.session.commit()
        leader = user_named(world["logins"]["SCJ"]["leader"])
        with tenant_scope(leader.tenant_id):
            joint.approve_joint(campaign.id, actor=leader)
            joint.freeze_targets(campaign.id, actor=coord)
            joint.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=coord)
            joint.freeze_inspectors(campaign.id, actor=coord)
            joint.draw_inspectors(campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=coord)
            for team in joint_queries.teams(joint_queries.get_joint(campaign.id)).values():
                joint.designate_leader(campaign.id, {"member_id": team[0].id}, actor=coord)
            db.session.commit()
            open_joint_leader_accounts(campaign.id, tuple(LEVELS))  # the hand-out waits for the 组长's accounts
            with events.suspended():  # no notices' PDFs
                joint.hand_out(campaign.id, actor=coord)
            db.session.commit()
    return ids


@snapshotted
def visited() -> dict:
    """:func:`handed_out`, then every visit checked on site on 10 April 2026 and every department's result published
    (on 20 April)."""
    ids = handed_out()
    with frozen_at(datetime(2026, 4, 20, 17, tzinfo=SHANGHAI)):
        joint_world.reported(ids, "2026-04-10", published=tuple(LEVELS), departments=tuple(LEVELS))
    return ids
