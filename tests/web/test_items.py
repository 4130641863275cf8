"""The item list (一单): drafting, publishing, changing with a reason (动态调整), retiring, coverage,
through the pages and through the API."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl

from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import bearer, post_form, signed_in, tenant_id
from tests.support.rulebooks import CHENGKOU, adopt, cited
from tests.support.sheets import export_sheet

ITEM = {
    "name": "食品生产企业监督检查",
    "sub_item": "生产环境条件",
    "legal_basis": "《中华人民共和国食品安全法》第一百一十条",
    "checking_body": "市场监督管理局",
    "target_type": "食品生产企业",
    "content": "生产场所、设备设施、卫生管理",
    "methods": ["onsite", "document"],
    "ratio": "5",
    "frequency_period": "year",
    "frequency_times": "1",
    "inspector_categories": ["food"],
    "inspector_requirements": "持有执法证",
    "result_use": "依法处理，结果公示",
    "remarks": "",
    "field": "market",
    "kind": "key",
    "random_check": "y",
}


def _english(client):
    """Switch a signed-in client to the English UI, so the test reads stable English words."""
    post_form(client, "/lang/en", {"next": "/"}, token_from="/")
    return client


def _item_id(response) -> int:
    return int(re.search(r"/catalog/items/(\d+)$", response.headers["Location"]).group(1))


def test_tenant_admin_keeps_an_item_through_the_pages(app):
    admin = _english(signed_in(app, "scj_admin"))
    form = admin.get("/catalog/items/new").get_data(as_text=True)
    assert 'type="checkbox"' in form and 'value="onsite"' in form and "实地检查" in form and "食品安全" in form

    missing = post_form(admin, "/catalog/items/new", {**ITEM, "name": " "}, token_from="/catalog/items/new")
    assert missing.status_code == 200 and "Enter the item&#39;s name." in missing.get_data(as_text=True)

    created = post_form(admin, "/catalog/items/new", ITEM, token_from="/catalog/items/new")
    assert created.status_code == 302
    item_id = _item_id(created)
    url = f"/catalog/items/{item_id}"
    page = admin.get(url).get_data(as_text=True)
    for shown in (
        "食品生产企业监督检查",
        "实地检查",
        "书面检查",
        "食品安全",
        "市场监管领域",
        "重点检查事项",
        "Draft",
        "《中华人民共和国食品安全法》第一百一十条",
    ):
        assert shown in page, shown
    assert "SCJ-" in page and "A draft has no versions" in page
    assert "data-confirm" in page.split('id="item-publish"')[1][:300]  # publishing is confirmed first

    assert post_form(admin, f"{url}/publish", {}, token_from=url).status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "Published" in page and "Version 1" in page and "First publication" in page
    assert "食品生产企业监督检查" in admin.get("/catalog/items?status=published").get_data(as_text=True)
    assert "食品生产企业监督检查" not in admin.get("/catalog/items?status=draft").get_data(as_text=True)

    edit = admin.get(f"{url}/edit").get_data(as_text=True)
    assert 'name="reason"' in edit and "creates version 2" in edit
    no_reason = post_form(admin, f"{url}/edit", {**ITEM, "name": "食品生产企业日常监督检查"}, token_from=f"{url}/edit")
    assert no_reason.status_code == 200 and "Say why the published item changes" in no_reason.get_data(as_text=True)
    assert "Version 2" not in admin.get(url).get_data(as_text=True)

    changed = post_form(
        admin,
        f"{url}/edit",
        {**ITEM, "name": "食品生产企业日常监督检查", "methods": ["onsite"], "reason": "依据新修订的检查要点调整"},
        token_from=f"{url}/edit",
    )
    assert changed.status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "食品生产企业日常监督检查" in page and "Version 2" in page and "依据新修订的检查要点调整" in page
    old = admin.get(f"{url}/versions/1").get_data(as_text=True)
    assert (
        "食品生产企业监督检查" in old
        and "书面检查" in old
        and "old version" in old
        and 'type="submit" class="primary"' not in old
    )
    assert "食品生产企业日常监督检查" in admin.get(f"{url}/versions/2").get_data(as_text=True)
    assert admin.get(f"{url}/versions/9").status_code == 404
    same = post_form(
        admin,
        f"{url}/edit",
        {**ITEM, "name": "食品生产企业日常监督检查", "methods": ["onsite"], "reason": "再次保存"},
        token_from=f"{url}/edit",
    )
    assert "Nothing was changed" in admin.get(same.headers["Location"]).get_data(as_text=True)
    assert "Version 3" not in admin.get(url).get_data(as_text=True)

    unexplained = post_form(admin, f"{url}/retire", {"reason": ""}, token_from=url)
    assert unexplained.status_code == 200 and "Say why the item is retired." in unexplained.get_data(as_text=True)
    assert post_form(admin, f"{url}/retire", {"reason": "职责划转至其他部门"}, token_from=url).status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "Retired" in page and "Version 3" in page and "职责划转至其他部门" in page and f"{url}/edit" not in page
    assert admin.get(f"{url}/edit").status_code == 302  # a retired item cannot be changed


def test_tenant_admin_keeps_an_item_through_the_api(app):
    client, headers = app.test_client(), bearer(app, "yjj_admin")
    created = client.post(
        "/api/v1/items",
        headers=headers,
        json={
            **ITEM_BASICS,
            "name": "危险化学品经营单位安全检查",
            "methods": ["实地检查"],
            "inspector_categories": ["hazchem", "safety"],
            "field": "other",
            "kind": "general",
            "random_check": True,
            "ratio_bp": 1000,
            "frequency_times": 1,
            "frequency_period": "year",
        },
    )
    assert created.status_code == 201, created.json
    item = created.json
    assert item["status"] == "draft" and item["version"] == 0 and item["code"].startswith("YJJ-")
    assert item["methods"] == ["onsite"] and item["inspector_categories"] == ["hazchem", "safety"]
    base = f"/api/v1/items/{item['id']}"

    draft_change = client.patch(base, headers=headers, json={"remarks": "草稿修改"})
    assert draft_change.status_code == 200 and draft_change.json["version"] == 0
    published = client.post(f"{base}/publish", headers=headers)
    assert published.status_code == 200 and published.json["status"] == "published" and published.json["version"] == 1
    assert client.post(f"{base}/publish", headers=headers).status_code == 409

    refused = client.patch(base, headers=headers, json={"name": "危险化学品经营企业安全检查"})
    assert refused.status_code == 422 and "reason" in refused.json["errors"]["json"]
    changed = client.patch(base, headers=headers, json={"name": "危险化学品经营企业安全检查", "reason": "名称规范"})
    assert changed.status_code == 200 and changed.json["version"] == 2

    versions = client.get(f"{base}/versions", headers=headers).json
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["reason"] == "名称规范" and versions[1]["reason"] == ""
    first = client.get(f"{base}/versions/1", headers=headers).json
    assert first["fields"]["name"] == "危险化学品经营单位安全检查" and first["fields"]["remarks"] == "草稿修改"
    assert client.get(f"{base}/versions/2", headers=headers).json["fields"]["name"] == "危险化学品经营企业安全检查"

    assert client.post(f"{base}/retire", headers=headers, json={}).status_code == 422
    retired = client.post(f"{base}/retire", headers=headers, json={"reason": "事项取消"})
    assert retired.status_code == 200 and retired.json["status"] == "retired" and retired.json["version"] == 3
    assert client.patch(base, headers=headers, json={"remarks": "x", "reason": "y"}).status_code == 409
    retired_list = client.get("/api/v1/items?status=retired", headers=headers).json
    assert item["id"] in [i["id"] for i in retired_list] and {i["status"] for i in retired_list} == {"retired"}
    drafts = client.get("/api/v1/items?status=draft", headers=headers).json
    assert item["id"] not in [i["id"] for i in drafts] and {i["status"] for i in drafts} <= {"draft"}
    assert client.get("/api/v1/items?status=bogus", headers=headers).status_code == 422


def test_unknown_codes_are_refused_naming_the_field(app):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    before = len(client.get("/api/v1/items", headers=headers).json)
    response = client.post(
        "/api/v1/items",
        headers=headers,
        json={
            "name": "某事项",
            "methods": ["onsite", "teleport"],
            "inspector_categories": ["wizardry"],
            "field": "moon",
        },
    )
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert "teleport" in " ".join(errors["methods"]) and "wizardry" in " ".join(errors["inspector_categories"])
    assert "field" in errors
    assert len(client.get("/api/v1/items", headers=headers).json) == before  # nothing was created


def test_planner_reads_but_cannot_change(app):
    admin_api = bearer(app, "scj_admin")
    client = app.test_client()
    item = client.post("/api/v1/items", headers=admin_api, json={"name": "广告发布监督检查"}).json
    planner = signed_in(app, "scj_planner")
    url = f"/catalog/items/{item['id']}"
    assert "广告发布监督检查" in planner.get("/catalog/items").get_data(as_text=True)
    detail = planner.get(url).get_data(as_text=True)
    assert "广告发布监督检查" in detail and f"{url}/publish" not in detail and f"{url}/edit" not in detail
    assert planner.get("/catalog/items/new").status_code == 403
    assert planner.get(f"{url}/edit").status_code == 403
    assert post_form(planner, f"{url}/publish", {}, token_from=url).status_code == 403
    assert post_form(planner, f"{url}/retire", {"reason": "x"}, token_from=url).status_code == 403

    headers = bearer(app, "scj_planner")
    assert client.get(f"/api/v1/items/{item['id']}", headers=headers).status_code == 200
    assert client.get("/api/v1/items/coverage", headers=headers).status_code == 200
    assert client.post("/api/v1/items", headers=headers, json={"name": "x"}).status_code == 403
    assert client.patch(f"/api/v1/items/{item['id']}", headers=headers, json={"name": "x"}).status_code == 403
    assert client.post(f"/api/v1/items/{item['id']}/publish", headers=headers).status_code == 403
    assert client.get(f"/api/v1/items/{item['id']}", headers=admin_api).json["status"] == "draft"


def test_another_departments_item_is_not_found(app):
    client = app.test_client()
    scj = bearer(app, "scj_admin")
    item = client.post("/api/v1/items", headers=scj, json={**ITEM_BASICS, "name": "计量器具监督检查"}).json
    client.post(f"/api/v1/items/{item['id']}/publish", headers=scj)
    yjj = bearer(app, "yjj_admin")
    base = f"/api/v1/items/{item['id']}"
    assert client.get(base, headers=yjj).status_code == 404
    assert client.get(f"{base}/versions", headers=yjj).status_code == 404
    assert client.get(f"{base}/versions/1", headers=yjj).status_code == 404
    assert client.patch(base, headers=yjj, json={"name": "改名", "reason": "试"}).status_code == 404
    assert client.post(f"{base}/retire", headers=yjj, json={"reason": "试"}).status_code == 404
    assert item["id"] not in [i["id"] for i in client.get("/api/v1/items", headers=yjj).json]

    page = signed_in(app, "yjj_admin")
    url = f"/catalog/items/{item['id']}"
    assert page.get(url).status_code == 404
    assert page.get(f"{url}/versions/1").status_code == 404
    assert page.get(f"{url}/edit").status_code == 404
    assert post_form(page, f"{url}/retire", {"reason": "试"}, token_from="/catalog/items").status_code == 404
    assert "计量器具监督检查" not in page.get("/catalog/items").get_data(as_text=True)
    assert client.get(base, headers=scj).json["status"] == "published"


def test_coverage_per_field_against_the_goals(app):
    client, headers = app.test_client(), bearer(app, "swj_admin")
    for old in client.get("/api/v1/items?status=published", headers=headers).json:  # start from a known list
        client.post(f"/api/v1/items/{old['id']}/retire", headers=headers, json={"reason": "测试"})

    def item(name, field, random, publish=True):
        created = client.post(
            "/api/v1/items",
            headers=headers,
            json={
                **ITEM_BASICS,
                "name": name,
                "field": field,
                "random_check": random,
                "non_random_reason": "" if random else "辖区对象少，实行全覆盖检查",
            },
        )
        assert created.status_code == 201, created.json
        if publish:
            assert client.post(f"/api/v1/items/{created.json['id']}/publish", headers=headers).status_code == 200

    item("市场一", "market", True)
    item("市场二", "market", True)
    item("市场三", "market", False)
    item("市场草稿", "market", True, publish=False)  # drafts do not count
    item("其他一", "other", True)

    # 宁安市's rulebook sets no goal: the share is shown, nothing met or missed
    coverage = {c["field"]: c for c in client.get("/api/v1/items/coverage", headers=headers).json}
    assert coverage["market"] | {"field_name": "市场监管领域"} == {
        "field": "market",
        "field_name": "市场监管领域",
        "items": 3,
        "random": 2,
        "share_percent": 66.7,
        "goal_percent": None,
        "met": False,
        "cited": "",
    }
    page = _english(signed_in(app, "swj_admin")).get("/catalog/items").get_data(as_text=True)
    market = re.search(r'<li class="coverage-(\w+)" data-field="market">(.*?)</li>', page, re.DOTALL)
    assert market.group(1) == "nogoal" and "No goal in the rules in force" in market.group(2)

    # 城口县's: 70 % of the market-regulation items, 50 % of the others (一、二（二）)
    with app.app_context():
        adopt("城口县", date(2026, 1, 1))
    coverage = {c["field"]: c for c in client.get("/api/v1/items/coverage", headers=headers).json}
    assert coverage["market"] | {"field_name": "市场监管领域"} == {
        "field": "market",
        "field_name": "市场监管领域",
        "items": 3,
        "random": 2,
        "share_percent": 66.7,
        "goal_percent": 70,
        "met": False,
        "cited": cited("一、二（二）", CHENGKOU),
    }
    assert coverage["other"]["items"] == 1 and coverage["other"]["share_percent"] == 100.0 and coverage["other"]["met"]

    page = _english(signed_in(app, "swj_admin")).get("/catalog/items").get_data(as_text=True)
    market = re.search(r'<li class="coverage-(\w+)" data-field="market">(.*?)</li>', page, re.DOTALL)
    other = re.search(r'<li class="coverage-(\w+)" data-field="other">(.*?)</li>', page, re.DOTALL)
    assert market.group(1) == "unmet" and "市场监管领域" in market.group(2)
    assert "2/3 = 66.7% (goal ≥70%, 《城口县" in market.group(2) and "Goal not met" in market.group(2)
    assert other.group(1) == "met" and "1/1 = 100.0% (goal ≥50%" in other.group(2) and "Goal met" in other.group(2)


def test_an_item_is_published_only_with_what_the_seeds_require(app):
    """Seeds 000, 001, 004: 凡法律、法规、规章没有规定的，一律不得擅自开展检查; 明确抽查主体、依据、对象、内容、方式、
    比例和频次; an item kept out of random checking states why in writing (书面说明理由), shown to the
    justice bureau."""
    client, headers = app.test_client(), bearer(app, "swj_admin")
    bare = client.post("/api/v1/items", headers=headers, json={"name": "空白的检查事项", "field": "other"}).json
    base = f"/api/v1/items/{bare['id']}"
    refused = client.post(f"{base}/publish", headers=headers)
    assert refused.status_code == 422
    errors = refused.json["errors"]["json"]
    assert set(errors) == {
        "legal_basis",
        "checking_body",
        "target_type",
        "content",
        "methods",
        "ratio_bp",
        "frequency_times",
    }
    # each refusal cites the rule in force: the national floor's 国办发〔2024〕54号 三 (检查事项未经公布的，不得实施)
    assert all("国办发〔2024〕54号" in messages[0] and "检查依据" in messages[0] for messages in errors.values())
    assert client.get(base, headers=headers).json["status"] == "draft"  # nothing changed

    # kept out of random checking: no ratio or frequency to state, but the written reason
    basics = {k: v for k, v in ITEM_BASICS.items() if k not in ("ratio_bp", "frequency_times", "frequency_period")}
    assert client.patch(base, headers=headers, json={**basics, "random_check": False}).status_code == 200
    page = signed_in(app, "swj_admin").get(f"/catalog/items/{bare['id']}").get_data(as_text=True)
    assert 'id="item-missing"' in page and "不纳入随机抽查的理由" in page.split('id="item-missing"')[1][:300]
    refused = client.post(f"{base}/publish", headers=headers)
    assert refused.status_code == 422 and set(refused.json["errors"]["json"]) == {"non_random_reason"}
    reason = "辖区仅有两家检验检测机构，按省局部署全覆盖检查，不适宜随机抽取。"
    assert client.patch(base, headers=headers, json={"non_random_reason": reason}).status_code == 200
    published = client.post(f"{base}/publish", headers=headers)
    assert published.status_code == 200 and published.json["non_random_reason"] == reason

    # a new version of a published item is as complete as the first
    emptied = client.patch(base, headers=headers, json={"legal_basis": "", "non_random_reason": "", "reason": "调整"})
    assert emptied.status_code == 422 and set(emptied.json["errors"]["json"]) == {"legal_basis", "non_random_reason"}
    assert [v["version"] for v in client.get(f"{base}/versions", headers=headers).json] == [1]

    # the justice bureau reads the reason on the drill-down of the department's coverage
    with app.app_context():
        department = tenant_id("SWJ")
    drill = signed_in(app, "sfj_supervisor").get(f"/supervision/departments/{department}/coverage_other")
    assert drill.status_code == 200 and reason in drill.get_data(as_text=True)


def test_an_item_import_that_would_leave_a_published_item_incomplete_is_refused(app):
    """The import changes a published item only into a complete new version: the row is refused,
    naming the field; the written reason is a column of the template and of the export."""
    client, headers = app.test_client(), bearer(app, "swj_admin")
    item = client.post("/api/v1/items", headers=headers, json={**ITEM_BASICS, "name": "报废机动车回收检查"}).json
    assert client.post(f"/api/v1/items/{item['id']}/publish", headers=headers).status_code == 200
    exported = export_sheet(client, "items", headers)
    book = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = book.worksheets[0]
    at = next(r for r in range(1, 11) if sheet.cell(row=r, column=1).value == "序号")  # under the seed's title
    header = [cell.value for cell in sheet[at]]
    assert "不纳入随机抽查的理由" in header
    row = next(
        r
        for r in range(at + 1, sheet.max_row + 1)
        if sheet.cell(row=r, column=header.index("检查事项") + 1).value == "报废机动车回收检查"
    )
    sheet.cell(row=row, column=header.index("是否纳入随机抽查") + 1, value="否")
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        "/api/v1/sheets/items/imports",
        headers=headers,
        data={"file": (io.BytesIO(out.getvalue()), "items.xlsx")},
        content_type="multipart/form-data",
    )
    job = client.get(f"/api/v1/jobs/{response.get_json()['id']}", headers=headers).get_json()
    assert job["result"]["ok"] is False
    assert {(e["row"], e["column"]) for e in job["result"]["errors"]} == {(row, "不纳入随机抽查的理由")}
    assert client.get(f"/api/v1/items/{item['id']}", headers=headers).json["random_check"] is True


def test_an_items_ratio_and_frequency_are_values_and_a_bad_one_is_refused_naming_the_field(app):
    """抽查比例 and 抽查频次 are values, not free text ('abc' was published): a ratio above 0 and at most 100 %,
    a number of times per period. The form and the API refuse a bad one naming the field, in Chinese,
    and change nothing; the item list and the public portal say them as before (不低于5%, 每年1次)."""
    admin = signed_in(app, "scj_admin")
    client, headers = app.test_client(), bearer(app, "scj_admin")
    before = len(client.get("/api/v1/items", headers=headers).json)
    for bad, field, words in (
        ({"ratio": "abc"}, "ratio", "抽查比例"),
        ({"ratio": "0"}, "ratio", "抽查比例"),
        ({"ratio": "120%"}, "ratio", "抽查比例"),
        ({"frequency_times": "0"}, "frequency_times", "抽查频次"),
        ({"frequency_times": "一年一次"}, "frequency_times", "抽查频次"),
        ({"frequency_period": ""}, "frequency_period", "抽查频次"),
    ):
        page = post_form(admin, "/catalog/items/new", {**ITEM, **bad}, token_from="/catalog/items/new")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="item-missing"' not in text, bad
        shown = re.search(rf'<li><a href="#{field}">.*?</li>', text)  # the form's error summary names the field
        assert shown and words in shown.group(0), (bad, field)
    for bad, field in (
        ({"ratio_bp": 0}, "ratio_bp"),
        ({"ratio_bp": 10001}, "ratio_bp"),
        ({"frequency_times": 0, "frequency_period": "year"}, "frequency_times"),
        ({"frequency_times": 1, "frequency_period": "decade"}, "frequency_period"),
        ({"frequency_times": 1}, "frequency_times"),
    ):
        basics = {k: v for k, v in ITEM_BASICS.items() if k not in ("ratio_bp", "frequency_times", "frequency_period")}
        refused = client.post("/api/v1/items", headers=headers, json={**basics, "name": "比例频次错误的事项", **bad})
        assert refused.status_code == 422, bad
        message = " ".join(refused.json["errors"]["json"][field])
        assert "抽查比例" in message if field == "ratio_bp" else "抽查频次" in message, (bad, message)
    assert (
        client.post(
            "/api/v1/items", headers=headers, json={**ITEM_BASICS, "name": "文字比例", "ratio": "abc"}
        ).status_code
        == 422
    )  # free text is no longer a field
    assert len(client.get("/api/v1/items", headers=headers).json) == before

    made = client.post(
        "/api/v1/items",
        headers=headers,
        json={
            **ITEM_BASICS,
            "name": "比例频次正确的事项",
            "ratio_bp": 250,
            "frequency_times": 2,
            "frequency_period": "half",
        },
    )
    assert made.status_code == 201 and (made.json["ratio_text"], made.json["frequency_text"]) == (
        "不低于2.5%",
        "每半年2次",
    )
    assert client.post(f"/api/v1/items/{made.json['id']}/publish", headers=headers).status_code == 200
    listed = admin.get("/catalog/items").get_data(as_text=True)
    assert "不低于2.5%" in listed and "每半年2次" in listed
    edit = admin.get(f"/catalog/items/{made.json['id']}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="ratio"[^>]*value="2.5"', edit) and '<option selected value="half">' in edit
    assert re.search(r'<input[^>]*name="frequency_times"[^>]*value="2"', edit)
