"""A check of named businesses (特定对象检查) and a check registered after it was made (事后登记) in their own words,
as a walk of the pages found them: registered, never drawn, wherever a status is shown; the public list says what
the campaign's public page says; the leader approves a draft knowing each business by its name and its checks
against the yearly cap, and the approval speaks of the inspector draw; their lists are of the businesses checked,
and a late check reads as registered afterwards, from its first step."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import CampaignTarget, TargetStatus
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import commands as results
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.demo_world import demo_city
from tests.support.helpers import level_url, signed_in, user_named
from tests.support.leader_accounts import open_leader_accounts
from tests.support.named_world import handed_out, named_data, registered
from tests.support.rules_files import load_department_cap

DAY = date(2026, 3, 12)
#: The drawn and the registered step, as a random campaign and a named check say them.
DRAWN, REGISTERED = "已抽取检查对象", "检查对象已登记"


@pytest.fixture
def world(app):
    with app.app_context():
        return build()


def _late(world) -> int:
    """A check made on 2026-03-10 after an accident, registered by the leader with the first two inspectors and
    handed to them."""
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        team = list(db.session.scalars(sa.select(Inspector.id).order_by(Inspector.id).limit(2)))
        campaign = campaign_commands.register_emergency(
            {
                **campaign_data(world),
                "title": "冷库液氨泄漏事故现场紧急检查",
                "checked_on": "2026-03-10",
                "team": team,
                "late_reason": "事故发生后须立即到场排查，来不及事先登记。",
                "named_targets": [
                    {"entity_code": world["codes"][5], "cause": "accident", "reference": "3月10日 液氨泄漏"}
                ],
            },
            actor=leader_of(admin),
        )
        open_leader_accounts(campaign.id, "yjj")  # the hand-out asks the 组长's account
        results.hand_out(campaign.id, actor=planner_of(admin))
        db.session.commit()
        return campaign.id


def _public_statuses(client, campaign_id: int) -> tuple[str, str]:
    """The campaign's status on the public list of draws, and on its own public page."""
    listed = client.get(level_url(client.application, "/public/draws", year=2026)).get_data(as_text=True)
    row = listed.split(f'data-campaign="{campaign_id}"')[1].split("</tr>")[0]
    page = client.get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    return (
        re.search(r'class="public-stage"[^>]*>([^<]*)<', row).group(1).strip(),
        re.search(r'id="public-status">([^<]*)<', page).group(1).strip(),
    )


def test_an_approved_named_check_reads_registered_wherever_its_status_is_shown(app, world):
    with app.app_context(), frozen_at(DAY):
        campaign_id = registered(world)
    planner = signed_in(app, "yjj_planner")
    with frozen_at(DAY):
        listed = planner.get("/campaigns").get_data(as_text=True)
        home = planner.get("/").get_data(as_text=True)
        page = planner.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
        public = _public_statuses(app.test_client(), campaign_id)
    row = listed.split(f'data-campaign="{campaign_id}"')[1].split("</tr>")[0]
    assert REGISTERED in row and DRAWN not in row
    assert REGISTERED in home and DRAWN not in home  # the planner's next step: freeze the inspector frame
    facts = page[page.index('id="campaign-facts"') :]
    assert REGISTERED in facts.split("</dd>")[0] and DRAWN not in page
    assert public == ("已批准，已公布抽取承诺值",) * 2  # not disclosed yet: no more than its approval


def test_the_public_list_says_what_the_campaigns_public_page_says(app, world):
    with app.app_context(), frozen_at(DAY):
        withheld = handed_out(world)["campaign"]  # its team drawn and handed its visit, not yet gone (离企)
        late = _late(world)
    client = app.test_client()
    with frozen_at(DAY):
        listed, shown = _public_statuses(client, withheld)
        assert listed == shown == "已批准，已公布抽取承诺值"  # the list reveals no more than the page withholds
        listed, shown = _public_statuses(client, late)
        assert listed == shown == "事后登记"  # not 已下达检查任务: no check is still to come


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_public_campaign_of_the_demo_has_one_status_on_the_list_and_on_its_page(app):
    with app.app_context():
        demo_city(today="2026-11-21")
    client = app.test_client()
    with frozen_at(date(2026, 11, 21)):
        listed = client.get(level_url(app, "/public/draws", year=2026)).get_data(as_text=True)
        rows = re.findall(
            r'<tr data-campaign="(\d+)">\s*<td[^>]*><a [^>]*>([^<]*)</a>.*?class="public-stage"[^>]*>([^<]*)<',
            listed,
            re.S,
        )
        stages = {code: stage.strip() for _, code, stage in rows}
        for campaign_id, code, _ in rows:
            page = client.get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
            assert re.search(r'id="public-status">([^<]*)<', page).group(1).strip() == stages[code], code
    assert stages["宁市监查〔2026〕2号"] == "已批准，已公布抽取承诺值"  # its team drawn, withheld until it has left
    assert stages["宁应急查〔2026〕1号"] == "事后登记" and stages["宁市监查〔2026〕1号"] == "结果已公示"
    assert stages["宁应急抽〔2026〕1号"] == "已抽取执法检查人员"  # a random campaign's words stay its own


def test_the_leader_approves_a_named_draft_knowing_each_business_its_cause_and_its_checks_against_the_cap(app, world):
    with app.app_context(), frozen_at(DAY):
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            load_department_cap(admin.tenant_id, 1)
            planner = planner_of(admin)
            drawn = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(drawn.id, actor=leader_of(admin))
            campaign_commands.freeze_targets(drawn.id, actor=planner)
            campaign_commands.draw_targets(drawn.id, {"public_inputs": ["observer:测试"]}, actor=planner)
            checked = db.session.scalar(
                sa.select(Entity)
                .join(CampaignTarget, CampaignTarget.entity_id == Entity.id)
                .where(CampaignTarget.campaign_id == drawn.id, CampaignTarget.status == TargetStatus.selected)
                .order_by(Entity.code)
            )
            fresh = db.session.scalar(
                sa.select(Entity)
                .where(
                    Entity.code.in_(world["codes"]),
                    Entity.id.not_in(sa.select(CampaignTarget.entity_id).where(CampaignTarget.campaign_id == drawn.id)),
                )
                .order_by(Entity.code)
            )
            draft = campaign_commands.create_campaign(
                named_data(
                    world,
                    title="交办及投诉核查",
                    named_targets=[
                        {"entity_code": checked.code, "cause": "referral", "reference": "市监移〔2026〕7号"},
                        {"entity_code": fresh.code, "cause": "complaint", "reference": "TS-2026-0012"},
                    ],
                ),
                actor=planner,
            )
            db.session.commit()
            draft_id, checked, fresh = draft.id, (checked.code, checked.name), (fresh.code, fresh.name)
    with frozen_at(DAY):
        page = signed_in(app, "yjj_leader").get(f"/campaigns/{draft_id}").get_data(as_text=True)
    listed = page[page.index('id="named-draft"') : page.index('id="campaign-approval"')]
    assert "本部门每年对同一企业的检查次数上限：1次" in listed  # the cap, with the rule that sets it
    checked_row = listed.split(f'data-code="{checked[0]}"')[1].split("</tr>")[0]
    assert checked[1] in checked_row and "有关部门转办移送" in checked_row and "本部门 1 次，上限 1 次" in checked_row
    assert "已达上限：批准时将被拒绝" in checked_row
    fresh_row = listed.split(f'data-code="{fresh[0]}"')[1].split("</tr>")[0]
    assert fresh[1] in fresh_row and "投诉举报" in fresh_row and "此检查原因不计入上限" in fresh_row
    confirm = re.search(r'id="campaign-approve" data-confirm="([^"]*)"', page).group(1)
    assert "执法检查人员抽取的承诺值" in confirm and "目标抽取" not in confirm and "检查对象抽取" not in confirm


def test_named_and_late_checks_list_their_businesses_and_a_late_one_reads_as_registered_afterwards(app, world):
    with app.app_context(), frozen_at(DAY):
        named_id, late_id = registered(world), _late(world)
    leader, public = signed_in(app, "yjj_leader"), app.test_client()
    with frozen_at(DAY):
        for page in (
            leader.get(f"/campaigns/{named_id}").get_data(as_text=True),
            leader.get(f"/campaigns/{late_id}").get_data(as_text=True),
        ):
            listed = page[page.index('id="results"') :]
            assert "检查对象名单" in listed and "抽取名单" not in listed
            assert 'name="status"' not in listed and "备选" not in listed and "已替换" not in listed
        steps = re.search(r'id="campaign-steps".*?</ol>', page, re.S).group(0)
        assert re.findall(r"<li[^>]*>([^<]*)</li>", steps) == ["事后登记", REGISTERED, "检查组已登记"]  # never a draft
        facts = page[page.index('id="campaign-facts"') : page.index("</section>", page.index('id="campaign-facts"'))]
        assert "事后登记时间" in facts and "已批准" not in facts and "批准时登记" not in facts
        assert "检查后事后登记" in facts
        shown = public.get(f"/public/draws/campaigns/{late_id}").get_data(as_text=True)
        assert "检查对象名单" in shown and "抽取名单" not in shown
        assert "事后登记时间" in shown and "已批准" not in shown
