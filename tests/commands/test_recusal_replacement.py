"""An accepted recusal replaces (回避申请：按随机抽取规则替换): the leader who accepts a business's request needs no
planner's permission, and the decision replaces the member at once by the draw's rule, as a system step in the trail;
a recused 组长 is followed by one named by the campaign's rule; with nobody eligible left, the member waits on the
planner's to-dos (替换回避人员), by the business's name. And the hand-out waits for its leaders' accounts."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import proof_file
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.results import codes, commands as results, queries as results_queries
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS
from spotcheck.tenants.results.present_teams import recused_members
from spotcheck.tenants.results.queries.codes import public_check
from spotcheck.tenants.supervision.queries.outcomes import business_outcomes
from tests.support.campaign_world import build, planner_of
from tests.support.documents import pdf_text
from tests.support.helpers import user_named
from tests.support.joint_world import picture, world as joint_world
from tests.support.leader_accounts import first_leader, open_joint_leader_accounts
from tests.support.results_world import handed_out, teams_drawn, visit

DURING = date(2026, 4, 1)


def _ask(ids: dict, member_at: int) -> tuple[int, str, str, str]:
    """The business asks, with its code, that the first visit's member at ``member_at`` (0: the 组长) withdraw:
    the request, the member's 执法证号, the token and the business code."""
    with tenant_scope(ids["tenant"]):
        one = visit(ids)
        token, business = one.code.token, codes.business_code(one.code)
        cert_no = results_queries.team_of(one)[member_at].shown_cert_no
    made = results.request_recusal(
        token, {"business_code": business, "cert_no": cert_no, "reason": "该检查人员的配偶在本企业任职。"}
    )
    return made.id, cert_no, token, business


def _last(action: str) -> AuditEntry:
    return db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc()))


@pytest.mark.seconds(2)
def test_an_accepted_request_replaces_the_member_at_once_by_the_rule_of_the_draw(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        leader, planner = user_named("yjj_leader"), planner_of(user_named("yjj_admin"))
        assert not has_permission(leader, Permission.CAMPAIGNS_EDIT)  # the leader decides, without the planner's
        made, cert_no, token, business = _ask(ids, 1)
        with tenant_scope(ids["tenant"]):
            results.decide_recusal_request(made, {"accept": "yes", "reason": "经核实属实，同意回避。"}, actor=leader)
            db.session.commit()
            one = visit(ids)
            team = results_queries.team_of(one)
            assert cert_no not in [m.shown_cert_no for m in team] and len(team) == 2
            assert not recused_members(one)  # nothing waits: the visit goes on
            step = _last("draw.inspector_replaced")
            assert step.actor_id == leader.id and step.details["system_step"] is True
            assert step.details["out"] == cert_no and step.details["reason"] == "conflict"
            record = campaigns.draw(campaigns.get_campaign(ids["campaign"]), "inspectors")
            proof = proof_file.loads(draw_steps.published_bytes(record))
            assert proof["replacements"][-1]["out"] == cert_no  # recorded in the published proof
            assert not [t for t in results_queries.tasks_for(planner) if t.kind == "recusal_replacement"]
        # the business sees the outcome: the new team on the code's page, the replacement with its request
        shown = [cert for _name, cert, _leads in public_check(token=token).team]
        assert cert_no not in shown and len(shown) == 2
        [outcome] = business_outcomes(token, {"business_code": business}).recusals
        assert outcome.replaced_by and cert_no not in outcome.replaced_by


@pytest.mark.seconds(2)
def test_a_recused_team_leader_is_followed_by_one_named_by_the_campaigns_rule(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out(notices=True)
        leader = user_named("yjj_leader")
        made, cert_no, token, _business = _ask(ids, 0)  # the 组长, yjj_inspector
        with tenant_scope(ids["tenant"]):
            results.decide_recusal_request(made, {"accept": "yes", "reason": "经核实属实，同意回避。"}, actor=leader)
            db.session.commit()
            team = results_queries.team_of(visit(ids))
            [chief] = [m for m in team if m.is_leader]
            assert chief.shown_cert_no != cert_no and cert_no not in [m.shown_cert_no for m in team]
            # named by hand, the campaign's rule is the first drawn member with an account: one who can record
            chosen = db.session.get(Inspector, chief.inspector_id)
            assert chosen.user_id is not None
            named = _last("team.leader_designated")
            assert named.details["rule"] == "first_with_account" and named.details["system_step"] is True
            # the notice is sent again: the business's new inspection notice names the new team, in place of the first
            first = db.session.scalar(sa.select(Notice.number).where(Notice.subject == f"visit:{ids['visit']}"))
            again = db.session.scalar(sa.select(Notice).where(Notice.subject.like(f"visit:{ids['visit']}:team:%")))
            text = pdf_text(storage.read(again.storage_key))
            assert f"替代{first}" in text and cert_no not in text and chief.shown_cert_no in text
            arrived = results.record_arrival(ids["visit"], actor=db.session.get(type(leader), chosen.user_id))
            assert arrived.arrived_at is not None
            db.session.commit()
        assert [leads for _name, cert, leads in public_check(token=token).team if leads] == [True]


@pytest.mark.seconds(3)
def test_with_nobody_eligible_left_the_member_waits_on_the_planners_to_dos(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):  # the planner replaces the first visit's member until nobody is left
            for _ in range(10):
                member = results_queries.team_of(visit(ids))[1]
                try:
                    campaign_commands.replace_inspector(
                        ids["campaign"], {"member_id": member.id, "reason": "leave"}, actor=planner
                    )
                except ConflictError:
                    break
                db.session.commit()
            else:
                pytest.fail("the pool of the first visit never ran out")
        made, cert_no, _token, _business = _ask(ids, 1)
        with tenant_scope(ids["tenant"]):
            results.decide_recusal_request(made, {"accept": "yes", "reason": "经核实属实，同意回避。"}, actor=leader)
            db.session.commit()
            one = visit(ids)
            assert [m.shown_cert_no for m in recused_members(one)] == [cert_no]  # accepted, waiting
            waiting = _last("team.replacement_waiting")
            assert waiting.details["visit"] == one.entity.code and waiting.actor_id == leader.id
            [task] = [t for t in results_queries.tasks_for(planner) if t.kind == "recusal_replacement"]
            assert task.actions == {"replace"} and task.obj.entity_name == one.entity.name
            assert task.obj.entity_id == one.entity_id and not task.obj.joint
            assert not [t for t in results_queries.tasks_for(leader) if t.kind == "recusal_replacement"]


@pytest.mark.seconds(3)
def test_the_hand_out_waits_for_the_leaders_accounts_opened_in_one_step(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            other = first_leader(campaign_id)  # the first visit's 组长, their account unlinked
            results.link_inspector(other.inspector_id, {"user_id": None}, actor=admin)
            entity_name, name = other.entity.name, other.inspector.name
            db.session.commit()
            with pytest.raises(ConflictError) as refused:
                results.hand_out(campaign_id, actor=planner)
            assert entity_name in str(refused.value) and name in str(refused.value)
            assert "hand_out" not in CAMPAIGN_STEPS.allowed(campaigns.get_campaign(campaign_id), planner)
            # the department's administrator: one to-do, the leaders by name, the selection carried to the list
            [task] = [t for t in results_queries.tasks_for(admin) if t.kind == "leader_accounts"]
            assert task.obj.names == name and task.obj.selection == str(other.inspector_id)
            assert not [t for t in results_queries.tasks_for(planner) if t.kind == "leader_accounts"]
            [issued] = results.create_inspector_accounts([int(task.obj.selection)], actor=admin)
            db.session.commit()
            assert issued.password and db.session.get(Inspector, other.inspector_id).user_id is not None
            assert not [t for t in results_queries.tasks_for(admin) if t.kind == "leader_accounts"]
            assert len(results.hand_out(campaign.id, actor=planner)) > 0


@pytest.mark.seconds(2)
def test_the_leaders_may_be_named_the_first_drawn_members_with_an_account(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            first = first_leader(campaign_id)
            other = db.session.scalar(
                sa.select(TeamMember).where(
                    TeamMember.campaign_id == campaign_id,
                    TeamMember.entity_id == first.entity_id,
                    TeamMember.id != first.id,
                )
            )
            campaign_commands.designate_leader(campaign_id, {"member_id": other.id}, actor=planner)
            named = campaign_commands.designate_leaders(
                campaign_id, {"rule": "first_with_account", "only_missing": False}, actor=planner
            )
            db.session.commit()
            assert named["rule"] == "抽中顺序中第一位已开通账号的检查人员（只有组长能记录入企、离企）"
            assert first_leader(campaign_id).id == first.id  # back to the one with an account
            assert campaigns.get_campaign(campaign_id).leader_rule == "first_with_account"
            assert len(results.hand_out(campaign_id, actor=planner)) > 0


@pytest.mark.seconds(4)
def test_a_joint_hand_out_waits_for_each_departments_administrator_to_open_its_leaders_accounts(app):
    with app.app_context():
        ids = joint_world("inspectors")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            campaign, _groups, mixed = picture(ids)
            joint.designate_leaders(campaign.id, {"rule": "first_drawn"}, actor=coord)
            db.session.commit()
            leaders = {m.group_code: set() for team in mixed.values() for m in team}
            for team in picture(ids)[2].values():
                chief = next(m for m in team if m.is_leader)
                leaders[chief.group_code].add(chief.inspector_name)
            with pytest.raises(ConflictError) as refused:  # the teams named, whichever department leads them
                joint.hand_out(campaign.id, actor=coord)
            assert "组长" in str(refused.value) and any(name in str(refused.value) for name in leaders["YJJ"])
        for department in ("yjj", "swj"):  # one to-do per department, its own leaders by name
            admin = user_named(f"{department}_admin")
            with tenant_scope(admin.tenant_id):
                [task] = [t for t in joint_queries.tasks_for(admin) if t.kind == "leader_accounts"]
                assert set(task.obj.names.split("、")) == leaders[department.upper()]
        open_joint_leader_accounts(ids["campaign"], ("yjj", "swj"))
        with tenant_scope(coord.tenant_id):
            assert joint.hand_out(ids["campaign"], actor=coord) > 0
