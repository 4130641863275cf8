"""The hand-out (检查任务下达) and a joint campaign's draws as background jobs: the request only queues
the job after refusing at once what the step itself would refuse, a second request while one is
under way is refused, and the job's page follows the items done of the total, then says the outcome."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import tenant_scope
from spotcheck.tasks import jobs
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, TeamMember
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.joint.commands import submit_joint_draw
from spotcheck.tenants.results import commands as results_commands
from spotcheck.tenants.results.models import Visit
from tests.support import joint_world
from tests.support.campaign_world import build, planner_of
from tests.support.helpers import post_form, signed_in, user_named
from tests.support.leader_accounts import open_joint_leader_accounts
from tests.support.results_world import teams_drawn


def _count(model, **where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def test_the_hand_out_button_queues_a_job_whose_page_counts_the_visits_then_says_how_many(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
    client = signed_in(app, "yjj_planner")
    url = f"/campaigns/{campaign_id}"
    queued = post_form(client, f"{url}/hand-out", {}, token_from=url)
    assert queued.status_code == 302 and f"{url}/jobs/" in queued.headers["Location"]
    page = client.get(queued.headers["Location"], follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            made = _count(Visit, campaign_id=campaign_id)
            job = db.session.scalar(sa.select(Job).where(Job.kind == "campaign.hand_out"))
            assert made > 0 and f"已向检查组下达 {made} 户检查任务" in page
            assert (job.status, job.items_done, job.items_total, job.result["visits"]) == (
                JobStatus.succeeded,
                made,
                made,
                made,
            )
            assert db.session.get(Campaign, campaign_id).status == CampaignStatus.notified


def test_a_hand_out_that_would_be_refused_is_refused_before_any_job_and_a_second_one_while_queued(app, monkeypatch):
    with app.app_context():
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            db.session.execute(
                sa.update(TeamMember).where(TeamMember.campaign_id == campaign_id).values(is_leader=False)
            )
            db.session.commit()
            with pytest.raises(ConflictError):  # a visit without its 组长: the hand-out itself would refuse
                results_commands.submit_hand_out(campaign_id, actor=planner)
            with pytest.raises(ForbiddenError):
                results_commands.submit_hand_out(campaign_id, actor=user_named("yjj_inspector"))
            assert _count(Job) == 0
            campaign_commands.designate_leaders(campaign_id, {"rule": "first_drawn"}, actor=planner)
            monkeypatch.setattr(jobs, "dispatch", lambda *args: True)  # the broker holds it: still queued
            first_id = results_commands.submit_hand_out(campaign_id, actor=planner).id
            with pytest.raises(ConflictError):
                results_commands.submit_hand_out(campaign_id, actor=planner)
            assert [job.id for job in db.session.scalars(sa.select(Job))] == [first_id]
            assert _count(Visit, campaign_id=campaign_id) == 0  # nothing handed out by the request
    page = signed_in(app, "yjj_planner").get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert "进行中：检查任务下达" in page and f"/campaigns/{campaign_id}/jobs/{first_id}" in page


@pytest.mark.seconds(6)
def test_a_joint_campaigns_draws_and_hand_out_run_as_jobs_that_write_every_departments_visits(app):
    with app.app_context():
        world = joint_world.world("approved")
    client = signed_in(app, "scj_coord")
    url = f"/joint/{world['campaign']}"
    for kind in ("targets", "inspectors"):
        assert post_form(client, f"{url}/draws/{kind}/freeze", {}, token_from=url).status_code == 302
        queued = post_form(client, f"{url}/draws/{kind}/draw", {"public_inputs": "人大代表 7391"}, token_from=url)
        assert f"{url}/jobs/" in queued.headers["Location"]
        page = client.get(queued.headers["Location"], follow_redirects=True).get_data(as_text=True)
        assert "已抽取" in page and "随机种子" in page
    with app.app_context():
        coordinator = user_named("scj_coord")
        with tenant_scope(coordinator.tenant_id):
            with pytest.raises(ConflictError):  # drawn once: a second request is refused before any job
                submit_joint_draw(
                    world["campaign"],
                    {"kind": "targets", "public_inputs": ["observer:测试监督人 0001"]},
                    actor=coordinator,
                )
            joint.designate_leaders(world["campaign"], {"rule": "first_drawn"}, actor=coordinator)
            db.session.commit()
            open_joint_leader_accounts(world["campaign"], ("yjj", "swj"))  # the hand-out asks the 组长's accounts
    queued = post_form(client, f"{url}/hand-out", {}, token_from=url)
    page = client.get(queued.headers["Location"], follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        with tenant_scope(user_named("scj_coord").tenant_id):
            job = db.session.scalar(sa.select(Job).where(Job.kind == "joint.hand_out"))
            assert job.status == JobStatus.succeeded and job.items_done == job.items_total > job.result["visits"] > 0
            assert f"已向检查组下达 {job.result['visits']} 户检查任务" in page
        for dept in ("yjj", "swj"):
            with tenant_scope(world[dept]["tenant"]):
                part = world[f"{dept}_part"]
                assert _count(Visit, campaign_id=part) > 0
                assert db.session.get(Campaign, part).status == CampaignStatus.notified
