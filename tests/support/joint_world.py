"""A joint campaign of two departments (应急管理局 and 商务局) over overlapping directories, built
through the commands as the coordinator, planners and leaders would, up to the stage asked for."""
from __future__ import annotations

import random
from contextlib import nullcontext

from spotcheck.core import events
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import commands as directory, queries as directory_queries
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.joint.models import JointParticipant
from tests.support.campaign_world import CATEGORY, build
from tests.support.helpers import user_named
from tests.support.snapshots import snapshotted

STAGES = ("invited", "parts", "approved", "targets", "inspectors", "handed_out")
#: Half of each stratum: with every entity of 应急管理局 also in 商务局's directory, the joint draw's
#: visits stay below the expectation of separate draws by more than five standard deviations.
PART_STRATA = {stratum: {"ratio_bp": 5000, "min": 1} for stratum in "ABCD"}


@snapshotted
def world(stage: str = "handed_out", *, notices: bool = False, entities: int = 40) -> dict:
    """Returns ids: the joint campaign, each department's participant row and part, the worlds.
    Without ``notices`` the hand-out writes no documents (domain events suspended: a test of
    something else does not pay for rendering the notices' PDFs). ``entities``: 应急管理局's
    directory, all of it also in 商务局's."""
    yjj, swj = build("yjj", entities=entities), build("swj", entities=5)
    swj_admin = user_named("swj_admin")
    with tenant_scope(swj_admin.tenant_id):  # 商务局 also lists every entity of 应急管理局: the overlap
        rng = random.Random(11)
        for code in yjj["codes"]:
            directory.add_entry({"risk": rng.choice("ABCD"), "category": CATEGORY,
                                 "entity_id": directory_queries.entity_by_code(code).id}, actor=swj_admin)
        db.session.commit()
    coord = user_named("scj_coord")
    with tenant_scope(coord.tenant_id):
        campaign = joint.create_joint({"title": "危化与商贸联合抽查", "year": 2026, "window_start": "2026-03-01",
                                       "window_end": "2026-04-30", "team_size": 2, "reserve_size": 2,
                                       "department_ids": [yjj["tenant"], swj["tenant"]]}, actor=coord)
    ids = {"campaign": campaign.id, "yjj": yjj, "swj": swj, "participants": {}}
    for dept, part_world in (("yjj", yjj), ("swj", swj)):
        planner = user_named(f"{dept}_planner")
        with tenant_scope(planner.tenant_id):
            participant = db.session.scalar(db.select(JointParticipant).where(
                JointParticipant.campaign_id == campaign.id))
            ids["participants"][dept] = participant.id
            if stage == "invited":
                continue
            joint.accept(participant.id, actor=planner)
            joint.save_part(participant.id, {"item_ids": [part_world["item"]], "strata": PART_STRATA,
                                          "target_filter": {"categories": [CATEGORY]}}, actor=planner)
            joint.approve_part(participant.id, actor=user_named(f"{dept}_leader"))
            ids[f"{dept}_part"] = participant.part_campaign_id
    if stage in ("invited", "parts"):  # parts: every department's part approved, the whole not yet
        return ids
    leader = user_named("scj_leader")
    with tenant_scope(leader.tenant_id):
        campaign = joint_queries.get_joint(ids["campaign"])
        joint.approve_joint(campaign.id, actor=leader)
        if STAGES.index(stage) >= STAGES.index("targets"):
            joint.freeze_targets(campaign.id, actor=coord)
            joint.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=coord)
        if STAGES.index(stage) >= STAGES.index("inspectors"):
            joint.freeze_inspectors(campaign.id, actor=coord)
            joint.draw_inspectors(campaign.id, {"public_inputs": [], "no_input_reason": "测试：无现场监督人"}, actor=coord)
        if STAGES.index(stage) >= STAGES.index("handed_out"):
            for team in joint_queries.teams(campaign).values():
                joint.designate_leader(campaign.id, {"member_id": team[0].id}, actor=coord)
            with (nullcontext() if notices else events.suspended()):
                joint.hand_out(campaign.id, actor=coord)
    return ids
