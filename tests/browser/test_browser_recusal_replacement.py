"""An accepted recusal replaces, and leaders who can record (issue 95, points 3 and 4), in a real browser at a phone's
width (390 px, zh-CN): the leader accepts a business's request and the team is replaced at once, the code's page
naming the new team; with nobody eligible left, the planner finds 替换回避人员 on their home; the coordinator accepts a
request against a joint visit's 组长 and the code follows the new one; a hand-out refused while a 组长 has no account,
passing once the department's administrator opened the accounts in one step from their home. Screenshots land in
``/tmp/spotcheck-shots/recusal-*.png``."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.results import codes, commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from tests.support.browsers import Person, assert_clean, save_shot
from tests.support.campaign_world import build, campaign_data, planner_of
from tests.support.helpers import served, tenant_id, user_named
from tests.support.joint_world import part_visit, picture, world as joint_world
from tests.support.results_world import handed_out

pytestmark = pytest.mark.browser

DURING = date(2026, 4, 1)
PHONE = {"width": 390, "height": 844}


def _ask(token: str, business: str, cert_no: str) -> None:
    results.request_recusal(
        token, {"business_code": business, "cert_no": cert_no, "reason": "该检查人员的配偶在本企业任职。"}
    )


@pytest.fixture(scope="module")
def single(sqlite_template, tmp_path_factory):
    """A campaign handed out; the business asks that the second visit's member withdraw; the first visit's member
    asked too, after the planner replaced it until nobody eligible is left."""
    found: dict = {}

    def prepare(app):
        with frozen_at(DURING):
            ids = handed_out()
            planner = planner_of(user_named("yjj_admin"))
            with tenant_scope(ids["tenant"]):
                first, second = sorted(
                    db.session.scalars(sa.select(Visit).where(Visit.campaign_id == ids["campaign"])),
                    key=lambda v: v.id,
                )[:2]
                for _ in range(50):  # the first visit's pool runs out
                    member = results_queries.team_of(first)[1]
                    try:
                        campaign_commands.replace_inspector(
                            ids["campaign"], {"member_id": member.id, "reason": "leave"}, actor=planner
                        )
                    except ConflictError:
                        break
                    db.session.commit()
                asked = []
                for one in (second, first):  # the second visit replaced at once, the first waiting
                    one = db.session.get(Visit, one.id)
                    member = results_queries.team_of(one)[1]
                    asked.append(
                        (one.id, one.entity.name, one.code.token, codes.business_code(one.code), member.shown_cert_no)
                    )
            for _visit, _name, token, business, cert_no in asked:
                _ask(token, business, cert_no)
            found.update(ids, asked=asked)

    with served(sqlite_template, tmp_path_factory.mktemp("recusal-single"), prepare) as (_app, url):
        found["url"] = url
        yield found


def _accept(person: Person, visit_id: int) -> None:
    page = person.go(f"/visits/{visit_id}#recusal-requests")
    page.set_viewport_size(PHONE)
    form = page.locator("#recusal-requests form").first
    form.locator('input[name="accept"][value="yes"]').check()
    form.locator('input[name="reason"]').fill("经核实属实，同意回避。")
    person.submit("#recusal-requests form button[type=submit]")
    assert "该检查人员退出本次检查，按随机抽取规则替换" in person.confirmations[-1]


def test_a_leader_accepts_and_the_member_is_replaced_at_once(browser, single):
    visit_id, _name, token, _business, cert_no = single["asked"][0]
    leader = Person(browser, single["url"], "yjj_leader")
    try:
        _accept(leader, visit_id)
        page = leader.page
        outcome = page.locator("#recusal-requests .recusal-outcome")
        assert "已按随机抽取规则替换" in outcome.inner_text()
        assert page.locator("#visit-recused").count() == 0  # nothing waits
        save_shot(page, "recusal-accepted-replaced")
        assert_clean(page)
        public = leader.go(f"/public/checks/{token}")
        team = public.locator("#check-team").inner_text()
        assert cert_no not in team  # the business sees the new team on the code's page
        save_shot(public, "recusal-code-page-new-team")
    finally:
        leader.close()


@pytest.fixture(scope="module")
def joint(sqlite_template, tmp_path_factory):
    """A joint campaign handed out; the business asks that the 组长 of a visit with a member of each department
    withdraw."""
    found: dict = {}

    def prepare(app):
        with frozen_at(DURING):
            ids = joint_world("handed_out")
            _campaign, groups, mixed = picture(ids)
            entity_id = next(
                e for e, drawn_by in groups.items() if len(drawn_by) == 2 and len({m.group_code for m in mixed[e]}) == 2
            )
            leader = next(m for m in mixed[entity_id] if m.is_leader)
            other = next(m for m in mixed[entity_id] if not m.is_leader)
            with tenant_scope(tenant_id(leader.group_code)):
                code = part_visit(ids, leader.group_code, entity_id).code
                token, business = code.token, codes.business_code(code)
            _ask(token, business, leader.cert_no)
            found.update(
                campaign=ids["campaign"], token=token, out=leader.cert_no, new=other.cert_no, name=other.inspector_name
            )

    with served(sqlite_template, tmp_path_factory.mktemp("recusal-joint"), prepare) as (_app, url):
        found["url"] = url
        yield found


def test_a_recused_team_leader_of_a_joint_visit_is_replaced_and_the_code_follows_the_new_one(browser, joint):
    coord = Person(browser, joint["url"], "scj_coord")
    try:
        page = coord.go(f"/joint/{joint['campaign']}#recusal-requests")
        page.set_viewport_size(PHONE)
        form = page.locator("#recusal-requests form").first
        form.locator('input[name="accept"][value="yes"]').check()
        form.locator('input[name="reason"]').fill("经核实，安排其回避。")
        coord.submit("#recusal-requests form button[type=submit]")
        assert "替换" in coord.confirmations[-1]
        assert "已按随机抽取规则替换" in page.locator("#recusal-requests .recusal-outcome").first.inner_text()
        save_shot(page, "recusal-joint-leader-replaced")
        assert_clean(page)
        public = coord.go(f"/public/checks/{joint['token']}")  # the same code, now held by the new 组长's department
        rows = public.locator("#check-team tbody tr")
        leading = [rows.nth(i).inner_text() for i in range(rows.count()) if "组长" in rows.nth(i).inner_text()]
        assert len(leading) == 1 and joint["new"] in leading[0] and joint["out"] not in public.content()
        save_shot(public, "recusal-joint-code-page")
    finally:
        coord.close()


@pytest.fixture(scope="module")
def drawn(sqlite_template, tmp_path_factory):
    """A campaign drawn with its leaders named (the first drawn), none of whom has an account yet."""
    found: dict = {}

    def prepare(app):
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), user_named("yjj_leader")
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:人大代表 1234"]}, actor=planner)
            campaign_commands.freeze_inspectors(campaign.id, actor=planner)
            campaign_commands.draw_inspectors(campaign.id, {"public_inputs": ["observer:测试 0001"]}, actor=planner)
            campaign_commands.designate_leaders(campaign.id, {"rule": "first_drawn"}, actor=planner)
            db.session.commit()
            leaders = sorted(
                {
                    m.inspector.name
                    for m in campaigns.list_team_members(campaigns.get_campaign(campaign.id))
                    if m.is_leader and m.active
                }
            )
            found.update(campaign=campaign.id, leaders=leaders)

    with served(sqlite_template, tmp_path_factory.mktemp("recusal-handout"), prepare) as (_app, url):
        found["url"] = url
        yield found


def test_the_hand_out_waits_for_the_leaders_accounts_opened_in_one_step(browser, drawn):
    planner = Person(browser, drawn["url"], "yjj_planner")
    try:
        page = planner.go(f"/campaigns/{drawn['campaign']}")
        page.set_viewport_size(PHONE)
        warning = page.locator("#leaders-without-account").inner_text()
        assert "检查任务暂不能下达" in warning and all(name in warning for name in drawn["leaders"])
        assert page.locator("#campaign-hand-out").count() == 0  # refused: no hand-out to press
        save_shot(page, "recusal-handout-refused")
        assert_clean(page)
    finally:
        planner.close()

    admin = Person(browser, drawn["url"], "yjj_admin")
    try:
        page = admin.go("/")
        page.set_viewport_size(PHONE)
        row = page.locator('#home-tasks tr[data-kind="leader_accounts"]')
        assert row.count() == 1 and "为这些组长开通账号" in row.inner_text()
        save_shot(page, "recusal-admin-todo")
        with page.expect_navigation():
            row.locator("a.task-step").click()
        chosen = page.locator("#accounts-selection")
        assert chosen.get_attribute("data-selection-count") == str(len(drawn["leaders"]))
        # a search elsewhere keeps the selection: the leaders stay chosen though none is listed
        page.fill("#q", "不存在的姓名")
        with page.expect_navigation():
            page.click("#inspector-search button[type=submit]")
        assert page.locator("#accounts-selection").get_attribute("data-selection-count") == str(len(drawn["leaders"]))
        save_shot(page, "recusal-admin-selection")
        assert_clean(page)
        admin.submit("#create-accounts")
        assert page.inner_text("h1") == "账号交接单"
        assert page.locator("#issued-accounts tbody tr").count() == len(drawn["leaders"])
        save_shot(page, "recusal-admin-sheet")
        page = admin.go("/")
        assert page.locator('#home-tasks tr[data-kind="leader_accounts"]').count() == 0
    finally:
        admin.close()

    planner = Person(browser, drawn["url"], "yjj_planner")
    try:
        page = planner.go(f"/campaigns/{drawn['campaign']}")
        assert page.locator("#leaders-without-account").count() == 0
        assert page.locator("#campaign-hand-out").count() == 1
        planner.submit("#campaign-hand-out button[type=submit]")
        assert planner.confirmations and page.locator(".flash.error").count() == 0  # not refused
        page = planner.go(f"/campaigns/{drawn['campaign']}")
        assert page.locator("#campaign-visit-list").count() == 1  # handed out: the visits and their results
        save_shot(page, "recusal-handed-out")
    finally:
        planner.close()
