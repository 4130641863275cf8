"""Dates inside their year and refusals citing their rules (issue 94 §1 and §3), through the pages and the API as
the people who try them: the planner and leader of a campaign whose window is over, the planner choosing regions
from the tree, the planner titling next year's plan with this year's, the platform administrator naming a new
department's region, the administrator leaving out a certificate number, the 组长 dating a check ahead, the planner
handing out teams without their 组长 and a coordinator of another field starting a market-regulation joint
campaign."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest

from spotcheck.core.clock import SHANGHAI, frozen_at, today
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from tests.support.campaign_world import CATEGORY, build, campaign_data, leader_of, planner_of
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named
from tests.support.results_world import complete_result, handed_out

pytestmark = pytest.mark.planning_clock  # the window and plan-year rules read the one clock

BEFORE, AFTER = (datetime(2026, month, day, 10, tzinfo=SHANGHAI) for month, day in ((2, 20), (5, 4)))
WUSHEN = "《宁安市应急管理局细则（参数取自乌审旗应急管理局方案，条款待本部门确认）》"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_the_api_refuses_a_campaign_whose_window_is_over_at_saving_and_at_approval(app):
    client = app.test_client()
    with app.app_context(), frozen_at(BEFORE):  # the world prepared before its windows
        world = build()
    planner, leader = bearer(app, "yjj_planner"), bearer(app, "yjj_leader")
    data = {**campaign_data(world), "window_start": "2026-03-01", "window_end": "2026-04-30"}
    with frozen_at(AFTER):
        refused = client.post("/api/v1/campaigns", json=data, headers=planner)
    assert refused.status_code == 422 and set(refused.json["errors"]["json"]) == {"window_end"}
    assert "2026-04-30" in refused.json["errors"]["json"]["window_end"][0]
    with frozen_at(BEFORE):
        created = client.post("/api/v1/campaigns", json=data, headers=planner)
    assert created.status_code == 201, created.json
    with frozen_at(AFTER):
        late = client.post(f"/api/v1/campaigns/{created.json['id']}/approve", headers=leader)
    assert late.status_code == 422 and "window_end" in late.json["errors"]["json"]
    assert client.get(f"/api/v1/campaigns/{created.json['id']}", headers=planner).json["code"] in (None, "")


def test_the_campaign_form_lists_the_branchs_regions_and_the_api_takes_a_name(app):
    """The planner of 宁安市应急管理局 picks regions from 宁安市 and the regions below it (宁安镇), never 海林市; the
    API takes 宁安镇 by its name as its code and refuses 海林市."""
    client = app.test_client()
    with app.app_context(), frozen_at(BEFORE):  # the world prepared before its windows
        world = build()
    form = _text(signed_in(app, "yjj_planner").get("/campaigns/new"))
    assert re.search(r'type="checkbox"[^>]*value="231084100"', form) and "宁安镇（231084100）" in form
    assert "海林市" not in form
    planner = bearer(app, "yjj_planner")
    with frozen_at(BEFORE):
        target_filter = {"categories": [CATEGORY], "regions": ["宁安镇"]}
        created = client.post(
            "/api/v1/campaigns", json=campaign_data(world, target_filter=target_filter), headers=planner
        )
        refused = client.post(
            "/api/v1/campaigns", json=campaign_data(world, target_filter={"regions": ["海林市"]}), headers=planner
        )
    assert created.status_code == 201 and created.json["target_filter"]["regions"] == ["231084100"]
    assert refused.status_code == 422 and "海林市" in refused.json["errors"]["json"]["regions"][0]


def test_next_years_plan_titled_with_this_years_is_refused_on_the_page(app):
    """The planner drafting next year's plan who leaves the page's title of this year is told, on the page, to give
    the plan its own year's title."""
    with app.app_context(), frozen_at(BEFORE):  # the world prepared before its windows
        build()
    client = signed_in(app, "yjj_planner")
    year = today().year
    form = _text(client.get("/plans/new"))
    title = re.search(r'name="title"[^>]*value="([^"]*)"', form).group(1)
    assert str(year) in title
    answer = post_form(
        client, "/plans/new", {"year": str(year + 1), "half": "", "title": title}, token_from="/plans/new"
    )
    page = _text(answer)
    assert answer.status_code in (200, 422) and "请使用与计划年度一致的标题" in page and str(year + 1) in page
    past = post_form(client, "/plans/new", {"year": str(year - 1), "half": "", "title": f"{year - 1}年度计划"})
    assert "已经过去" in _text(past)


def test_the_platform_administrator_names_a_new_departments_region_by_its_name(app):
    client = signed_in(app, "admin")
    form = _text(client.get("/platform/tenants/new"))
    assert 'list="region-names"' in form and '<option value="宁安镇">' in form
    fields = {
        "code": "NAWL",
        "name": "宁安镇文旅站",
        "kind": "ordinary",
        "short_name": "",
        "admin_login": "nawl_admin",
        "admin_name": "文旅管理员",
        "admin_password": "Spotcheck-2026-x",
    }
    wrong = post_form(
        client, "/platform/tenants/new", {**fields, "region": "穆棱镇"}, token_from="/platform/tenants/new"
    )
    said = _text(wrong)
    assert "穆棱镇" in said and "“区划”页面" in said and "regions load" not in said
    created = post_form(
        client, "/platform/tenants/new", {**fields, "region": "宁安镇"}, token_from="/platform/tenants/new"
    )
    assert created.status_code == 302
    with app.app_context():
        assert tenant_id("NAWL") is not None


def test_the_api_refusals_of_the_administrator_the_inspector_and_the_planner_cite_their_rules(app):
    """A certificate number left out (三（三）), a check dated tomorrow (四（三）), teams handed out without their
    组长 (四（三）): each refusal of the API names 应急管理局's 细则 and its article."""
    client = app.test_client()
    admin = bearer(app, "yjj_admin")
    missing = client.post(
        "/api/v1/inspectors",
        headers=admin,
        json={"name": "缺证号", "sex": "男", "post": "科员", "agency": "执法大队", "categories": ["安全生产"]},
    )
    assert missing.status_code == 422 and f"{WUSHEN}三（三）" in missing.json["errors"]["json"]["cert_no"][0]

    with app.app_context(), frozen_at(BEFORE):  # handed out before the window opened
        ids = handed_out()
    chief = bearer(app, "yjj_inspector")
    ahead = complete_result(ids, checked_on=(today() + timedelta(days=1)).isoformat())
    dated = client.put(f"/api/v1/visits/{ids['visit']}/result", json=ahead, headers=chief)
    assert dated.status_code == 422 and f"{WUSHEN}四（三）" in dated.json["errors"]["json"]["checked_on"][0]

    with app.app_context():
        world = ids["world"]
        planner_user = planner_of(user_named("yjj_admin"))
        with tenant_scope(world["tenant"]):
            with frozen_at(BEFORE):
                campaign = campaign_commands.create_campaign(
                    campaign_data(world, title="未指定组长的抽查"), actor=planner_user
                )
                campaign_commands.approve(campaign.id, actor=leader_of(planner_user))
            campaign_commands.freeze_targets(campaign.id, actor=planner_user)
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=planner_user)
            campaign_commands.freeze_inspectors(campaign.id, actor=planner_user)
            campaign_commands.draw_inspectors(campaign.id, {"public_inputs": ["observer:测试"]}, actor=planner_user)
            db.session.commit()
            campaign_id = campaign.id
    refused = client.post(f"/api/v1/campaigns/{campaign_id}/hand-out", headers=bearer(app, "yjj_planner"))
    assert refused.status_code == 409 and f"{WUSHEN}四（三）" in refused.json["message"]


def test_a_market_joint_campaign_by_another_fields_coordinator_is_refused_citing_the_rule(app):
    client = app.test_client()
    coord = bearer(app, "yjj_coord")
    with frozen_at(BEFORE):
        refused = client.post(
            "/api/v1/joint",
            headers=coord,
            json={
                "title": "市场监管领域联合抽查",
                "field": "market",
                "year": 2026,
                "window_start": "2026-03-01",
                "window_end": "2026-04-30",
                "team_size": 2,
                "department_ids": [tenant_id_in(app, "YJJ"), tenant_id_in(app, "SWJ")],
            },
        )
    assert refused.status_code == 422
    assert "第1条、第10条" in refused.json["errors"]["json"]["field"][0]


def tenant_id_in(app, code: str) -> int:
    with app.app_context():
        return tenant_id(code)
