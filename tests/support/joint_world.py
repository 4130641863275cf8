"""A joint campaign of two departments (应急管理局 and 商务局) over overlapping directories, built
through the commands as the coordinator, planners and leaders would, up to the stage asked for."""

from __future__ import annotations

import random
from contextlib import nullcontext
from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import account_of
from spotcheck.tenants.directory import commands as directory, queries as directory_queries
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from tests.support.campaign_world import CATEGORY, build
from tests.support.helpers import user_named
from tests.support.leader_accounts import open_joint_leader_accounts
from tests.support.named_world import handed_out as named_handed_out
from tests.support.snapshots import snapshotted

STAGES = ("invited", "parts", "approved", "targets", "inspectors", "handed_out")
#: Half of each stratum: with every entity of 应急管理局 also in 商务局's directory, the joint draw's
#: visits stay below the expectation of separate draws by more than five standard deviations.
PART_STRATA = {stratum: {"ratio_bp": 5000, "min": 1} for stratum in "ABCD"}


@snapshotted
def world(
    stage: str = "handed_out",
    *,
    notices: bool = False,
    entities: int = 40,
    team_size: int = 2,
    departments: tuple[str, str] = ("yjj", "swj"),
    coordinator: str = "scj",
    first_code: int | None = None,
) -> dict:
    """Returns ids: the joint campaign, each department's participant row and part, the worlds.
    Without ``notices`` the hand-out writes no documents (domain events suspended: a test of
    something else does not pay for rendering the notices' PDFs). ``entities``: 应急管理局's
    directory, all of it also in 商务局's. ``team_size``: each mixed team's (3: a department may
    have two members at a visit, so a replacement may come from the other one). ``departments``: the two
    departments' login prefixes (the first in 应急管理局's place, the second in 商务局's; their worlds and parts are
    keyed by them), invited by ``coordinator``'s (the prefix of the coordinator's department: ``<it>_coord``,
    ``<it>_leader``); ``first_code``: where the first department's businesses' codes start."""
    first, second = departments
    codes = {} if first_code is None else {"first_code": first_code}
    # the businesses located where both departments reach them (管辖): the deeper department's region
    place = max((user_named(f"{d}_admin").tenant.region for d in departments), key=lambda r: r.depth).code
    yjj, swj = build(first, entities=entities, place=place, **codes), build(second, entities=5)
    swj_admin = user_named(f"{second}_admin")
    with tenant_scope(swj_admin.tenant_id):  # 商务局 also lists every entity of 应急管理局: the overlap
        rng = random.Random(11)
        for code in yjj["codes"]:
            directory.add_entry(
                {
                    "risk": rng.choice("ABCD"),
                    "category": CATEGORY,
                    "entity_id": directory_queries.entity_by_code(code).id,
                },
                actor=swj_admin,
            )
        db.session.commit()
    coord = user_named(f"{coordinator}_coord")
    with tenant_scope(coord.tenant_id):
        campaign = joint.create_joint(
            {
                "title": "危化与商贸联合抽查",
                "year": 2026,
                "window_start": "2026-03-01",
                "window_end": "2026-04-30",
                "team_size": team_size,
                "reserve_size": 2,
                "department_ids": [yjj["tenant"], swj["tenant"]],
            },
            actor=coord,
        )
    ids = {"campaign": campaign.id, first: yjj, second: swj, "participants": {}}
    for dept, part_world in ((first, yjj), (second, swj)):
        planner = user_named(f"{dept}_planner")
        with tenant_scope(planner.tenant_id):
            participant = db.session.scalar(
                db.select(JointParticipant).where(JointParticipant.campaign_id == campaign.id)
            )
            ids["participants"][dept] = participant.id
            if stage == "invited":
                continue
            joint.accept(participant.id, actor=planner)
            joint.save_part(
                participant.id,
                {"item_ids": [part_world["item"]], "strata": PART_STRATA, "target_filter": {"categories": [CATEGORY]}},
                actor=planner,
            )
            joint.approve_part(participant.id, actor=user_named(f"{dept}_leader"))
            ids[f"{dept}_part"] = participant.part_campaign_id
    if stage in ("invited", "parts"):  # parts: every department's part approved, the whole not yet
        return ids
    leader = user_named(f"{coordinator}_leader")
    with tenant_scope(leader.tenant_id):
        campaign = joint_queries.get_joint(ids["campaign"])
        joint.approve_joint(campaign.id, actor=leader)
        if STAGES.index(stage) >= STAGES.index("targets"):
            joint.freeze_targets(campaign.id, actor=coord)
            joint.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=coord)
        if STAGES.index(stage) >= STAGES.index("inspectors"):
            joint.freeze_inspectors(campaign.id, actor=coord)
            joint.draw_inspectors(campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=coord)
        if STAGES.index(stage) >= STAGES.index("handed_out"):
            for team in joint_queries.teams(campaign).values():
                joint.designate_leader(campaign.id, {"member_id": team[0].id}, actor=coord)
            db.session.commit()
            open_joint_leader_accounts(campaign.id, departments)
            with nullcontext() if notices else events.suspended():
                joint.hand_out(campaign.id, actor=coord)
    return ids


def reported(
    ids: dict, checked_on: str, *, published: tuple[str, ...] = ("yjj",), departments: tuple[str, ...] = ("yjj", "swj")
) -> None:
    """Every visit of the ``departments``' parts checked on site on ``checked_on`` and reported (报送): imported by the
    planner, confirmed by each team's 组长; the results of the departments ``published`` approved and published
    too, the others' left waiting for review. Call it with the clock on a day after ``checked_on``. ``ids``: each
    department's world (``ids[dept]["item"]``) and part (``ids[f"{dept}_part"]``), by its login prefix."""
    for dept in departments:
        planner, admin = user_named(f"{dept}_planner"), user_named(f"{dept}_admin")
        item = ids[dept]["item"]
        with tenant_scope(planner.tenant_id):
            visit_ids = list(
                db.session.scalars(
                    sa.select(Visit.id).where(Visit.campaign_id == ids[f"{dept}_part"]).order_by(Visit.id)
                )
            )
            given = {
                visit_id: {
                    "checked_on": checked_on,
                    "method": "onsite",
                    "record": "联合检查组现场检查。",
                    "evaluation": "未发现问题。",
                    "opinions": "继续保持。",
                    "items": {str(item): {"categories": ["no_problem"], "findings": ""}},
                }
                for visit_id in visit_ids
            }
            results.import_results(visit_ids, {"results": given}, actor=planner)
            for visit_id in visit_ids:
                chief = next(m for m in results_queries.team_of(db.session.get(Visit, visit_id)) if m.is_leader)
                results.submit_result(visit_id, actor=account_of(dept, chief.inspector, admin))
            if dept in published:
                results.approve_results(visit_ids, actor=user_named(f"{dept}_leader"))
                results.publish_results(visit_ids, actor=planner)
            db.session.commit()


@snapshotted
def checked_world() -> dict:
    """The joint campaign handed out and every visit of it checked on site on 10 April 2026 (:func:`reported`),
    and 商务局's own check of a business that joint visit checked — named on a complaint, checked on 20 April:
    two departments' checks within 30 days (短期内多部门重复检查). Adds ``repeated``: that business's code."""
    with frozen_at(date(2026, 2, 27)):
        ids = world("handed_out")
        with tenant_scope(ids["yjj"]["tenant"]):
            code = db.session.scalar(
                sa.select(Entity.code)
                .join(Visit, Visit.entity_id == Entity.id)
                .where(Visit.campaign_id == ids["yjj_part"])
                .order_by(Visit.id)
                .limit(1)
            )
        named = named_handed_out(ids["swj"], department="swj", codes=[code])
    with frozen_at(datetime(2026, 4, 20, 17, tzinfo=SHANGHAI)):
        reported(ids, "2026-04-10")
        chief = user_named("swj_inspector")
        with tenant_scope(named["tenant"]):
            results.record_result(
                named["visit"],
                {
                    "checked_on": "2026-04-20",
                    "method": "onsite",
                    "record": "核查投诉事项。",
                    "evaluation": "基本规范。",
                    "opinions": "无。",
                    "items": {str(ids["swj"]["item"]): {"categories": ["no_problem"], "findings": ""}},
                },
                actor=chief,
            )
            results.submit_result(named["visit"], actor=chief)
            db.session.commit()
    return {**ids, "repeated": code}


def picture(ids: dict):
    """The joint campaign, its visits with the departments that drew each, and its mixed teams (the lead's rows)."""
    coord = user_named("scj_coord")
    with tenant_scope(coord.tenant_id):
        campaign = joint_queries.get_joint(ids["campaign"])
        return campaign, joint_queries.visit_groups(campaign), joint_queries.teams(campaign)


def part_visit(ids: dict, department: str, entity_id: int) -> Visit:
    """A department's visit (``department``: YJJ or SWJ) of its part of the joint visit at ``entity_id``
    (read in the department's scope)."""
    with tenant_scope(user_named(f"{department.lower()}_admin").tenant_id):
        return db.session.scalar(
            sa.select(Visit).where(Visit.campaign_id == ids[f"{department.lower()}_part"], Visit.entity_id == entity_id)
        )


def member_account(department: str, inspector_id: int):
    """The user account of a department's inspector (linked, or made and linked, as the demo does)."""
    admin = user_named(f"{department.lower()}_admin")
    with tenant_scope(admin.tenant_id):
        account = account_of(department.lower(), db.session.get(Inspector, inspector_id), admin)
        db.session.commit()
        return account
