"""Dates inside their year (issue 94 §1): a campaign — single, named, joint or a department's part — whose window
ended before today is refused at saving and at approval, before any number or commitment is issued, while one whose
window began before today is taken; a check registered after the fact keeps its own rule. A plan for a year that
is over is refused, and a title naming another year than the plan's. A campaign's regions are chosen from the tree
within the department's branch: a name is taken as its region's code, a place outside the branch or not in the tree
is refused. The clock is set in every test (:func:`spotcheck.core.clock.frozen_at`): the one clock decides."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, Draw
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.plans import commands as plans
from spotcheck.tenants.regions import queries as regions
from tests.support import joint_world
from tests.support.campaign_world import CATEGORY, build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.named_world import named_data

pytestmark = pytest.mark.planning_clock  # the window and plan-year rules read the one clock

#: A day before the worlds' windows (2026-03-01 to 2026-04-30), one inside them, and one after they ended.
BEFORE, DURING, AFTER = (datetime(2026, month, day, 10, tzinfo=SHANGHAI) for month, day in ((2, 20), (3, 10), (5, 4)))


def _messages(refused: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(str(m) for m in refused.value.errors[field])


def test_a_campaign_whose_window_is_over_is_refused_at_saving_and_at_approval_before_any_number(app):
    """The planner cannot save a campaign for 1 March – 30 April on 4 May, nor its leader approve the draft saved in
    February: no code, no commitment, the draft as it was. On 10 March (the window begun) both are taken."""
    with app.app_context(), frozen_at(BEFORE):  # the world prepared before its windows
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            with frozen_at(AFTER), pytest.raises(InvalidInputError) as refused:
                campaign_commands.create_campaign(campaign_data(world), actor=planner)
            assert set(refused.value.errors) == {"window_end"}
            assert "2026-04-30" in _messages(refused, "window_end") and "2026-05-04" in _messages(refused, "window_end")
            assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 0
            with frozen_at(BEFORE):
                draft = campaign_commands.create_campaign(campaign_data(world), actor=planner)
                named = campaign_commands.create_campaign(named_data(world), actor=planner)
                db.session.commit()
            for campaign_id in (draft.id, named.id):
                with frozen_at(AFTER), pytest.raises(InvalidInputError) as refused:
                    campaign_commands.approve(campaign_id, actor=leader)
                assert "2026-04-30" in _messages(refused, "window_end")
                db.session.rollback()
                campaign = campaigns.get_campaign(campaign_id)
                assert campaign.code is None and campaign.status == CampaignStatus.draft
                assert db.session.scalar(sa.select(sa.func.count(Draw.id)).where(Draw.campaign_id == campaign_id)) == 0
            with frozen_at(AFTER), pytest.raises(InvalidInputError):  # nor changed, unless to a window to come
                campaign_commands.update_campaign(draft.id, {"title": "改个标题"}, actor=planner)
            db.session.rollback()
            with frozen_at(DURING):  # the window has begun: its remaining days are the campaign's
                later = campaign_commands.create_campaign(campaign_data(world, title="三月开始的抽查"), actor=planner)
                approved = campaign_commands.approve(draft.id, actor=leader)
                assert approved.code and approved.status == CampaignStatus.approved
                assert later.window_start.isoformat() == "2026-03-01"


def test_a_joint_campaign_whose_window_is_over_takes_no_number_and_is_not_approved(app):
    """The coordinator's joint campaign for March–April, created on 4 May, is refused before its code is issued (the
    next one still takes 1号); the parts approved in February wait, and the whole is not approved after the window;
    a department's part is not approved after it either."""
    with app.app_context():
        with frozen_at(BEFORE):  # prepared before its window, its parts approved
            ids = joint_world.world("parts")
        coord, lead_leader = user_named("scj_coord"), user_named("scj_leader")
        with tenant_scope(coord.tenant_id):
            data = {
                "title": "三至四月联合抽查",
                "year": 2026,
                "window_start": "2026-03-01",
                "window_end": "2026-04-30",
                "team_size": 2,
                "reserve_size": 2,
                "department_ids": [ids["yjj"]["tenant"], ids["swj"]["tenant"]],
            }
            codes_before = set(db.session.scalars(sa.select(Campaign.code).where(Campaign.joint.is_(True))))
            with frozen_at(AFTER), pytest.raises(InvalidInputError) as refused:
                joint.create_joint(data, actor=coord)
            assert "2026-04-30" in _messages(refused, "window_end")
            db.session.rollback()
            assert set(db.session.scalars(sa.select(Campaign.code).where(Campaign.joint.is_(True)))) == codes_before
            with frozen_at(AFTER), pytest.raises(InvalidInputError) as refused:
                joint.approve_joint(ids["campaign"], actor=lead_leader)
            assert "2026-04-30" in _messages(refused, "window_end")
            db.session.rollback()
            whole = db.session.get(Campaign, ids["campaign"])
            assert whole.status != CampaignStatus.approved and whole.joint_parts in ({}, None)
            with frozen_at(DURING):
                joint.approve_joint(ids["campaign"], actor=lead_leader)
                assert db.session.get(Campaign, ids["campaign"]).status == CampaignStatus.approved


def test_a_departments_part_is_not_approved_once_the_joint_window_is_over(app):
    with app.app_context():
        with frozen_at(BEFORE):
            ids = joint_world.world("invited")
        planner, leader = user_named("yjj_planner"), user_named("yjj_leader")
        with tenant_scope(planner.tenant_id):
            with frozen_at(BEFORE):
                joint.accept(ids["participants"]["yjj"], actor=planner)
                joint.save_part(
                    ids["participants"]["yjj"],
                    {
                        "item_ids": [ids["yjj"]["item"]],
                        "strata": joint_world.PART_STRATA,
                        "target_filter": {"categories": [CATEGORY]},
                    },
                    actor=planner,
                )
                db.session.commit()
            with frozen_at(AFTER), pytest.raises(InvalidInputError) as refused:
                joint.approve_part(ids["participants"]["yjj"], actor=leader)
            assert "2026-04-30" in _messages(refused, "window_end")


def test_a_plan_for_a_year_that_is_over_is_refused_and_its_title_names_its_own_year(app):
    """On 29 November 2026 the planner cannot draft a plan of 2025, nor a plan of 2027 titled “2026 年度…” (the page's
    default of this year, left as it was); titled for 2027, it is drafted."""
    with app.app_context(), frozen_at(datetime(2026, 11, 29, 10, tzinfo=SHANGHAI)):
        build()
        planner = user_named("yjj_planner")
        with tenant_scope(planner.tenant_id):
            with pytest.raises(InvalidInputError) as refused:
                plans.create_plan({"year": 2025, "half": None, "title": "2025年度行政检查计划"}, actor=planner)
            assert set(refused.value.errors) == {"year"} and "2025" in _messages(refused, "year")
            with pytest.raises(InvalidInputError) as refused:
                plans.create_plan({"year": 2027, "half": None, "title": "2026 年度行政检查计划"}, actor=planner)
            assert set(refused.value.errors) == {"title"}
            assert "2026" in _messages(refused, "title") and "2027" in _messages(refused, "title")
            plan = plans.create_plan({"year": 2027, "half": None, "title": "2027 年度行政检查计划"}, actor=planner)
            assert plan.year == 2027


def test_a_campaigns_regions_are_chosen_from_the_tree_within_the_departments_branch(app):
    """宁安市应急管理局's planner names 宁安镇 by its name: the campaign keeps its code (231084100); a town's code the
    tree places in 宁安市 is taken; 海林市 (beside 宁安市, outside its branch), a code in it or outside the tree and a
    name the tree lacks are refused, naming the field."""
    with app.app_context(), frozen_at(BEFORE):
        world = build()
        planner = planner_of(user_named("yjj_admin"))
        town = regions.by_code_or_name("宁安镇")
        assert [r.code for r in town] == ["231084100"]
        with tenant_scope(world["tenant"]):
            campaign = campaign_commands.create_campaign(
                campaign_data(world, target_filter={"categories": [CATEGORY], "regions": ["宁安镇"]}),
                actor=planner,
            )
            assert campaign.target_filter["regions"] == ["231084100"]
            town = campaign_commands.create_campaign(  # a town's code below the tree's 宁安市: in the branch
                campaign_data(world, title="东京城镇抽查", target_filter={"regions": ["231084101"]}), actor=planner
            )
            assert town.target_filter["regions"] == ["231084101"]
            for given, words in (
                ("海林市", "宁安市"),
                ("不存在镇", "宁安市"),
                ("330102", "宁安市"),
                ("231083100", "宁安市"),
            ):
                with pytest.raises(InvalidInputError) as refused:
                    campaign_commands.create_campaign(
                        campaign_data(world, target_filter={"regions": [given]}), actor=planner
                    )
                assert set(refused.value.errors) == {"regions"}
                assert given in _messages(refused, "regions") and words in _messages(refused, "regions")
