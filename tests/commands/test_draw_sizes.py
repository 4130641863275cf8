"""The size of a draw shown before it is irreversible (抽取规模预估): before the approval and before
the freeze the campaign page shows each stratum's entries and the visits its rule will draw, and
the freeze and the draw then make exactly those numbers."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import targets as target_engine
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import CampaignTarget, Draw, DrawKind
from spotcheck.tenants.campaigns.queries import sizes
from spotcheck.tenants.campaigns.vocabulary import TargetStatus
from spotcheck.tenants.joint import commands as joint, commands as joint_commands, queries as joint_queries
from spotcheck.tenants.joint.visits import visit_groups
from tests.support import joint_world
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import signed_in, user_named


@pytest.mark.seconds(1.8)
def test_the_sizes_shown_before_approval_and_freeze_are_what_the_draw_makes(app):
    with app.app_context():
        world = build(entities=60)
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            before = sizes.planned(campaign)
            assert before.frame > 0 and before.visits > 0 and not before.without_rule
            for row in before.strata:
                assert row.visits == target_engine.cell_size(campaign.strata[row.stratum], row.frame)
            campaign_commands.approve(campaign.id, actor=leader)
            assert sizes.planned(campaign) == before  # approved, not yet frozen: still shown
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            assert sizes.planned(campaign) is None  # the frozen counts are published instead
            record = db.session.scalar(
                sa.select(Draw).where(Draw.campaign_id == campaign.id, Draw.kind == DrawKind.targets)
            )
            assert record.counts == {campaign.tenant_code: {row.stratum: row.frame for row in before.strata}}
            assert (record.excluded or {}) == before.excluded
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner)
            drawn = Counter(
                db.session.scalars(
                    sa.select(CampaignTarget.stratum).where(
                        CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected
                    )
                )
            )
            assert dict(drawn) == {row.stratum: row.visits for row in before.strata if row.visits}


def test_a_stratum_without_a_rule_is_said_before_approval(app):
    with app.app_context():
        world = build(entities=30)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            counts = {row.stratum: row.frame for row in sizes.planned(campaign).strata}
            ruled = dict(campaign.strata)
            ruled.pop(next(iter(counts)))
            rows = sizes.sized(counts, ruled)
            assert [row.stratum for row in rows if row.visits is None] == [next(iter(counts))]


@pytest.mark.seconds(1.2)
def test_the_campaign_page_shows_the_sizes_until_the_freeze(app):
    with app.app_context():
        world = build(entities=40)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            expected = sizes.planned(campaign)
            campaign_id = campaign.id
    client = signed_in(app, "yjj_leader")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'id="campaign-sizes"' in page and "抽取规模" in page
    assert f'id="sizes-visits">{expected.visits:,}<' in page and f'id="sizes-frame">{expected.frame:,}<' in page
    assert page.index('id="campaign-sizes"') < page.index('id="campaign-approval"')  # read before approving


def test_a_joint_campaign_estimates_its_size_in_the_background_before_the_freeze(app):
    """The coordinator asks; a job reads each department's directory (audited, cross-department):
    its entries and visits per stratum, the checks, and the visits of the joint draw (one seed)
    against separate draws; the freeze then publishes the same counts, and the draw visits no more
    than the checks and no fewer than the largest department's selection."""
    with app.app_context():
        ids = joint_world.world("approved")
        coordinator = user_named("scj_coord")
        with tenant_scope(coordinator.tenant_id):
            job = joint_commands.request_joint_sizes(ids["campaign"], actor=coordinator)  # eager: ran at the commit
            job = joint_queries.joint_sizes(ids["campaign"])
            estimate = job.result
            assert job.status.value == "succeeded" and [p["group"] for p in estimate["parts"]] == ["SWJ", "YJJ"]
            per_part = {p["group"]: sum(row["visits"] for row in p["strata"]) for p in estimate["parts"]}
            assert estimate["checks"] == sum(per_part.values())
            assert max(per_part.values()) <= estimate["visits"] <= estimate["separate"] <= estimate["checks"]
    page = signed_in(app, "scj_coord").get(f"/joint/{ids['campaign']}").get_data(as_text=True)
    assert 'id="joint-sizes-table"' in page and f'id="sizes-checks">{estimate["checks"]:,}<' in page
    with app.app_context():
        coordinator = user_named("scj_coord")
        with tenant_scope(coordinator.tenant_id):
            campaign = joint_queries.get_joint(ids["campaign"])
            joint.freeze_targets(campaign.id, actor=coordinator)
            record = db.session.scalar(
                sa.select(Draw).where(Draw.campaign_id == campaign.id, Draw.kind == DrawKind.targets)
            )
            assert record.counts == {
                p["group"]: {row["stratum"]: row["frame"] for row in p["strata"]} for p in estimate["parts"]
            }
            with pytest.raises(ConflictError):
                joint_commands.request_joint_sizes(campaign.id, actor=coordinator)  # frozen: its counts are published
            joint.draw_targets(campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=coordinator)
            visits = len(visit_groups(campaign))
            assert max(per_part.values()) <= visits <= estimate["checks"]
    page = signed_in(app, "scj_leader").get(f"/joint/{ids['campaign']}").get_data(as_text=True)
    assert 'id="joint-sizes"' not in page  # frozen: the published counts say it now


@pytest.mark.seconds(2.7)
def test_the_leader_reads_a_joint_campaigns_size_before_approving_it(app):
    """Every department's part approved, the whole not yet: the coordinator estimates the size (the
    parts so far), the leader who approves reads it beside the approval, and the coordinator's home
    says the approval comes next — not "invite the departments"."""
    with app.app_context():
        ids = joint_world.world("parts")
        coordinator = user_named("scj_coord")
        with tenant_scope(coordinator.tenant_id):
            joint_commands.request_joint_sizes(ids["campaign"], actor=coordinator)  # eager: ran at the commit
            estimate = joint_queries.joint_sizes(ids["campaign"]).result
    assert [p["group"] for p in estimate["parts"]] == ["SWJ", "YJJ"] and estimate["visits"] > 0
    page = signed_in(app, "scj_leader").get(f"/joint/{ids['campaign']}").get_data(as_text=True)
    assert 'id="joint-sizes-table"' in page and 'id="joint-approve"' in page
    home = signed_in(app, "scj_coord").get("/").get_data(as_text=True)
    assert 'class="hint joint-awaiting-approval"' in home and "请邀请参加的部门" not in home
