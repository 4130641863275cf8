"""A campaign's status moves only by its table of transitions (抽查任务状态流转): each move writes one audit entry
(``campaign.moved``: from, to, by which command) in the campaign's own department, by whoever made it — the
recorder of its first result too; a move the table does not hold is refused naming its rule, and a move by one
without its permission is refused, both changing nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns, transitions
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import commands as results
from tests.support import joint_world
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.results_world import complete_result, handed_out, visit


def _moves(campaign_id: int) -> list[tuple[str, str, str, str | None, int | None]]:
    """The campaign's moves as its audit trail holds them: (from, to, by, who, in which department)."""
    with system_access("the test reads every department's trail"):
        entries = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "campaign.moved", AuditEntry.object_id == str(campaign_id))
            .order_by(AuditEntry.id)
        )
        return [(e.details["from"], e.details["to"], e.details["by"], e.actor_login, e.tenant_id) for e in entries]


@pytest.mark.seconds(2)
def test_each_move_of_a_campaign_writes_one_entry_the_first_record_by_its_recorder(app):
    with app.app_context():
        ids = handed_out()
        tenant = ids["tenant"]
        assert _moves(ids["campaign"]) == [
            ("draft", "approved", "campaigns.approve", "yjj_leader", tenant),
            ("approved", "targets_drawn", "campaigns.draw_targets", "yjj_planner", tenant),
            ("targets_drawn", "inspectors_drawn", "campaigns.draw_inspectors", "yjj_planner", tenant),
            ("inspectors_drawn", "notified", "results.hand_out", "yjj_planner", tenant),
        ]
        with tenant_scope(tenant):
            results.record_result(ids["visit"], complete_result(ids), actor=user_named("yjj_inspector2"))
            results.record_result(ids["visit"], complete_result(ids), actor=user_named("yjj_inspector"))
            db.session.commit()
            assert visit(ids).campaign.status == CampaignStatus.in_progress
        moved = _moves(ids["campaign"])
        assert len(moved) == 5  # the second record moves nothing
        assert moved[-1] == ("notified", "in_progress", "results.record_result", "yjj_inspector2", tenant)


def test_a_move_the_table_does_not_hold_is_refused_naming_its_rule_and_changes_nothing(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            db.session.commit()
            before = _moves(campaign.id)
            cited = rules_of(campaign).under("follow_up_required")
            assert "宁安" in cited  # the rule the closing enforces, from the rulebook in force for the campaign
            with pytest.raises(ConflictError) as refused:
                transitions.move(campaign, CampaignStatus.closed, actor=planner, by="results.close_campaign")
            assert str(refused.value).startswith(cited)
            with pytest.raises(ConflictError):  # nothing moves a campaign back to a draft
                transitions.move(campaign, CampaignStatus.draft, actor=leader, by="campaigns.approve")
            with pytest.raises(ConflictError):  # a command moves a campaign only as its rows say
                transitions.move(campaign, CampaignStatus.targets_drawn, actor=planner, by="results.hand_out")
            db.session.rollback()
            assert campaigns.get_campaign(campaign.id).status == CampaignStatus.approved
        assert _moves(campaign.id) == before


def test_a_move_without_its_permission_is_refused_and_changes_nothing(app):
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            before = _moves(campaign.id)
            with pytest.raises(ForbiddenError):  # a leader records no result
                transitions.move(
                    campaign, CampaignStatus.in_progress, actor=user_named("yjj_leader"), by="results.record_result"
                )
            with pytest.raises(ForbiddenError):  # a system move checks the permission of the command making it
                transitions.move(campaign, CampaignStatus.in_progress, actor=None, by="results.import_result")
            db.session.rollback()
            assert campaigns.get_campaign(ids["campaign"]).status == CampaignStatus.notified
        assert _moves(ids["campaign"]) == before


@pytest.mark.seconds(3)
def test_a_joint_campaigns_moves_and_its_parts_are_each_written_in_its_own_department(app):
    with app.app_context():
        ids = joint_world.world("handed_out")
        lead = user_named("scj_coord").tenant_id
        assert _moves(ids["campaign"]) == [
            ("draft", "approved", "joint.approve_joint", "scj_leader", lead),
            ("approved", "targets_drawn", "joint.draw_targets", "scj_coord", lead),
            ("targets_drawn", "inspectors_drawn", "joint.draw_inspectors", "scj_coord", lead),
            ("inspectors_drawn", "notified", "joint.hand_out", "scj_coord", lead),
        ]
        for department in ("yjj", "swj"):
            tenant = ids[department]["tenant"]
            assert _moves(ids[f"{department}_part"]) == [
                ("draft", "approved", "joint.approve_part", f"{department}_leader", tenant),
                ("approved", "notified", "joint.hand_out", "scj_coord", tenant),  # the lead's step, the part's trail
            ]


def test_a_check_registered_after_it_was_made_moves_with_its_registration_and_a_cancel_is_a_move(app):
    with app.app_context(), frozen_at(date(2026, 3, 12)):
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            team = list(db.session.scalars(sa.select(Inspector.id).order_by(Inspector.id).limit(2)))
            late = campaign_commands.register_emergency(
                {
                    **campaign_data(world),
                    "title": "冷库液氨泄漏事故现场紧急检查",
                    "checked_on": "2026-03-10",
                    "late_reason": "事故发生后须立即到场排查，来不及事先登记。",
                    "team": team,
                    "named_targets": [{"entity_code": world["codes"][0], "cause": "accident", "reference": "液氨泄漏"}],
                },
                actor=leader,
            )
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            campaign_commands.cancel(campaign.id, {"reason": "上级部署调整，本任务取消"}, actor=leader)
            db.session.commit()
        assert _moves(late.id) == [
            ("draft", "targets_drawn", "campaigns.register_emergency", "yjj_leader", world["tenant"]),
            ("targets_drawn", "inspectors_drawn", "campaigns.register_emergency", "yjj_leader", world["tenant"]),
        ]
        assert _moves(campaign.id)[-1] == ("approved", "withdrawn", "campaigns.cancel", "yjj_leader", world["tenant"])
