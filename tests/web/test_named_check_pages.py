"""特定对象检查 through the pages and the API: the planner pastes the businesses with their causes, the leader
approves and they are registered; the campaign page lists each with its cause, the target draw never appears;
a wrong line is refused naming it, and nothing is saved; a check made outside the plan's months is told to choose
its kind outside the plan, and the team is chosen with a filter over the inspectors."""

from __future__ import annotations

import re
from datetime import date

import pytest

from spotcheck.core.clock import frozen_at
from tests.support.campaign_world import build
from tests.support.helpers import bearer, post_form, signed_in
from tests.support.named_world import named_data

DAY = date(2026, 2, 20)


@pytest.fixture
def world(app):
    with app.app_context():
        return build()


def _form(world, lines: str) -> dict:
    return {
        "kind": "named",
        "title": "投诉举报核查",
        "year": "2026",
        "item_ids": [str(world["item"])],
        "exempt_kind": "",
        "method": "onsite",
        "window_start": "2026-03-01",
        "window_end": "2026-04-30",
        "team_size": "2",
        "capacity": "",
        "named_targets": lines,
    }


def test_a_planner_registers_named_businesses_by_pasting_them_and_the_leader_approves(app, world):
    planner, leader = signed_in(app, "yjj_planner"), signed_in(app, "yjj_leader")
    with frozen_at(DAY):
        form_page = planner.get("/campaigns/new?kind=named").get_data(as_text=True)
        assert (
            "登记特定对象检查" in form_page
            and 'name="named_targets"' in form_page
            and 'name="A_ratio"' not in form_page
        )
        assert "请勿在其中写入企业名称" in form_page
        first, second = world["codes"][0], world["codes"][1]
        bad = post_form(
            planner,
            "/campaigns/new",
            _form(world, f"{first}\t投诉举报\tTS-1\n{second}\t传闻\tX-1"),
            token_from="/campaigns/new?kind=named",
        )
        assert bad.status_code == 422 and "第2户" in bad.get_data(as_text=True)
        created = post_form(
            planner,
            "/campaigns/new",
            _form(world, f"{first}\t投诉举报\tTS-2026-0012\n{second}, 上级交办, 市应急交〔2026〕3号"),
            token_from="/campaigns/new?kind=named",
        )
        assert created.status_code == 302, created.get_data(as_text=True)
        url = created.headers["Location"]
        draft = planner.get(url).get_data(as_text=True)
        assert "特定对象检查（非随机）" in draft and "TS-2026-0012" in draft and "市应急交〔2026〕3号" in draft
        edit = planner.get(f"{url}/edit").get_data(as_text=True)
        assert f"{first}\t投诉举报\tTS-2026-0012" in edit  # the list comes back as it was saved
        assert post_form(leader, f"{url}/approve", {}, token_from=url).status_code == 302
        page = leader.get(url).get_data(as_text=True)
        assert "检查对象已登记" in page and 'id="draw-targets"' not in page and "执法检查人员抽取" in page
        table = page[page.index('id="targets-table"') :]
        assert "投诉举报（投诉举报编号：TS-2026-0012）" in table and first in table
        campaign_id = int(re.search(r"/campaigns/(\d+)$", url).group(1))
        public = app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
        assert "特定对象检查（非随机）" in public and first not in public and "TS-2026-0012" not in public


def test_the_api_takes_a_named_check_and_refuses_a_line_without_its_reference(app, world):
    client, planner = app.test_client(), bearer(app, "yjj_planner")
    with frozen_at(DAY):
        data = named_data(world)
        created = client.post("/api/v1/campaigns", json=data, headers=planner)
        assert created.status_code == 201, created.json
        assert created.json["kind"] == "named" and len(created.json["named_targets"]) == 3
        data["named_targets"][1]["reference"] = ""
        refused = client.post("/api/v1/campaigns", json={**data, "title": "另一项核查"}, headers=planner)
        assert refused.status_code == 422 and "named_targets" in str(refused.json)
        assert len(client.get("/api/v1/campaigns", headers=planner).json) == 1


def test_a_leader_registers_a_check_already_made_on_the_page_and_through_the_api(app, world):
    leader, planner = signed_in(app, "yjj_leader"), signed_in(app, "yjj_planner")
    with frozen_at(date(2026, 3, 12)):
        assert planner.get("/campaigns/late").status_code == 403
        page = leader.get("/campaigns/late").get_data(as_text=True)
        assert "紧急检查事后登记" in page and 'name="leader_id"' in page and "3 日内" in page
        leader_id, member_id = re.findall(r'<option value="(\d+)">检查员', page)[:2]
        form = {
            "title": "液氨泄漏事故现场紧急检查",
            "year": "2026",
            "item_ids": [str(world["item"])],
            "exempt_kind": "",
            "method": "onsite",
            "checked_on": "2026-03-10",
            "late_reason": "事故发生后须立即到场排查，来不及登记。",
            "named_targets": f"{world['codes'][0]} 发生事故 2026年3月10日液氨泄漏",
            "leader_id": leader_id,
            "member_ids": [member_id],
            "team_size": "2",
        }
        too_late = post_form(
            leader, "/campaigns/late", {**form, "checked_on": "2026-03-01"}, token_from="/campaigns/late"
        )
        assert too_late.status_code == 422 and "已超过期限" in too_late.get_data(as_text=True)
        done = post_form(leader, "/campaigns/late", form, token_from="/campaigns/late")
        assert done.status_code == 302, done.get_data(as_text=True)
        detail = leader.get(done.headers["Location"]).get_data(as_text=True)
        assert 'id="campaign-registered-late"' in detail and "事故发生后须立即到场排查" in detail
        api = app.test_client().post(
            "/api/v1/campaigns/late",
            headers=bearer(app, "yjj_leader"),
            json={
                **{k: v for k, v in form.items() if k not in ("leader_id", "member_ids", "item_ids", "named_targets")},
                "year": 2026,
                "item_ids": [world["item"]],
                "team": [int(leader_id), int(member_id)],
                "team_size": 2,
                "named_targets": [{"entity_code": world["codes"][1], "cause": "accident", "reference": "液氨泄漏"}],
            },
        )
        assert api.status_code == 201, api.json
        assert api.json["late_reason"] and api.json["kind"] == "named" and "查〔2026〕2号" in api.json["code"]


def test_the_late_form_says_to_choose_the_kind_outside_the_plan_and_filters_the_inspectors(app, world):
    leader = signed_in(app, "yjj_leader")
    with frozen_at(date(2026, 5, 12)):  # the plan checks the item in March and April only
        page = leader.get("/campaigns/late").get_data(as_text=True)
        leader_id, member_id = re.findall(r'<option value="(\d+)">检查员', page)[:2]
        form = {
            "title": "液氨泄漏事故现场紧急检查",
            "year": "2026",
            "item_ids": [str(world["item"])],
            "exempt_kind": "",
            "method": "onsite",
            "checked_on": "2026-05-10",
            "late_reason": "事故发生后须立即到场排查，来不及登记。",
            "named_targets": f"{world['codes'][0]} 发生事故 2026年5月10日液氨泄漏",
            "leader_id": leader_id,
            "member_ids": [member_id],
            "team_size": "2",
        }
        refused = post_form(leader, "/campaigns/late", form, token_from="/campaigns/late")
        text = refused.get_data(as_text=True)
        assert refused.status_code == 422 and "3、4" in text  # the plan's months, and what to do about them:
        assert "是否计划外检查" in text and "发生事故" in text and "计划外检查不受年度检查计划限制" in text
        done = post_form(
            leader,
            "/campaigns/late",
            {**form, "exempt_kind": "accident", "exempt_reason": "冷库液氨泄漏事故，须立即排查。"},
            token_from="/campaigns/late",
        )
        assert done.status_code == 302, done.get_data(as_text=True)
    # the team's filter: a box the script shows (hidden without it, every inspector listed), a script of the
    # app's own folder as the CSP asks (script-src 'self'), never inline
    box = re.search(r'<div class="field list-filter"[^>]*>.*?</div>', page, re.S).group(0)
    assert " hidden" in box and 'data-filters="member_ids"' in box
    leaders = re.search(r'<select id="leader_id".*?</select>', page, re.S).group(0)
    assert len(re.findall(r'name="member_ids"', page)) == len(re.findall(r'<option value="\d+"', leaders)) >= 8
    scripts = re.findall(r"<script([^>]*)>", page)
    assert all("src=" in attributes for attributes in scripts) and any("list-filter.js" in s for s in scripts)
    script = leader.get("/static/list-filter.js")
    assert script.status_code == 200 and "data-filters" in script.get_data(as_text=True)
