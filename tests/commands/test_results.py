"""Visits, results, review and publication through the commands: the team records, the 组长
submits, a leader who did not record it reviews, a planner publishes; deadlines on the official
calendar; the public register holds only published versions."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from hypothesis import given, settings as hypothesis_settings, strategies as st

from spotcheck.core.audit import AuditEntry
from spotcheck.core.calendar import add_working_days
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import Conflict, Forbidden, ValidationFailed
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.platform.web import home
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.results import commands as results, deadlines, queries as results_queries
from spotcheck.tenants.results.attachments import NAME_LENGTH, SIGNATURES, SUFFIXES, clean_name
from spotcheck.tenants.results.models import PublishedResult, ResultCategory, VisitStatus
from spotcheck.tenants.results.policy import VISIT_ACTIONS
from spotcheck.tenants.results.queries import listing, register
from tests.support.campaign_world import leader_of, planner_of
from tests.support.helpers import DEMO_PASSWORD, user_named
from tests.support.results_world import complete_result, handed_out, inspector, visit
from tests.support.rulebooks import cited, rules_of_presets


def test_hand_out_needs_every_team_leader_and_makes_a_visit_per_selected_target(app):
    from spotcheck.tenants.campaigns import commands as campaign_commands
    from spotcheck.tenants.campaigns.models import TeamMember
    from tests.support.campaign_world import build
    from tests.support.results_world import teams_drawn

    with app.app_context():
        world = build()
        campaign_id = teams_drawn(world)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            leader = db.session.scalar(sa.select(TeamMember).where(TeamMember.is_leader.is_(True)))
            leader.is_leader = False
            db.session.commit()
            with pytest.raises(Conflict) as refused:
                results.hand_out(campaigns.get_campaign(campaign_id).id, actor=planner_of(admin))
            assert "1" in str(refused.value)
            campaign_commands.designate_leader(campaign.id, {"member_id": leader.id}, actor=planner_of(admin))
            with pytest.raises(Forbidden):
                results.hand_out(campaign.id, actor=leader_of(admin))
            visits = results.hand_out(campaign.id, actor=planner_of(admin))
            db.session.commit()
            assert campaign.status == CampaignStatus.notified and len(visits) > 0
            assert all(v.status == VisitStatus.assigned for v in visits)
            with pytest.raises(Conflict):
                results.hand_out(campaign.id, actor=planner_of(admin))


def test_an_inspector_sees_and_records_only_the_visits_they_are_on(app):
    with app.app_context():
        ids = handed_out()
        member, outsider = user_named("yjj_inspector2"), SimpleNamespace(id=user_named("scj_inspector").id)
        with tenant_scope(ids["tenant"]):
            mine = db.session.scalars(listing.mine(member)).all()
            assert [v.id for v in mine] == [ids["visit"]] or ids["visit"] in [v.id for v in mine]
            assert all(results_queries.team_of(v) and any(m.inspector.user_id == member.id for m in results_queries.team_of(v))
                       for v in mine)
            others = [v for v in db.session.scalars(listing.every()) if v.id not in {m.id for m in mine}]
            assert others, "the campaign has visits this inspector is not on"
            with pytest.raises(Forbidden):
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
            with pytest.raises(Forbidden):
                results.submit_result(drafted.id, actor=member)  # only the 组长 submits
            with pytest.raises(ValidationFailed) as incomplete:
                results.submit_result(visit(ids).id, actor=chief)
            assert f"items.{ids['item']}.categories" in incomplete.value.errors
            with pytest.raises(ValidationFailed) as unsaid:
                results.record_result(visit(ids).id, {"items": {str(ids["item"]): {"categories": ["no_problem", "rectified"]}}},
                                      actor=member)
            assert f"items.{ids['item']}.categories" in unsaid.value.errors
            results.record_result(visit(ids).id, {"items": {str(ids["item"]): {"categories": ["pending_own_rules"]}}},
                                  actor=member)
            with pytest.raises(ValidationFailed) as no_findings:
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
            for data, field in [({"checked_on": "2099-01-01"}, "checked_on"), ({"checked_on": "2026-02-01"}, "checked_on"),
                                ({"checked_on": "24/09/2026"}, "checked_on"), ({"method": "guess"}, "method"),
                                ({"items": {"999999": {"categories": ["no_problem"]}}}, "items.999999"),
                                ({"items": {str(ids["item"]): {"categories": ["made_up"]}}}, f"items.{ids['item']}.categories"),
                                ({"record": "笔录\x00"}, "record")]:
                with pytest.raises(ValidationFailed) as refused:
                    results.record_result(visit(ids).id, data, actor=member)
                assert any(key.startswith(field) for key in refused.value.errors), (data, refused.value.errors)
            assert visit(ids).status == VisitStatus.assigned and visit(ids).checked_on is None


def test_whoever_recorded_a_result_cannot_approve_it_and_a_return_needs_reasons(app):
    with app.app_context():
        ids = handed_out()
        chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
        admin = user_named("yjj_admin")
        with tenant_scope(ids["tenant"]):
            both = tenants.create_user({"login": "yjj_both", "display_name": "秦岭", "password": DEMO_PASSWORD, "roles": ["inspector", "leader"]}, actor=admin)
            results.link_inspector(inspector(ids["member_inspector"]).id, {"user_id": None}, actor=admin)
            results.link_inspector(inspector(ids["member_inspector"]).id, {"user_id": both.id, "other_name": True}, actor=admin)
            db.session.commit()
            results.record_result(visit(ids).id, complete_result(ids), actor=both)
            results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            assert "approve" not in VISIT_ACTIONS.allowed(visit(ids), both)
            with pytest.raises(Forbidden):
                results.approve_result(visit(ids).id, actor=both)
            with pytest.raises(Forbidden):
                results.approve_result(visit(ids).id, actor=chief)  # an inspector reviews nothing
            with pytest.raises(ValidationFailed) as no_reason:
                results.return_result(visit(ids).id, {"reason": " "}, actor=leader)
            assert "reason" in no_reason.value.errors
            assert visit(ids).status == VisitStatus.submitted
            results.return_result(visit(ids).id, {"reason": "检查日期与笔录不一致，请核实。"}, actor=leader)
            db.session.commit()
            returned = visit(ids)
            assert returned.status == VisitStatus.returned and returned.returned_by_name == leader.display_name
            results.record_result(returned.id, complete_result(ids, record="笔录已核实，检查日期无误。"), actor=chief)
            results.submit_result(visit(ids).id, actor=chief)
            with frozen_at(date(2026, 9, 30)):
                approved = results.approve_result(visit(ids).id, actor=leader)
            db.session.commit()
            assert approved.status == VisitStatus.approved and approved.approved_by_id == leader.id
            assert approved.publish_due == date(2026, 6, 1)  # from the check's end, not from the approval
        with system_access("test"):
            trail = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(
                AuditEntry.object_type == "visit", AuditEntry.object_id == str(ids["visit"])).order_by(AuditEntry.id))]
        assert trail == ["result.recorded", "result.submitted", "result.returned", "result.recorded",
                         "result.submitted", "result.approved"]


def _approved(ids):
    chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
    results.record_result(visit(ids).id, complete_result(ids), actor=chief)
    results.submit_result(visit(ids).id, actor=chief)
    results.approve_result(visit(ids).id, actor=leader)
    db.session.commit()


def test_publication_writes_the_public_register_and_a_correction_is_a_new_marked_version(app):
    with app.app_context():
        ids = handed_out()
        planner, leader = planner_of(user_named("yjj_admin")), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            _approved(ids)
            assert db.session.scalar(sa.select(sa.func.count()).select_from(PublishedResult)) == 0
            with pytest.raises(Forbidden):
                results.publish_results([ids["visit"]], actor=leader)
            results.publish_results([ids["visit"]], actor=planner)
            db.session.commit()
            entity = visit(ids).entity
            with pytest.raises(Conflict):
                results.publish_results([ids["visit"]], actor=planner)
        with tenant_scope(None):  # the public register is read outside any department
            [first] = register.of_entity(entity)
            assert first.version == 1 and not first.corrected
            assert first.content["items"][0]["categories"] == ["发现问题待后续处理：违反本部门其他规定"]
            assert {m["cert_no"] for m in first.content["team"]} and "id_number" not in str(first.content)
            assert register.search(entity.code[:10]).total == 1 and register.search(entity.name).total == 1
        with tenant_scope(ids["tenant"]):
            with pytest.raises(ValidationFailed):
                results.start_correction(visit(ids).id, {"reason": ""}, actor=planner)
            results.start_correction(visit(ids).id, {"reason": "检查日期录入有误"}, actor=planner)
            db.session.commit()
        with tenant_scope(None):
            assert [r.version for r in register.of_entity(entity)] == [1]  # the public keeps v1 meanwhile
        with tenant_scope(ids["tenant"]):
            _approved(ids)
            results.publish_results([ids["visit"]], actor=planner)
            db.session.commit()
        with tenant_scope(None):
            [current] = register.of_entity(entity)
            assert current.version == 2 and current.corrected and current.correction_reason == "检查日期录入有误"
            [(found, results_count, last)] = register.search(entity.code).rows  # a correction is not one more result
            assert found.id == entity.id and results_count == 1 and last == current.published_at
            assert db.session.scalar(sa.select(sa.func.count()).select_from(PublishedResult)) == 2


def test_home_to_do_lists_follow_the_visit(app):
    with app.app_context():
        ids = handed_out()
        chief, member, leader = user_named("yjj_inspector"), user_named("yjj_inspector2"), user_named("yjj_leader")
        planner = planner_of(user_named("yjj_admin"))

        def steps(user):
            found = {task.obj.id: set(task.actions) for task in home.tasks_for(user) if task.kind == "visit"}
            # the results' own to-dos (queries.tasks_for) are the home page's
            assert {task.obj.id: set(task.actions) for task in results_queries.tasks_for(user)
                    if task.kind == "visit"} == found
            return found

        with tenant_scope(ids["tenant"]), frozen_at(date(2026, 4, 30)):
            assert steps(member)[ids["visit"]] == {"record"}
            assert set(steps(member)) == {v.id for v in db.session.scalars(listing.mine(member))}
            assert steps(chief)[ids["visit"]] == {"record"}
            results.record_result(visit(ids).id, complete_result(ids), actor=member)
            db.session.commit()
            assert steps(chief)[ids["visit"]] == {"record", "submit"}
            assert steps(leader) == {}
            results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            assert steps(leader) == {ids["visit"]: {"approve", "return"}}
            [task] = [t for t in home.tasks_for(leader) if t.kind == "visit"]
            assert task.due == date(2026, 6, 1) and task.flag is None  # the review counts inside the 20 days
            results.approve_result(visit(ids).id, actor=leader)
            db.session.commit()
            assert steps(planner) == {ids["visit"]: {"publish"}} and steps(leader) == {}


@pytest.mark.parametrize(("event", "days", "due"), [
    (date(2026, 9, 24), 5, date(2026, 10, 9)),  # Mid-Autumn (25–27 Sep) and National Day (1–7 Oct) off
    (date(2026, 9, 30), 5, date(2026, 10, 13)),  # Saturday 10 October is a make-up workday
    (date(2026, 2, 12), 5, date(2026, 2, 26)),  # Saturday 14 Feb worked, Spring Festival 15–23 Feb off
    (date(2026, 2, 13), 5, date(2026, 2, 27)),
    (date(2026, 9, 30), 20, date(2026, 11, 3)),
])
def test_deadlines_count_working_days_of_the_official_calendar(package_calendar, event, days, due):
    """A report due 5 working days after the check (乌审旗's rules), publication due 20 (企业信息公示暂行条例)."""
    counted = add_working_days(event, days)
    assert counted.due == due and counted.official


def test_due_soon_and_overdue_flags_follow_working_days(package_calendar):
    due, soon = date(2026, 10, 9), 2  # a Friday after the National Day week; the platform's default warning
    assert deadlines.flag(due, date(2026, 9, 29), soon=soon) is None  # 3 working days left: 30 Sep, 8 and 9 Oct
    assert deadlines.flag(due, date(2026, 9, 30), soon=soon) == "due_soon"  # nine days away, two working days
    assert deadlines.flag(due, date(2026, 10, 7), soon=soon) == "due_soon"
    assert deadlines.flag(due, date(2026, 10, 9), soon=soon) == "due_soon"
    assert deadlines.flag(due, date(2026, 10, 10), soon=soon) == "overdue"
    assert deadlines.flag(None) is None


def test_a_year_without_an_official_calendar_is_flagged_as_assumed(package_calendar):
    far = add_working_days(date(2099, 3, 2), 5)
    assert not far.official and far.assumed_years == (2099,) and far.due == date(2099, 3, 9)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachments_are_typed_by_content_bounded_and_kept_with_their_digest(app, tmp_path):
    import hashlib
    import io

    from spotcheck.core import storage
    from spotcheck.tenants.results import commands as attachments
    from spotcheck.tenants.results.models import Attachment

    with app.app_context():
        ids = handed_out()
        member, chief = user_named("yjj_inspector2"), user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            kept = attachments.add_attachment(ids["visit"], {"stream": io.BytesIO(PNG), "filename": "C:\\相册\\现场照片.png"}, actor=member)
            db.session.commit()
            assert (kept.content_type, kept.name, kept.size) == ("image/png", "现场照片.png", len(PNG))
            assert kept.sha256 == hashlib.sha256(PNG).hexdigest() and storage.read(kept.storage_key) == PNG
            page = attachments.add_attachment(ids["visit"], {"stream": io.BytesIO(PNG), "filename": "x.html"}, actor=member)
            assert (page.content_type, page.name) == ("image/png", "x.png")  # named by what it is, never a page
            attachments.remove_attachment(ids["visit"], {"attachment_id": page.id}, actor=member)
            db.session.commit()
            files_before = sorted(p.name for p in storage.root().rglob("*") if p.is_file())
            with pytest.raises(ValidationFailed) as disguised:
                attachments.add_attachment(ids["visit"], {"stream": io.BytesIO(b"<script>alert(1)</script>"), "filename": "photo.jpg"},
                                           actor=member)
            assert "file" in disguised.value.errors
            app.config["UPLOAD_MAX_BYTES"] = 1024
            with pytest.raises(ValidationFailed) as too_big:
                attachments.add_attachment(ids["visit"], {"stream": io.BytesIO(b"%PDF-" + b"x" * 2048), "filename": "记录.pdf"}, actor=member)
            assert "file" in too_big.value.errors
            assert sorted(p.name for p in storage.root().rglob("*") if p.is_file()) == files_before
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 1
            results.record_result(visit(ids).id, complete_result(ids), actor=chief)
            results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            with pytest.raises(Conflict):
                attachments.remove_attachment(ids["visit"], {"attachment_id": kept.id}, actor=member)  # submitted: the result is fixed


def test_a_campaign_is_closed_only_once_every_result_is_published(app):
    from spotcheck.tenants.results.policy import CAMPAIGN_STEPS

    with app.app_context():
        ids = handed_out()
        admin, leader = user_named("yjj_admin"), user_named("yjj_leader")
        planner = planner_of(admin)
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            with pytest.raises(Conflict):
                results.close_campaign(campaign.id, actor=planner)
            for number, one in enumerate(db.session.scalars(listing.every().order_by(listing.Visit.id)).all()):
                chief = next(m for m in results_queries.team_of(one) if m.is_leader).inspector
                if chief.user_id is None:
                    person = tenants.create_user({"login": f"yjj_chief{number}", "display_name": f"组长{number}", "password": DEMO_PASSWORD, "roles": ["inspector"]}, actor=admin)
                    results.link_inspector(chief.id, {"user_id": person.id, "other_name": True}, actor=admin)
                actor = db.session.get(type(admin), chief.user_id)
                nothing_found = {str(ids["item"]): {"categories": ["no_problem"], "findings": ""}}
                results.record_result(one.id, complete_result(ids, items=nothing_found), actor=actor)
                results.submit_result(one.id, actor=actor)
                results.approve_result(one.id, actor=leader)
            assert campaign.status == CampaignStatus.results_in
            results.publish_results([v.id for v in db.session.scalars(listing.every())], actor=planner)
            assert campaign.status == CampaignStatus.published
            assert "close" in CAMPAIGN_STEPS.allowed(campaign, planner)
            with pytest.raises(Forbidden):
                results.close_campaign(campaign.id, actor=leader)
            results.close_campaign(campaign.id, actor=planner)
            db.session.commit()
            assert campaigns.get_campaign(ids["campaign"]).status == CampaignStatus.closed


def test_a_result_is_submitted_only_with_its_record_written_or_attached(app):
    """Seed 002: 检查报告应当包括检查时间、检查内容、现场检查笔录 — the record (检查记录/现场笔录) as text, or at
    least one attachment."""
    import io

    from spotcheck.tenants.results import commands as attachments

    with app.app_context():
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            results.record_result(visit(ids).id, complete_result(ids, record="  "), actor=chief)
            db.session.commit()
            with pytest.raises(ValidationFailed) as refused:
                results.submit_result(visit(ids).id, actor=chief)
            assert set(refused.value.errors) == {"record"} and "现场检查笔录" in refused.value.errors["record"][0]
            assert visit(ids).status == VisitStatus.drafting and visit(ids).submitted_at is None
            attachments.add_attachment(ids["visit"], {"stream": io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "filename": "现场检查笔录.pdf"}, actor=chief)
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
            with pytest.raises(ValidationFailed) as refused:
                results.submit_result(ids["visit"], actor=chief)
            db.session.rollback()
            errors = refused.value.errors
            assert set(errors) == {"evaluation", "opinions"}, errors
            assert "对被检查人的评价" in str(errors["evaluation"][0]) and "处理意见和建议" in str(errors["opinions"][0])
            assert all("应急管理局细则" in str(m[0]) and "四（三）" in str(m[0]) for m in errors.values())
            assert visit(ids).status == VisitStatus.drafting and visit(ids).submitted_at is None
            results.record_result(ids["visit"], {"evaluation": "安全管理制度基本落实，应急预案演练不到位。",
                                                 "opinions": "责令限期组织应急预案演练。"}, actor=chief)
            results.submit_result(ids["visit"], actor=chief)
            db.session.commit()
            assert (visit(ids).status, visit(ids).opinions) == (VisitStatus.submitted, "责令限期组织应急预案演练。")


def test_a_result_by_a_method_the_campaign_did_not_set_needs_the_reason_for_the_change(app):
    """A campaign checks by the method it set, among those its filed plan sets for its items (宁安市's
    第3条: 按照年度检查计划确定的…方式等实施检查): a result by another method is refused without the reason
    for the change (方式变更理由), naming both methods and the plan's rule; with it, the result is
    submitted, the reason kept and audited. A method the plan's line sets for every item needs none."""
    from spotcheck.tenants.plans.models import PlanItem
    from spotcheck.tenants.results import checks

    with app.app_context():
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            assert campaigns.get_campaign(ids["campaign"]).plan_id == ids["world"]["plan"]
            results.record_result(ids["visit"], complete_result(ids, method="document"), actor=chief)
            db.session.commit()
            with pytest.raises(ValidationFailed) as refused:
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
            entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "result.submitted",
                                                                  AuditEntry.object_id == str(ids["visit"])))
            assert entry.details["method"] == "document" and entry.details["method_change_reason"] == reason


def test_a_list_reads_its_teams_at_once_and_allows_exactly_what_each_visit_allows_alone(app):
    """The to-dos and the lists ask what each of many visits allows: inside
    ``teams_read_together`` their teams are read in one query, and the answer is the same as for
    each visit alone — for a team member, a leader of the department and a planner."""
    from spotcheck.tenants.results.models import Visit
    from spotcheck.tenants.results.policy import teams_read_together

    statements: list[str] = []

    def seen(conn, cursor, statement, *rest):
        statements.append(statement)

    with app.app_context(), frozen_at(date(2026, 5, 6)):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            results.record_result(ids["visit"], complete_result(ids), actor=user_named("yjj_inspector"))
            db.session.commit()
            visits = list(db.session.scalars(sa.select(Visit).where(Visit.campaign_id == ids["campaign"])))
            answers = {}
            sa.event.listen(db.engine, "before_cursor_execute", seen)
            try:
                for login in ("yjj_inspector", "yjj_leader", "yjj_planner"):
                    reader = user_named(login)
                    alone = {v.id: VISIT_ACTIONS.allowed(v, reader) for v in visits}
                    statements.clear()
                    with teams_read_together(visits):
                        together = {v.id: VISIT_ACTIONS.allowed(v, reader) for v in visits}
                    assert together == alone, login
                    assert sum("team_member" in statement for statement in statements) == 1, login
                    answers[login] = alone
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", seen)
            assert "record" in answers["yjj_inspector"][ids["visit"]]  # on that team
            assert not any("record" in allowed for allowed in answers["yjj_planner"].values())


@given(name=st.text(max_size=300), kind=st.sampled_from(sorted({k for _, k in SIGNATURES})))
@hypothesis_settings(max_examples=200, deadline=None)
def test_an_attachments_name_always_ends_with_its_types_suffix(name, kind):
    """Whatever the name sent, the name kept is printable, at most 200 characters, and ends with
    a suffix of the type its content has (no ``.html`` for a PNG)."""
    kept = clean_name(name, kind)
    assert 0 < len(kept) <= NAME_LENGTH and kept.isprintable() and "/" not in kept and "\\" not in kept
    assert kept.lower().endswith(SUFFIXES[kind[0]])
