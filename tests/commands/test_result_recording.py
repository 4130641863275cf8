"""Visits and results through the commands: the hand-out makes a visit per selected target, only
the team records, the 组长 submits a complete report — its record, the evaluation and opinions the
rules ask for, the reason for a method the campaign did not set."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignStatus, TeamMember
from spotcheck.tenants.plans.models import PlanItem
from spotcheck.tenants.results import checks, commands as attachments, commands as results, queries as results_queries
from spotcheck.tenants.results.models import ResultCategory, VisitStatus
from spotcheck.tenants.results.queries import listing
from tests.support.campaign_world import build, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.results_world import complete_result, handed_out, teams_drawn, visit
from tests.support.rulebooks import cited, rules_of_presets


def test_hand_out_needs_every_team_leader_and_makes_a_visit_per_selected_target(app):
    with app.app_context():
        world = build()
        campaign_id = teams_drawn(world)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            leader = db.session.scalar(sa.select(TeamMember).where(TeamMember.is_leader.is_(True)))
            leader.is_leader = False
            db.session.commit()
            with pytest.raises(ConflictError) as refused:
                results.hand_out(campaigns.get_campaign(campaign_id).id, actor=planner_of(admin))
            assert "1" in str(refused.value)
            campaign_commands.designate_leader(campaign.id, {"member_id": leader.id}, actor=planner_of(admin))
            with pytest.raises(ForbiddenError):
                results.hand_out(campaign.id, actor=leader_of(admin))
            visits = results.hand_out(campaign.id, actor=planner_of(admin))
            db.session.commit()
            assert campaign.status == CampaignStatus.notified and len(visits) > 0
            assert all(v.status == VisitStatus.assigned for v in visits)
            with pytest.raises(ConflictError):
                results.hand_out(campaign.id, actor=planner_of(admin))


def test_an_inspector_sees_and_records_only_the_visits_they_are_on(app):
    with app.app_context():
        ids = handed_out()
        member, outsider = user_named("yjj_inspector2"), SimpleNamespace(id=user_named("scj_inspector").id)
        with tenant_scope(ids["tenant"]):
            mine = db.session.scalars(listing.mine(member)).all()
            assert [v.id for v in mine] == [ids["visit"]] or ids["visit"] in [v.id for v in mine]
            assert all(
                results_queries.team_of(v) and any(m.inspector.user_id == member.id for m in results_queries.team_of(v))
                for v in mine
            )
            others = [v for v in db.session.scalars(listing.every()) if v.id not in {m.id for m in mine}]
            assert others, "the campaign has visits this inspector is not on"
            with pytest.raises(ForbiddenError):
                results.record_result(others[0].id, complete_result(ids), actor=member)
            assert db.session.scalars(listing.mine(outsider)).all() == []  # another department's inspector
            assert visit(ids).status == VisitStatus.assigned


def test_the_team_records_the_leader_submits_and_nothing_is_chosen_for_anyone(app):
    with app.app_context():
        ids = handed_out()
        member, chief = user_named("yjj_inspector2"), user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            results.record_result(visit(ids).id, {"checked_on": "2026-04-30", "method": "onsite"}, actor=member)
            db.session.commit()
            drafted = visit(ids)
            assert drafted.status == VisitStatus.drafting and drafted.campaign.status == CampaignStatus.in_progress
            assert drafted.checked_until == date(2026, 4, 30)  # a one-day check
            assert drafted.report_due == date(2026, 5, 11)  # Labour Day 1–5 May off, Saturday 9 May worked
            assert drafted.publish_due == date(2026, 6, 1)  # 20 working days after the check ended
            with pytest.raises(ForbiddenError):
                results.submit_result(drafted.id, actor=member)  # only the 组长 submits
            with pytest.raises(InvalidInputError) as incomplete:
                results.submit_result(visit(ids).id, actor=chief)
            assert f"items.{ids['item']}.categories" in incomplete.value.errors
            with pytest.raises(InvalidInputError) as unsaid:
                results.record_result(
                    visit(ids).id,
                    {"items": {str(ids["item"]): {"categories": ["no_problem", "rectified"]}}},
                    actor=member,
                )
            assert f"items.{ids['item']}.categories" in unsaid.value.errors
            results.record_result(
                visit(ids).id, {"items": {str(ids["item"]): {"categories": ["pending_own_rules"]}}}, actor=member
            )
            with pytest.raises(InvalidInputError) as no_findings:
                results.submit_result(visit(ids).id, actor=chief)
            assert f"items.{ids['item']}.findings" in no_findings.value.errors
            results.record_result(visit(ids).id, complete_result(ids), actor=chief)
            submitted = results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            assert submitted.status == VisitStatus.submitted and submitted.submitted_by_name == chief.display_name
            stored = db.session.scalars(sa.select(ResultCategory.code)).all()
            assert stored == ["pending_own_rules"]  # a row per category


def test_bad_result_input_names_the_field_and_changes_nothing(app):
    with app.app_context():
        ids = handed_out()
        member = user_named("yjj_inspector2")
        with tenant_scope(ids["tenant"]):
            for data, field in [
                ({"checked_on": "2099-01-01"}, "checked_on"),
                ({"checked_on": "2026-02-01"}, "checked_on"),
                ({"checked_on": "24/09/2026"}, "checked_on"),
                ({"method": "guess"}, "method"),
                ({"items": {"999999": {"categories": ["no_problem"]}}}, "items.999999"),
                ({"items": {str(ids["item"]): {"categories": ["made_up"]}}}, f"items.{ids['item']}.categories"),
                ({"record": "笔录\x00"}, "record"),
            ]:
                with pytest.raises(InvalidInputError) as refused:
                    results.record_result(visit(ids).id, data, actor=member)
                assert any(key.startswith(field) for key in refused.value.errors), (data, refused.value.errors)
            assert visit(ids).status == VisitStatus.assigned and visit(ids).checked_on is None


def test_a_result_is_submitted_only_with_its_record_written_or_attached(app):
    """Seed 002: 检查报告应当包括检查时间、检查内容、现场检查笔录 — the record (检查记录/现场笔录) as text, or at
    least one attachment."""
    with app.app_context():
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            results.record_result(visit(ids).id, complete_result(ids, record="  "), actor=chief)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                results.submit_result(visit(ids).id, actor=chief)
            assert set(refused.value.errors) == {"record"} and "现场检查笔录" in refused.value.errors["record"][0]
            assert visit(ids).status == VisitStatus.drafting and visit(ids).submitted_at is None
            attachments.add_attachment(
                ids["visit"], {"stream": io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "filename": "现场检查笔录.pdf"}, actor=chief
            )
            results.submit_result(visit(ids).id, actor=chief)  # the record as a file is enough
            db.session.commit()
            assert visit(ids).status == VisitStatus.submitted


def test_a_report_without_the_evaluation_or_the_handling_opinions_is_not_submitted(app):
    """Seed 002 四(三): 检查报告应当包括…对被检查人的评价及处理意见和建议 — where the rules in force take it
    over (应急管理局's 细则), a result without either is refused naming the field and the article, and
    nothing changes; a rulebook that does not say so (宁安市's) leaves both to the team."""
    assert rules_of_presets("宁安市").evaluation_required is False
    assert rules_of_presets("宁安市", "乌审旗应急管理局").evaluation_required is True
    with app.app_context():
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            results.record_result(ids["visit"], complete_result(ids, evaluation="", opinions="  "), actor=chief)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                results.submit_result(ids["visit"], actor=chief)
            db.session.rollback()
            errors = refused.value.errors
            assert set(errors) == {"evaluation", "opinions"}, errors
            assert "对被检查人的评价" in str(errors["evaluation"][0]) and "处理意见和建议" in str(errors["opinions"][0])
            assert all("应急管理局细则" in str(m[0]) and "四（三）" in str(m[0]) for m in errors.values())
            assert visit(ids).status == VisitStatus.drafting and visit(ids).submitted_at is None
            results.record_result(
                ids["visit"],
                {"evaluation": "安全管理制度基本落实，应急预案演练不到位。", "opinions": "责令限期组织应急预案演练。"},
                actor=chief,
            )
            results.submit_result(ids["visit"], actor=chief)
            db.session.commit()
            assert (visit(ids).status, visit(ids).opinions) == (VisitStatus.submitted, "责令限期组织应急预案演练。")


def test_a_result_by_a_method_the_campaign_did_not_set_needs_the_reason_for_the_change(app):
    """A campaign checks by the method it set, among those its filed plan sets for its items (宁安市's
    第3条: 按照年度检查计划确定的…方式等实施检查): a result by another method is refused without the reason
    for the change (方式变更理由), naming both methods and the plan's rule; with it, the result is
    submitted, the reason kept and audited. A method the plan's line sets for every item needs none."""
    with app.app_context():
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            assert campaigns.get_campaign(ids["campaign"]).plan_id == ids["world"]["plan"]
            results.record_result(ids["visit"], complete_result(ids, method="document"), actor=chief)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                results.submit_result(ids["visit"], actor=chief)
            db.session.rollback()
            assert set(refused.value.errors) == {"method_change_reason"}, refused.value.errors
            said = str(refused.value.errors["method_change_reason"][0])
            assert cited("第3条") in said and "实地检查" in said and "书面检查" in said and "方式变更理由" in said
            assert visit(ids).status == VisitStatus.drafting

            line = db.session.scalar(sa.select(PlanItem).where(PlanItem.plan_id == ids["world"]["plan"]))
            line.methods = ["onsite", "network"]  # had the plan set 网络监测 too, it would need no reason
            db.session.flush()
            assert checks.methods_without_reason(visit(ids)) == ["onsite", "network"]
            assert "method_change_reason" not in checks.missing_report(visit(ids), {"method": "network"})
            db.session.rollback()

            reason = "企业停产检修，现场无法检查，改为书面检查其报送的材料。"
            results.record_result(ids["visit"], {"method_change_reason": reason}, actor=chief)
            results.submit_result(ids["visit"], actor=chief)
            db.session.commit()
            assert (visit(ids).status, visit(ids).method_change_reason) == (VisitStatus.submitted, reason)
            entry = db.session.scalar(
                sa.select(AuditEntry).where(
                    AuditEntry.action == "result.submitted", AuditEntry.object_id == str(ids["visit"])
                )
            )
            assert entry.details["method"] == "document" and entry.details["method_change_reason"] == reason
