"""A campaign can be withdrawn (撤销): a draft deleted by its planner or returned by a leader with the
reason; an approved (or frozen) campaign cancelled by a leader with the reason — it stays public as
已撤销 with the reason and no draw can follow. Once the targets are drawn it cannot be withdrawn."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.joint.models import JointParticipant, ParticipantStatus
from tests.support import joint_world
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import bearer, level_url, signed_in, user_named

REASON = "上级部署调整，本任务并入第四季度联合抽查"


def _audited(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_a_planner_deletes_a_draft_and_nothing_else(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            draft = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            kept = campaign_commands.create_campaign(campaign_data(world, title="保留"), actor=planner)
            draft_id = draft.id
            campaign_commands.delete_draft(draft.id, actor=planner)
            with pytest.raises(NotFoundError):
                campaigns.get_campaign(draft_id)
            assert _audited("campaign.deleted")[-1].details["title"] == "危化企业双随机抽查"
            campaign_commands.approve(kept.id, actor=leader)
            with pytest.raises(ConflictError, match=r"withdraws it|撤销"):  # approved: only a leader cancels it
                campaign_commands.delete_draft(kept.id, actor=planner)
            assert campaigns.get_campaign(kept.id).status == CampaignStatus.approved


def test_a_leader_returns_a_draft_with_the_reason_the_planner_sees(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            draft = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            with pytest.raises(ForbiddenError):
                campaign_commands.return_draft(draft.id, {"reason": "请补充抽查比例的依据"}, actor=planner)
            with pytest.raises(InvalidInputError) as no_reason:
                campaign_commands.return_draft(draft.id, {"reason": "  "}, actor=leader)
            assert "reason" in no_reason.value.errors and draft.returned_at is None
            campaign_commands.return_draft(draft.id, {"reason": "请补充抽查比例的依据"}, actor=leader)
            draft_id = draft.id
    page = signed_in(app, "yjj_planner").get(f"/campaigns/{draft_id}").get_data(as_text=True)
    assert "请补充抽查比例的依据" in page and 'id="campaign-returned"' in page and "未编号" in page
    assert 'id="campaign-delete"' in page and 'id="campaign-cancel"' not in page


def test_cancelling_an_approved_campaign_refuses_every_later_step(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            with pytest.raises(ForbiddenError):
                campaign_commands.cancel(campaign.id, {"reason": REASON}, actor=planner)  # a planner cannot cancel
            with pytest.raises(InvalidInputError) as no_reason:
                campaign_commands.cancel(campaign.id, {"reason": ""}, actor=leader)  # a leader needs a reason
            assert "reason" in no_reason.value.errors
            assert campaigns.get_campaign(campaign.id).status == CampaignStatus.approved
            campaign_commands.cancel(campaign.id, {"reason": REASON}, actor=leader)
            campaign = campaigns.get_campaign(campaign.id)
            assert (campaign.status, campaign.withdrawal_reason, campaign.code) == (
                CampaignStatus.withdrawn,
                REASON,
                "宁应急抽〔2026〕1号",
            )
            for step in (
                lambda: campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:x"]}, actor=planner),
                lambda: campaign_commands.freeze_targets(campaign.id, actor=planner),
                lambda: campaigns.ready_to_draw(campaign, "targets"),
                lambda: campaign_commands.cancel(campaign.id, {"reason": REASON}, actor=leader),
            ):
                with pytest.raises(ConflictError, match="已撤销"):
                    step()
            assert _audited("campaign.withdrawn")[-1].details == {"code": "宁应急抽〔2026〕1号", "reason": REASON}
            campaign_id = campaign.id
    page = app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    assert "已撤销" in page and REASON in page and 'id="draw-targets"' in page  # the commitment stays published
    assert "已撤销" in app.test_client().get(level_url(app, "/public/draws", year=2026)).get_data(as_text=True)
    audit = signed_in(app, "yjj_admin").get("/audit").get_data(as_text=True)
    assert "撤销抽查任务" in audit and ">campaign.withdrawn<" not in audit  # named in Chinese


def test_a_drawn_campaign_cannot_be_withdrawn(app):
    """Once the targets are drawn and published the draw stands: cancelling and drawing again would
    let a department repeat a draw until it likes the outcome."""
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:x"]}, actor=planner)
            with pytest.raises(ConflictError, match="抽取结果不得因结果不合意而撤销重抽"):
                campaign_commands.cancel(campaign.id, {"reason": REASON}, actor=leader)
            assert campaigns.get_campaign(campaign.id).status == CampaignStatus.targets_drawn


def test_the_three_actions_through_the_api(app, world):
    client = app.test_client()
    planner, leader = bearer(app, "yjj_planner"), bearer(app, "yjj_leader")
    made = [
        client.post("/api/v1/campaigns", json=campaign_data(world, title=f"接口{n}"), headers=planner).json["id"]
        for n in range(3)
    ]
    base = "/api/v1/campaigns"
    assert client.delete(f"{base}/{made[0]}", headers=leader).status_code == 403
    assert client.delete(f"{base}/{made[0]}", headers=planner).status_code == 204
    assert client.get(f"{base}/{made[0]}", headers=planner).status_code == 404
    assert client.post(f"{base}/{made[1]}/return", json={"reason": "ab"}, headers=leader).status_code == 422
    returned = client.post(f"{base}/{made[1]}/return", json={"reason": "窗口期与计划不符"}, headers=leader)
    assert returned.status_code == 200 and returned.json["return_reason"] == "窗口期与计划不符"
    assert (
        client.post(f"{base}/{made[2]}/cancel", json={"reason": REASON}, headers=leader).status_code == 409
    )  # a draft
    assert client.post(f"{base}/{made[2]}/approve", headers=leader).status_code == 200
    assert client.post(f"{base}/{made[2]}/cancel", json={"reason": REASON}, headers=planner).status_code == 403
    assert client.post(f"{base}/{made[2]}/cancel", json={}, headers=leader).status_code == 422
    cancelled = client.post(f"{base}/{made[2]}/cancel", json={"reason": REASON}, headers=leader)
    assert cancelled.status_code == 200 and cancelled.json["status"] == "withdrawn"
    assert cancelled.json["withdrawal_reason"] == REASON
    refused = client.post(f"{base}/{made[2]}/draws/targets/freeze", headers=planner)
    assert refused.status_code == 409 and "已撤销" in refused.json["message"]


@pytest.fixture
def world(app):
    with app.app_context():
        return build()


def test_a_joint_campaign_cancelled_by_the_leads_leader_takes_its_parts_along(app):
    with app.app_context():
        ids = joint_world.world("approved")
        coord, leader = user_named("scj_coord"), user_named("scj_leader")
        with tenant_scope(leader.tenant_id):
            campaign = joint_queries.get_joint(ids["campaign"])
            with pytest.raises(ForbiddenError):
                joint.cancel(campaign.id, {"reason": REASON}, actor=coord)  # the coordinator does not cancel
            with pytest.raises(ConflictError):  # approved: not the coordinator's withdrawal of a draft
                joint.withdraw(campaign.id, {"reason": REASON}, actor=coord)
            with pytest.raises(ForbiddenError):  # another department's leader
                joint.cancel(campaign.id, {"reason": REASON}, actor=user_named("yjj_leader"))
            joint.cancel(campaign.id, {"reason": REASON}, actor=leader)
            with pytest.raises(ConflictError, match="已撤销"):
                joint.freeze_targets(ids["campaign"], actor=coord)
            code = campaign.code
        for dept in ("yjj", "swj"):
            with tenant_scope(user_named(f"{dept}_admin").tenant_id):
                part = db.session.get(Campaign, ids[f"{dept}_part"])
                participant = db.session.get(JointParticipant, ids["participants"][dept])
                assert (part.status, part.withdrawal_reason) == (CampaignStatus.withdrawn, REASON)
                assert participant.status == ParticipantStatus.withdrawn
    page = app.test_client().get(f"/public/draws/campaigns/{ids['campaign']}").get_data(as_text=True)
    assert code in page and "已撤销" in page and REASON in page


def test_a_joint_campaign_in_preparation_is_withdrawn_by_its_coordinator_and_keeps_its_number(app):
    with app.app_context():
        ids = joint_world.world("invited")
        coord, leader = user_named("scj_coord"), user_named("scj_leader")
        with tenant_scope(coord.tenant_id):
            campaign = joint_queries.get_joint(ids["campaign"])
            joint.return_joint(campaign.id, {"reason": "请补充参与部门"}, actor=leader)
            assert campaign.return_reason == "请补充参与部门"
            joint.withdraw(campaign.id, {"reason": REASON}, actor=coord)
            assert campaign.status == CampaignStatus.withdrawn and campaign.code.endswith("联抽〔2026〕1号")
        yjj_planner = user_named("yjj_planner")
        with tenant_scope(yjj_planner.tenant_id):
            participant = db.session.get(JointParticipant, ids["participants"]["yjj"])
            with pytest.raises(ConflictError, match="已撤销"):
                joint.accept(participant.id, actor=yjj_planner)
    # never approved: nothing of it was public, and nothing is now
    assert app.test_client().get(f"/public/draws/campaigns/{ids['campaign']}").status_code == 404
