"""A visit's team after the draw (检查组): experts who join in addition (专家, seed 001: 在满足执法检查
人数要求的基础上，吸收检测机构、科研院所和专家学者等参与) and conflicts declared after the draw (抽取后申报回避,
seed 002: 检查人员与被检查企业有利害关系的，应依法回避), through the commands, the pages and the API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core import storage
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import proof_file
from spotcheck.draw.verify import verify
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, TeamExpert, TeamMember
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.inspectors import commands as inspectors, queries as inspectors_queries
from spotcheck.tenants.inspectors.models import Recusal
from spotcheck.tenants.notices import commands as notices, queries as notice_queries
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import PublishedResult, Visit
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS, VISIT_ACTIONS
from tests.independent.draw_spec_check import check as independent_check
from tests.support.campaign_world import QUALIFICATION, build, id_number, planner_of
from tests.support.documents import pdf_text
from tests.support.helpers import DEMO_PASSWORD, bearer, post_form, signed_in, user_named
from tests.support.leader_accounts import open_leader_accounts
from tests.support.results_world import complete_result, handed_out, teams_drawn, visit


def _expert(admin, *, login: str | None = None):
    """An expert (专家) of the inspector directory, with an inspector's account when ``login`` is given."""
    expert = inspectors.create_inspector(
        {
            "name": "林教授",
            "sex": "女",
            "id_number": id_number(90),
            "agency": "浙江工业大学化工学院",
            "cert_no": "YJJ-Z001",
            "categories": [QUALIFICATION],
            "expertise": "危险化学品工艺安全",
            "is_expert": True,
        },
        actor=admin,
    )
    if login:
        account = tenants.create_user(
            {"login": login, "display_name": "林教授", "password": DEMO_PASSWORD, "roles": ["inspector"]}, actor=admin
        )
        results.link_inspector(expert.id, {"user_id": account.id, "other_name": True}, actor=admin)
    return expert


def _first_visit_entity(campaign) -> int:
    return campaigns.list_team_members(campaign)[0].entity_id


def _rows(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_experts_join_a_team_in_addition_never_lead_or_record_and_are_on_the_notice(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            expert = _expert(admin, login="yjj_expert")
            campaign = campaigns.get_campaign(campaign_id)
            entity_id = _first_visit_entity(campaign)
            drawn = {m.id for m in campaigns.list_team_members(campaign) if m.entity_id == entity_id}
            # what the rule forbids: an inspector adding, a drawn inspector as "expert", a body with no person
            before = _rows(TeamExpert)
            with pytest.raises(ForbiddenError):
                results.add_expert(
                    campaign_id,
                    {"entity_id": entity_id, "kind": "directory", "inspector_id": expert.id},
                    actor=user_named("yjj_inspector"),
                )
            drawn_inspector = campaigns.list_team_members(campaign)[0].inspector_id
            with pytest.raises(InvalidInputError) as refused:
                results.add_expert(
                    campaign_id,
                    {"entity_id": entity_id, "kind": "directory", "inspector_id": drawn_inspector},
                    actor=planner,
                )
            assert set(refused.value.errors) == {"inspector_id"}
            with pytest.raises(InvalidInputError) as refused:
                results.add_expert(
                    campaign_id,
                    {"entity_id": entity_id, "kind": "testing_body", "organisation": "浙江省化工产品质量检验站"},
                    actor=planner,
                )
            assert set(refused.value.errors) == {"name"}
            with pytest.raises(NotFoundError):  # not a visit of the campaign
                results.add_expert(
                    campaign_id,
                    {"entity_id": 999999, "kind": "scholar", "organisation": "某大学", "name": "某人"},
                    actor=planner,
                )
            assert _rows(TeamExpert) == before

            results.add_expert(
                campaign_id, {"entity_id": entity_id, "kind": "directory", "inspector_id": expert.id}, actor=planner
            )
            results.add_expert(
                campaign_id,
                {
                    "entity_id": entity_id,
                    "kind": "testing_body",
                    "name": "孙工",
                    "organisation": "浙江省化工产品质量检验站",
                    "expertise": "储罐检测",
                },
                actor=planner,
            )
            with pytest.raises(InvalidInputError):  # the same expert twice
                results.add_expert(
                    campaign_id, {"entity_id": entity_id, "kind": "directory", "inspector_id": expert.id}, actor=planner
                )
            db.session.commit()
            # never counted toward the drawn team, never its leader: the team is the drawn one
            members = [m for m in campaigns.list_team_members(campaign) if m.entity_id == entity_id]
            assert {m.id for m in members} == drawn and len(members) == campaign.team_size
            assert sum(m.is_leader for m in members) == 1
            assert "hand_out" in CAMPAIGN_STEPS.allowed(campaign, planner)

            results.hand_out(campaign.id, actor=planner)  # the notices job runs (eagerly) with the hand-out
            db.session.commit()
            one = db.session.scalar(
                sa.select(Visit).where(Visit.campaign_id == campaign_id, Visit.entity_id == entity_id)
            )
            assert [m.inspector_id for m in results_queries.team_of(one)] != [] and expert.id not in {
                m.inspector_id for m in results_queries.team_of(one)
            }
            expert_user = user_named("yjj_expert")
            assert VISIT_ACTIONS.allowed(one, expert_user) == frozenset()
            with pytest.raises(ForbiddenError):  # an expert never records the result
                results.record_result(one.id, complete_result({"item": campaign.items[0].id}), actor=expert_user)
            notice = db.session.scalar(
                sa.select(Notice).where(Notice.visit_id == one.id, Notice.kind == NoticeKind.inspection)
            )
            text = pdf_text(storage.read(notice.storage_key))
            assert "专家" in text and "林教授" in text and "孙工" in text and "浙江省化工产品质量检验站" in text
            assert "不计入执法检查人员人数" in text
    page = signed_in(app, "yjj_planner").get(f"/visits/{one.id}").get_data(as_text=True)
    assert "林教授" in page and "孙工" in page and "专家" in page


@pytest.mark.seconds(2.8)
def test_an_expert_added_after_the_notice_is_said_so_and_appears_on_the_published_result(app):
    with app.app_context():
        ids = handed_out(notices=True)
        admin = user_named("yjj_admin")
        planner, chief, leader = planner_of(admin), user_named("yjj_inspector"), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            notice = db.session.scalar(
                sa.select(Notice).where(Notice.visit_id == one.id, Notice.kind == NoticeKind.inspection)
            )
            written, number = notice.sha256, notice.number
            added = results.add_expert(
                ids["campaign"],
                {
                    "entity_id": one.entity_id,
                    "kind": "research_institute",
                    "organisation": "应急管理部化学品登记中心",
                    "name": "周研究员",
                },
                actor=planner,
            )
            removed = results.add_expert(
                ids["campaign"],
                {"entity_id": one.entity_id, "kind": "scholar", "organisation": "浙江大学", "name": "吴教授"},
                actor=planner,
            )
            results.remove_expert(removed.id, actor=planner)
            db.session.commit()
            campaign = campaigns.get_campaign(ids["campaign"])
            assert notice_queries.after_notice(campaign, one.entity_id, [added]) == {added.id: notice.number}
            again = notices.write_campaign_notices(campaign.id, actor=planner)  # a written notice is never rewritten
            assert again["inspection"] == 0 and db.session.get(Notice, notice.id).sha256 == written
            assert [e.name for e in results_queries.teams.experts_of_visit(one)] == ["周研究员"]

            results.record_result(visit(ids).id, complete_result(ids), actor=chief)
            results.submit_result(visit(ids).id, actor=chief)
            with pytest.raises(ConflictError):  # the result is submitted: the team is fixed
                results.remove_expert(added.id, actor=planner)
            results.approve_result(visit(ids).id, actor=leader)
            results.publish_results([ids["visit"]], actor=planner)
            db.session.commit()
            content = db.session.scalar(sa.select(PublishedResult.content).where(PublishedResult.visit_id == one.id))
            experts = [m for m in content["team"] if m.get("expert")]
            assert experts == [
                {"name": "周研究员", "organisation": "应急管理部化学品登记中心", "kind": "科研院所", "expert": True}
            ]
            code = one.entity.code
    planner_page = signed_in(app, "yjj_planner").get(f"/visits/{ids['visit']}").get_data(as_text=True)
    assert "周研究员" in planner_page and number in planner_page and "吴教授" not in planner_page
    public = app.test_client().get(f"/public/results/entities/{code}").get_data(as_text=True)
    assert "周研究员" in public and "应急管理部化学品登记中心" in public and "专家" in public and "吴教授" not in public


@pytest.mark.seconds(1.4)
def test_experts_through_the_team_page_and_the_api(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            expert_id = _expert(admin).id
            entity_id = _first_visit_entity(campaigns.get_campaign(campaign_id))
            db.session.commit()
    url = f"/campaigns/{campaign_id}/teams/{entity_id}"
    planner = signed_in(app, "yjj_planner")
    page = planner.get(url).get_data(as_text=True)
    assert "林教授" in page and 'id="add-directory-expert"' in page
    refused = post_form(planner, f"{url}/experts", {"kind": "testing_body", "organisation": "检验站"}, token_from=url)
    assert refused.status_code == 422
    added = post_form(planner, f"{url}/experts", {"kind": "directory", "inspector_id": str(expert_id)}, token_from=url)
    assert added.status_code == 302
    assert "林教授" in planner.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    public_draw = app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    # a blinded draw's page names no business beside its team, experts included (the 检查码 page has them)
    assert "林教授" not in public_draw and "浙江工业大学化工学院" not in public_draw
    leader_view = signed_in(app, "yjj_leader").get(url).get_data(as_text=True)
    assert "林教授" in leader_view and 'id="add-directory-expert"' not in leader_view

    client, headers = app.test_client(), bearer(app, "yjj_planner")
    created = client.post(
        f"/api/v1/campaigns/{campaign_id}/teams/{entity_id}/experts",
        headers=headers,
        json={"kind": "scholar", "organisation": "浙江大学", "name": "吴教授"},
    )
    assert created.status_code == 201 and created.json["kind"] == "scholar" and created.json["active"]
    team = client.get(f"/api/v1/campaigns/{campaign_id}/teams/{entity_id}", headers=headers).json
    assert {e["name"] for e in team["experts"]} == {"林教授", "吴教授"} and len(team["members"]) == 2
    targets = client.get(f"/api/v1/campaigns/{campaign_id}/targets?status=selected&limit=200", headers=headers).json
    row = next(t for t in targets["items"] if t["entity_id"] == entity_id)
    assert {e["name"] for e in row["experts"]} == {"林教授", "吴教授"} and len(row["team"]) == 2
    removed = client.post(f"/api/v1/campaigns/{campaign_id}/experts/{created.json['id']}/remove", headers=headers)
    assert removed.status_code == 200 and removed.json["active"] is False
    inspector = bearer(app, "yjj_inspector")
    assert (
        client.post(
            f"/api/v1/campaigns/{campaign_id}/teams/{entity_id}/experts",
            headers=inspector,
            json={"kind": "scholar", "organisation": "x", "name": "y"},
        ).status_code
        == 403
    )
    other = bearer(app, "scj_planner")  # another department's campaign is not found
    assert client.get(f"/api/v1/campaigns/{campaign_id}/teams/{entity_id}", headers=other).status_code == 404


def test_a_joint_campaign_takes_no_expert_and_its_conflicts_are_declared_on_the_joint_page_saying_so(app):
    """The team page of a department's own campaign takes neither for a joint campaign or its parts: a joint
    visit's conflict is declared by the member on the visit's page or by the coordinator on the joint page,
    who replaces the member by the joint draw (tests/commands/test_joint_recusal.py)."""
    with app.app_context():
        joint = Campaign(joint=True, status=CampaignStatus.inspectors_drawn)
        part = Campaign(joint=False, joint_id=1, status=CampaignStatus.notified)
        for campaign in (joint, part):
            for action, words in (("add_expert", "联合抽查"), ("declare_recusal", "联合抽查页面申报.*替换")):
                with pytest.raises(ConflictError, match=words):
                    CAMPAIGN_ACTIONS.check_state(campaign, action)


@pytest.mark.seconds(2.0)
def test_a_conflict_declared_after_the_draw_stops_the_hand_out_until_the_member_is_replaced(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            member = campaigns.list_team_members(campaign)[0]
            entity_name, cert_no = member.entity.name, member.inspector.cert_no
            with pytest.raises(InvalidInputError):  # the conflict is stated
                results.declare_member_recusal(campaign_id, member.id, {"reason": ""}, actor=planner)
            with pytest.raises(ForbiddenError):  # an inspector declares only on their own visit, never for others
                results.declare_member_recusal(
                    campaign_id, member.id, {"reason": "亲属任职"}, actor=user_named("yjj_inspector")
                )
            results.declare_member_recusal(
                campaign_id, member.id, {"reason": "其配偶在该企业任安全主管"}, actor=planner
            )
            db.session.commit()
            # the conflict is in the inspector directory: later draws leave the pair out
            [recusal] = inspectors_queries.list_recusals(inspectors_queries.get_inspector(member.inspector_id))
            assert recusal.entity_id == member.entity_id and recusal.reason == "其配偶在该企业任安全主管"

            with pytest.raises(ConflictError) as refused:
                results.hand_out(campaign.id, actor=planner)
            assert "应依法回避" in str(refused.value) and entity_name in str(refused.value)
            assert _rows(Visit) == 0 and campaigns.get_campaign(campaign_id).status == CampaignStatus.inspectors_drawn
            with pytest.raises(InvalidInputError):  # the replacement names the conflict as its reason
                campaign_commands.replace_inspector(
                    campaign.id, {"member_id": member.id, "reason": "leave"}, actor=planner
                )

            new = campaign_commands.replace_inspector(
                campaign.id, {"member_id": member.id, "reason": "conflict"}, actor=planner
            )
            db.session.commit()
            assert new.inspector.cert_no != cert_no and new.recusal_id is None
            record = campaigns.draw(campaign, "inspectors")
            proof = proof_file.loads(draw_steps.published_bytes(record))
            assert proof["replacements"][-1]["out"] == cert_no and proof["replacements"][-1]["reason"] == "conflict"
            assert proof["algorithm"] == "spotcheck-draw/3"  # a new draw, and its replacement, by version 3
            assert all(check.ok for check in verify(proof))
            independent_check(proof)
            open_leader_accounts(campaign_id, "yjj")  # the 组长 who came leads: the hand-out asks their account
            assert len(results.hand_out(campaigns.get_campaign(campaign_id).id, actor=planner)) > 0


def test_a_conflict_on_a_handed_out_visit_stops_its_result_until_the_replacement(app):
    with app.app_context():
        ids = handed_out()
        admin = user_named("yjj_admin")
        planner, chief, member = planner_of(admin), user_named("yjj_inspector"), user_named("yjj_inspector2")
        with tenant_scope(ids["tenant"]):
            with pytest.raises(ForbiddenError):  # nobody declares for a visit they are not on
                results.declare_own_recusal(ids["visit"], {"reason": "亲属任职"}, actor=user_named("yjj_leader"))
            declared = results.declare_own_recusal(ids["visit"], {"reason": "本人曾在该企业任职"}, actor=member)
            db.session.commit()
            assert (
                db.session.scalar(sa.select(Recusal.reason).where(Recusal.id == declared.recusal_id))
                == "本人曾在该企业任职"
            )
            one = visit(ids)
            assert "record" not in VISIT_ACTIONS.allowed(one, chief)
            assert "import" not in VISIT_ACTIONS.allowed(one, planner)
            with pytest.raises(ConflictError, match="应依法回避"):
                results.record_result(one.id, complete_result(ids), actor=chief)
            assert visit(ids).record == "" and visit(ids).status.value == "assigned"  # nothing changed
            page = signed_in(app, "yjj_inspector").get(f"/visits/{ids['visit']}").get_data(as_text=True)
            assert 'id="visit-recused"' in page and 'id="result-form"' not in page

            campaign = campaigns.get_campaign(ids["campaign"])
            campaign_commands.replace_inspector(
                campaign.id, {"member_id": declared.id, "reason": "conflict"}, actor=planner
            )
            db.session.commit()
            assert member.id not in {m.inspector.user_id for m in results_queries.team_of(visit(ids))}
            results.record_result(visit(ids).id, complete_result(ids), actor=chief)
            results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            assert visit(ids).status.value == "submitted"
            record = campaigns.draw(campaign, "inspectors")
            assert all(check.ok for check in verify(proof_file.loads(draw_steps.published_bytes(record))))
            assert (
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(TeamMember)
                    .where(TeamMember.campaign_id == ids["campaign"], TeamMember.recusal_id.is_not(None))
                )
                == 1
            )
            with pytest.raises(ConflictError):  # the replacement in the proof cites it: it stays in the directory
                inspectors.withdraw_recusal(declared.recusal_id, actor=admin)
            assert db.session.get(Recusal, declared.recusal_id) is not None


@pytest.mark.seconds(1.2)
def test_recusals_through_the_pages_and_the_api(app):
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            member = next(m for m in results_queries.team_of(visit(ids)) if not m.is_leader)
            entity_id = visit(ids).entity_id
    page = f"/visits/{ids['visit']}"
    inspector2 = signed_in(app, "yjj_inspector2")
    assert 'id="own-recusal"' in inspector2.get(page).get_data(as_text=True)
    assert post_form(inspector2, f"{page}/recusal", {"reason": ""}, token_from=page).status_code == 422
    client = app.test_client()
    declared = client.post(
        f"/api/v1/visits/{ids['visit']}/recusal",
        headers=bearer(app, "yjj_inspector2"),
        json={"reason": "本人曾在该企业任职"},
    )
    assert declared.status_code == 200
    assert any(m["recused"] for m in declared.json["team"]) and "record" not in declared.json["actions"]
    team_url = f"/campaigns/{ids['campaign']}/teams/{entity_id}"
    planner = signed_in(app, "yjj_planner")
    assert "本人曾在该企业任职" in planner.get(team_url).get_data(as_text=True)
    replaced = post_form(planner, f"{team_url}/members/{member.id}/replace", {}, token_from=team_url)
    assert replaced.status_code == 302
    after = client.get(f"/api/v1/visits/{ids['visit']}", headers=bearer(app, "yjj_inspector")).json
    assert not any(m["recused"] for m in after["team"]) and "record" in after["actions"]
    headers = bearer(app, "yjj_planner")
    other = after["team"][0]
    with app.app_context(), tenant_scope(ids["tenant"]):
        leader_member = next(m for m in results_queries.team_of(visit(ids)) if m.is_leader)
    by_planner = client.post(
        f"/api/v1/campaigns/{ids['campaign']}/team-members/{leader_member.id}/recusal",
        headers=headers,
        json={"reason": "其亲属为该企业法定代表人"},
    )
    assert by_planner.status_code == 200 and by_planner.json["recused"] is True and other["is_leader"]
