"""Annual plans (年度检查计划) through the pages and the API: the planner drafts, the leader publishes
(公开) and then submits for filing (报备), the justice bureau returns with a comment or files (备案)."""

from __future__ import annotations

import re

import pytest

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.items import commands as items
from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import bearer, post_form, signed_in, user_named

ITEM_NAME = "危险化学品经营许可条件检查"


@pytest.fixture
def item_id(app):
    """A published item of 应急管理局 (YJJ)."""
    with app.app_context():
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            item = items.create_item(
                {
                    **ITEM_BASICS,
                    "name": ITEM_NAME,
                    "inspector_categories": ["hazchem"],
                    "field": "other",
                    "methods": ["onsite", "document"],
                },
                actor=admin,
            )
            items.publish_item(item.id, actor=admin)
            db.session.commit()
            return item.id


def _english(client):
    post_form(client, "/lang/en", {"next": "/"}, token_from="/")
    return client


def _plan_id(response) -> int:
    return int(re.search(r"/plans/(\d+)$", response.headers["Location"]).group(1))


def test_plan_filing_path_through_the_pages(app, item_id):
    planner, leader = _english(signed_in(app, "yjj_planner")), _english(signed_in(app, "yjj_leader"))
    supervisor = _english(signed_in(app, "sfj_supervisor"))

    assert planner.get("/plans").status_code == 200
    assert supervisor.get("/plans").status_code == 403  # the justice bureau reviews, it does not plan
    assert leader.get("/plans/new").status_code == 403
    created = post_form(
        planner,
        "/plans/new",
        {"year": "2026", "half": "", "title": "2026年度行政执法检查计划"},
        token_from="/plans/new",
    )
    assert created.status_code == 302
    url = f"/plans/{_plan_id(created)}"
    again = post_form(planner, "/plans/new", {"year": "2026", "half": "", "title": "重复"}, token_from="/plans/new")
    assert again.status_code == 200 and "There is already a plan for this period." in again.get_data(as_text=True)

    page = planner.get(url).get_data(as_text=True)
    assert "Draft" in page and ITEM_NAME in page and 'name="ratio"' in page and 'name="months"' in page
    for typed in ("abc", "0", "2.555", "101"):  # read as an item's ratio is, with the same words
        bad = post_form(planner, f"{url}/items", {"item_id": str(item_id), "ratio": typed}, token_from=url)
        assert bad.status_code == 422 and "is a percentage above 0 and at most 100 %" in bad.get_data(as_text=True), (
            typed
        )
    added = post_form(
        planner,
        f"{url}/items",
        {"item_id": str(item_id), "ratio": "2.55", "months": ["3", "4"], "methods": ["onsite", "document"]},
        token_from=url,
    )
    assert added.status_code == 302
    page = planner.get(url).get_data(as_text=True)
    assert "2.55%" in page and "3、4" in page and "实地检查、书面检查" in page
    assert re.search(
        r"每年1次 <span class=\"hint\">（As in the item list）</span>", page
    )  # the item's frequency, said so
    added = post_form(
        planner,
        f"{url}/items",
        {
            "item_id": str(item_id),
            "ratio": "2.5",
            "frequency_period": "year",
            "frequency_times": "2",
            "months": ["3", "4"],
            "methods": ["onsite", "document"],
        },
        token_from=url,
    )
    assert added.status_code == 302
    page = planner.get(url).get_data(as_text=True)
    assert "2.5%" in page and "每年2次" in page and "（As in the item list）" not in page
    assert (
        'id="plan-submit"' not in page and 'id="plan-publish"' not in page
    )  # the planner neither publishes nor submits
    assert post_form(planner, f"{url}/submit", {}, token_from=url).status_code == 403

    page = leader.get(url).get_data(as_text=True)
    assert 'id="plan-publish"' in page and 'id="plan-submit"' not in page  # published first
    refused = post_form(leader, f"{url}/submit", {}, token_from=url)
    assert "publish the plan on the public portal before submitting it" in leader.get(
        refused.headers["Location"]
    ).get_data(as_text=True)
    assert post_form(leader, f"{url}/publish", {}, token_from=url).status_code == 302
    page = leader.get(url).get_data(as_text=True)
    assert "Published, to submit for filing" in page and 'id="plan-submit"' in page and 'id="plan-publish"' not in page
    assert post_form(leader, f"{url}/submit", {}, token_from=url).status_code == 302
    page = leader.get(url).get_data(as_text=True)
    assert "Submitted for filing" in page and 'id="plan-submit"' not in page and 'id="plan-line-form"' not in page
    locked = post_form(planner, f"{url}/items", {"item_id": str(item_id), "ratio": "9"}, token_from="/plans")
    assert "can only change while it is a draft or returned" in planner.get(locked.headers["Location"]).get_data(
        as_text=True
    )

    assert planner.get("/plans/review").status_code == 403
    review = supervisor.get("/plans/review").get_data(as_text=True)
    assert "应急管理局" in review and "2026年度行政执法检查计划" in review and ITEM_NAME in review and "2.5%" in review
    plan_id = _plan_id(created)
    no_comment = post_form(
        supervisor, f"/plans/review/{plan_id}", {"decision": "return", "comment": " "}, token_from="/plans/review"
    )
    assert no_comment.status_code == 422 and "Say what must change" in no_comment.get_data(as_text=True)
    returned = post_form(
        supervisor,
        f"/plans/review/{plan_id}",
        {"decision": "return", "comment": "请补充检查月份"},
        token_from="/plans/review",
    )
    assert returned.status_code == 302
    assert "No plan is waiting to be filed." in supervisor.get("/plans/review").get_data(as_text=True)

    page = planner.get(url).get_data(as_text=True)
    assert "Returned for changes" in page and "请补充检查月份" in page and 'id="plan-line-form"' in page
    assert (
        post_form(
            planner,
            f"{url}/items",
            {"item_id": str(item_id), "ratio": "5", "months": ["3", "4", "9"], "methods": ["onsite"]},
            token_from=url,
        ).status_code
        == 302
    )
    page = planner.get(url).get_data(as_text=True)
    assert "3、4、9" in page and "changed since it was published" in page
    refused = post_form(leader, f"{url}/submit", {}, token_from=url)
    assert "publish it again before submitting" in leader.get(refused.headers["Location"]).get_data(as_text=True)
    assert post_form(leader, f"{url}/publish", {}, token_from=url).status_code == 302
    assert post_form(leader, f"{url}/submit", {}, token_from=url).status_code == 302
    filed = post_form(
        supervisor, f"/plans/review/{plan_id}", {"decision": "file", "comment": "同意备案"}, token_from="/plans/review"
    )
    assert filed.status_code == 302

    page = leader.get(url).get_data(as_text=True)
    assert "Filed" in page and "同意备案" in page and "韩梅" in page and 'id="plan-publish"' not in page
    listing = planner.get("/plans").get_data(as_text=True)
    assert "Filed" in listing and "2026年度行政执法检查计划" in listing

    # another department does not see the plan
    assert signed_in(app, "swj_planner").get(url).status_code == 404


def test_plan_filing_path_through_the_api(app, item_id):
    client = app.test_client()
    planner, leader = bearer(app, "yjj_planner"), bearer(app, "yjj_leader")
    supervisor, other = bearer(app, "sfj_supervisor"), bearer(app, "swj_planner")

    assert client.post("/api/v1/plans", json={"year": 2026, "title": "计划"}, headers=leader).status_code == 403
    created = client.post("/api/v1/plans", json={"year": 2026, "title": "2026年度检查计划"}, headers=planner)
    assert created.status_code == 201 and created.json["status"] == "draft" and created.json["half"] is None
    plan_id = created.json["id"]
    bad = client.put(
        f"/api/v1/plans/{plan_id}/items/{item_id}", json={"ratio_bp": 20000, "months": [13]}, headers=planner
    )
    assert bad.status_code == 422 and {"ratio_bp", "months"} <= set(bad.json["errors"]["json"])
    line = client.put(
        f"/api/v1/plans/{plan_id}/items/{item_id}",
        json={
            "ratio_bp": 500,
            "frequency_times": 1,
            "frequency_period": "year",
            "months": [5],
            "methods": ["实地检查"],
        },
        headers=planner,
    )
    assert line.status_code == 200
    assert line.json["items"] == [
        {
            "id": line.json["items"][0]["id"],
            "item_id": item_id,
            "item_code": line.json["items"][0]["item_code"],
            "item_name": ITEM_NAME,
            "ratio_bp": 500,
            "frequency_times": 1,
            "frequency_period": "year",
            "frequency": "每年1次",
            "months": [5],
            "methods": ["onsite"],
        }
    ]
    assert client.delete(f"/api/v1/plans/{plan_id}/items/{item_id}", headers=planner).json["items"] == []
    empty = client.post(f"/api/v1/plans/{plan_id}/submit", headers=leader)
    assert empty.status_code == 422 and "lines" in empty.json["errors"]["json"]
    no_schedule = client.put(f"/api/v1/plans/{plan_id}/items/{item_id}", json={"ratio_bp": 500}, headers=planner)
    assert no_schedule.status_code == 422 and {"months", "methods"} <= set(no_schedule.json["errors"]["json"])
    client.put(
        f"/api/v1/plans/{plan_id}/items/{item_id}",
        json={"ratio_bp": 500, "months": [5], "methods": ["onsite"]},
        headers=planner,
    )

    assert client.post(f"/api/v1/plans/{plan_id}/publish", headers=planner).status_code == 403
    assert client.post(f"/api/v1/plans/{plan_id}/submit", headers=leader).status_code == 409  # not published yet
    published = client.post(f"/api/v1/plans/{plan_id}/publish", headers=leader)
    assert published.status_code == 200 and published.json["status"] == "published"
    assert published.json["published_items"][0]["months"] == [5] and published.json["authorities"] == ["justice"]
    assert client.post(f"/api/v1/plans/{plan_id}/submit", headers=planner).status_code == 403
    assert client.post(f"/api/v1/plans/{plan_id}/submit", headers=leader).json["status"] == "submitted"
    assert (
        client.put(f"/api/v1/plans/{plan_id}/items/{item_id}", json={"ratio_bp": 900}, headers=planner).status_code
        == 409
    )

    assert client.get("/api/v1/plans/review", headers=planner).status_code == 403
    waiting = client.get("/api/v1/plans/review", headers=supervisor).json
    assert [(p["id"], p["department"], p["items"][0]["item_name"]) for p in waiting] == [
        (plan_id, "宁安市应急管理局", ITEM_NAME)
    ]
    assert (
        client.post(
            f"/api/v1/plans/{plan_id}/review", json={"accept": False, "comment": ""}, headers=supervisor
        ).status_code
        == 422
    )
    returned = client.post(
        f"/api/v1/plans/{plan_id}/review", json={"accept": False, "comment": "请补充检查月份"}, headers=supervisor
    )
    assert returned.status_code == 200 and returned.json["status"] == "returned" and returned.json["items"]
    assert client.get(f"/api/v1/plans/{plan_id}", headers=planner).json["comment"] == "请补充检查月份"
    assert client.post(f"/api/v1/plans/{plan_id}/submit", headers=leader).json["status"] == "submitted"  # unchanged
    filed = client.post(f"/api/v1/plans/{plan_id}/review", json={"accept": True}, headers=supervisor)
    assert filed.json["status"] == "filed" and filed.json["filed_by_name"] == "韩梅"
    assert filed.json["filings"]["justice"]["decision"] == "filed"
    assert client.post(f"/api/v1/plans/{plan_id}/review", json={"accept": True}, headers=supervisor).status_code == 409
    assert client.post(f"/api/v1/plans/{plan_id}/publish", headers=leader).status_code == 409
    assert [p["id"] for p in client.get("/api/v1/plans", headers=planner).json] == [plan_id]

    assert client.get(f"/api/v1/plans/{plan_id}", headers=other).status_code == 404
    assert client.get("/api/v1/plans", headers=other).json == []
