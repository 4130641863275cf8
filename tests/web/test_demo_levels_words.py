"""What the demo's two levels say of themselves (两级演示的用语): a plan under rules asking no filing is in force, not
“待报备”; a coordinator's card lists the departments it may invite, no justice bureau; a justice bureau is not
docked for 一单两库一细则 it is never asked to keep, and a 细则 taken from another department is not its own yet;
results still to record show how late they are; the national floor's open question names whose rules leave it open.

The demo city as ``spotcheck demo`` loads it, walked as each role reads it, on both databases."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.campaigns.models import Campaign
from tests.support.demo_world import demo_city
from tests.support.helpers import signed_in, tenant_id
from tests.support.page_text import visible_text
from tests.support.results_world import handed_out

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def demo(app):
    with app.app_context():
        demo_city(today="2026-11-21")
    return app


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return visible_text(response.get_data(as_text=True))


def _section(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}".*?</(?:section|table)>', html, re.S)
    assert found, element_id
    return visible_text(found.group(0))


def test_a_plan_under_rules_asking_no_filing_reads_in_force_on_every_page(demo):
    """牡丹江市 runs on the national floor alone, which asks no filing: its 市场监督管理局's published plan is in
    force as it stands — the portal does not call it 待报备, its campaign page does not claim a filed plan, its
    own plan list does not ask it to be submitted."""
    public = demo.test_client()
    html = public.get("/public/draws").get_data(as_text=True)
    plan = _section(html, "department-MDJSCJ")
    assert "已公布，规则未要求报备" in plan
    assert "待报备" not in plan
    with demo.app_context(), system_access("test: the root's campaign"):
        campaign_id = db.session.scalar(sa.select(Campaign.id).where(Campaign.code == "牡市监抽〔2026〕1号"))
    page = _text(public, f"/public/draws/campaigns/{campaign_id}")
    assert "年度已备案的检查计划" not in page.replace("未要求列入已备案的检查计划", "")
    assert "批准时适用的规则未要求列入已备案的检查计划" in page
    plans = _text(signed_in(demo, "mdjscj_planner"), "/plans")
    assert "已公布（规则未要求报备）" in plans and "待报备" not in plans
    # where the rules ask filing (宁安市's 实施方案), a filed plan still reads filed
    below = public.get("/public/draws?region=231084").get_data(as_text=True)
    assert "已备案" in _section(below, "department-SCJ")


def test_a_coordinator_is_shown_the_departments_it_may_invite_and_no_justice_bureau(demo):
    """The coordinator's card (“联合检查涉及的部门”) lists inspecting departments only; the justice bureau's
    supervisor still sees every department of its region."""
    coordinator = signed_in(demo, "mdjscj_coord").get("/").get_data(as_text=True)
    own = _section(coordinator, "home-oversight-own")
    assert "牡丹江市市场监督管理局" in own
    assert "司法局" not in own
    supervisor = signed_in(demo, "mdjsfj_supervisor").get("/").get_data(as_text=True)
    assert "牡丹江市司法局" in _section(supervisor, "home-oversight-own")


def test_a_justice_bureau_is_not_docked_for_lists_it_never_keeps(demo):
    """一单两库一细则 are asked of the departments that inspect: 牡丹江市司法局, which keeps no item and only
    supervises, reads 不适用 and its score loses nothing for them."""
    client = signed_in(demo, "mdjsfj_supervisor")
    with demo.app_context():
        bureau = tenant_id("MDJSFJ")
    detail = _text(client, f"/supervision/assessment/{bureau}?period=2026")
    assert "随机抽查事项清单、两库、实施细则有一项缺失或未公布" not in detail
    basics = _text(client, f"/supervision/departments/{bureau}/basics?period=2026")
    assert basics.count("不适用") == 5, basics  # the figure's definition names the word once, then its four rows
    assert "缺失" not in basics
    # 宁安市司法局 keeps items of its own (it checks law firms): its lists are asked of it as of any department
    with demo.app_context():
        inspecting_bureau = tenant_id("SFJ")
    own = _text(signed_in(demo, "sfj_supervisor"), f"/supervision/departments/{inspecting_bureau}/basics?period=2026")
    assert own.count("不适用") == 1 and "齐备" in own  # only the definition's word: its four rows are 齐备 or 缺失


def test_a_rulebook_started_from_another_departments_is_not_counted_as_its_own(demo):
    """宁安市应急管理局's 细则 started from another department's document, its articles not yet confirmed: the
    bureau's drill-down says so, and its 一单两库一细则 are not complete."""
    client = signed_in(demo, "sfj_supervisor")
    with demo.app_context():
        department = tenant_id("YJJ")
    basics = _text(client, f"/supervision/departments/{department}/basics?period=2026")
    assert "条款尚待本部门确认" in basics
    assert "缺失" in basics
    with demo.app_context():
        market = tenant_id("SCJ")
    own = _text(client, f"/supervision/departments/{market}/basics?period=2026")
    assert "条款尚待本部门确认" not in own


def test_results_still_to_record_past_their_deadline_read_overdue_on_the_home(app):
    """A campaign that ended on 30 April with its results still to record: the planner's to-do row names the
    earliest report deadline (the campaign's last day, as no check has ended) and flags it 已逾期 — within the
    window it is named without the flag."""
    with app.app_context(), frozen_at(date(2026, 3, 10)):
        handed_out()
    for day, flagged in ((date(2026, 4, 20), False), (date(2026, 5, 12), True)):
        with frozen_at(day):
            html = signed_in(app, "yjj_planner").get("/").get_data(as_text=True)
        row = re.search(
            r'<tr data-kind="campaign" class="([a-z_]*)">((?:(?!</tr>).)*?results-to-record.*?)</tr>', html, re.S
        )
        assert row, day
        text = visible_text(row.group(2))
        assert "检查结果待录入" in text and "其中最早的报送期限" in text and "2026-04-30" in text
        assert ("已逾期" in text) is flagged and (row.group(1) == "overdue") is flagged


def test_the_floors_open_question_names_whose_rules_leave_it_open(demo):
    """The yearly cap the national floor asks every place to set: the root's bureau is told 牡丹江市 has no rulebook
    of its own, not “the local rulebook”."""
    text = _text(signed_in(demo, "mdjsfj_supervisor"), "/")
    assert "本地规则尚未规定国家要求规定的事项" in text
    assert "牡丹江市（尚无本级实施方案，适用国家规定）尚未规定" in text
    assert "现行本地实施方案尚未规定" not in text
