"""Review, publication and closing through the commands: a leader who did not record a result
reviews it, a planner publishes it to the public register (a correction is a new marked version), a
campaign closes once every result is published, and the to-dos follow each visit."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.platform.web import home
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import PublishedResult, Visit, VisitStatus
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS, VISIT_ACTIONS
from spotcheck.tenants.results.present_teams import teams_read_together
from spotcheck.tenants.results.queries import listing, register
from tests.support.campaign_world import planner_of
from tests.support.helpers import DEMO_PASSWORD, user_named
from tests.support.results_world import complete_result, handed_out, inspector, visit


def test_whoever_recorded_a_result_cannot_approve_it_and_a_return_needs_reasons(app):
    with app.app_context():
        ids = handed_out()
        chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
        admin = user_named("yjj_admin")
        with tenant_scope(ids["tenant"]):
            both = tenants.create_user(
                {
                    "login": "yjj_both",
                    "display_name": "秦岭",
                    "password": DEMO_PASSWORD,
                    "roles": ["inspector", "leader"],
                },
                actor=admin,
            )
            results.link_inspector(inspector(ids["member_inspector"]).id, {"user_id": None}, actor=admin)
            results.link_inspector(
                inspector(ids["member_inspector"]).id, {"user_id": both.id, "other_name": True}, actor=admin
            )
            db.session.commit()
            results.record_result(visit(ids).id, complete_result(ids), actor=both)
            results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            assert "approve" not in VISIT_ACTIONS.allowed(visit(ids), both)
            with pytest.raises(ForbiddenError):
                results.approve_result(visit(ids).id, actor=both)
            with pytest.raises(ForbiddenError):
                results.approve_result(visit(ids).id, actor=chief)  # an inspector reviews nothing
            with pytest.raises(InvalidInputError) as no_reason:
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
            trail = [
                e.action
                for e in db.session.scalars(
                    sa.select(AuditEntry)
                    .where(AuditEntry.object_type == "visit", AuditEntry.object_id == str(ids["visit"]))
                    .order_by(AuditEntry.id)
                )
            ]
        assert trail == [
            "result.recorded",
            "result.submitted",
            "result.returned",
            "result.recorded",
            "result.submitted",
            "result.approved",
        ]


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
            with pytest.raises(ForbiddenError):
                results.publish_results([ids["visit"]], actor=leader)
            results.publish_results([ids["visit"]], actor=planner)
            db.session.commit()
            entity = visit(ids).entity
            with pytest.raises(ConflictError):
                results.publish_results([ids["visit"]], actor=planner)
        with tenant_scope(None):  # the public register is read outside any department
            [first] = register.of_entity(entity)
            assert first.version == 1 and not first.corrected
            assert first.content["items"][0]["categories"] == ["发现问题待后续处理：违反本部门其他规定"]
            # a blinded draw's team is left out of the register (the 检查码 page has it); no ID number either
            assert (
                first.content["team_withheld"] and not first.content["team"] and "id_number" not in str(first.content)
            )
            assert register.search(entity.code[:10]).total == 1 and register.search(entity.name).total == 1
        with tenant_scope(ids["tenant"]):
            with pytest.raises(InvalidInputError):
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
            assert {
                task.obj.id: set(task.actions) for task in results_queries.tasks_for(user) if task.kind == "visit"
            } == found
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


def test_a_campaign_is_closed_only_once_every_result_is_published(app):
    with app.app_context():
        ids = handed_out()
        admin, leader = user_named("yjj_admin"), user_named("yjj_leader")
        planner = planner_of(admin)
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            with pytest.raises(ConflictError):
                results.close_campaign(campaign.id, actor=planner)
            for number, one in enumerate(db.session.scalars(listing.every().order_by(listing.Visit.id)).all()):
                chief = next(m for m in results_queries.team_of(one) if m.is_leader).inspector
                if chief.user_id is None:
                    person = tenants.create_user(
                        {
                            "login": f"yjj_chief{number}",
                            "display_name": f"组长{number}",
                            "password": DEMO_PASSWORD,
                            "roles": ["inspector"],
                        },
                        actor=admin,
                    )
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
            with pytest.raises(ForbiddenError):
                results.close_campaign(campaign.id, actor=leader)
            results.close_campaign(campaign.id, actor=planner)
            db.session.commit()
            assert campaigns.get_campaign(ids["campaign"]).status == CampaignStatus.closed


@pytest.mark.seconds(2.1)
def test_a_list_reads_its_teams_at_once_and_allows_exactly_what_each_visit_allows_alone(app):
    """The to-dos and the lists ask what each of many visits allows: inside
    ``teams_read_together`` their teams are read in one query, and the answer is the same as for
    each visit alone — for a team member, a leader of the department and a planner."""
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
