"""The audit page (/audit) as a department's 审计 reader uses it: actions, people and objects by
name in Chinese, details as labelled fields (never JSON), filters by person, action, object and
Beijing dates that survive paging, bad filter values answered with a message, and only the
department's own chain (issue 8, item 10)."""
from __future__ import annotations

import ast
import html
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from stdnum.cn import ric

from spotcheck.core import audit
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.web import audit_view
from spotcheck.tenants.accounts.vocabulary import ROLE_LABELS
from spotcheck.tenants.audit.vocabulary import ACTION_LABELS
from spotcheck.tenants.common import vocabulary as labels
from spotcheck.tenants.items import commands as items
from tests.support.campaign_world import ITEM_BASICS, build, campaign_data, leader_of, planner_of
from tests.support.helpers import post_form, signed_in, user_named

ITEM = {
    "name": "食品生产企业监督检查", "legal_basis": "《中华人民共和国食品安全法》第一百一十条",
    "checking_body": "市场监督管理局", "target_type": "食品生产企业", "content": "生产场所、设备设施、卫生管理",
    "methods": ["onsite", "document"], "ratio": "5", "frequency_times": "1", "frequency_period": "year",
    "inspector_categories": ["food"],
    "field": "market", "kind": "key", "random_check": "y",
}
ID_NUMBER = "33010619850101123" + ric.calc_check_digit("33010619850101123" + "0")


# --- reading the page ------------------------------------------------------------------------------


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def rows(page_html: str) -> list[dict]:
    """The table rows: seq, and the text of each cell."""
    if 'id="audit-entries"' not in page_html:
        return []
    body = page_html[page_html.index("<tbody>"):page_html.index("</tbody>")]
    found = []
    for row in re.findall(r"<tr data-seq=\"\d+\">(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        seq, when, who, action, obj, details, _hash = (_text(c) for c in cells)
        found.append({"seq": int(seq), "when": when, "who": who, "action": action, "object": obj,
                      "details": details, "details_html": cells[5]})
    return found


def link(page_html: str, rel: str) -> str | None:
    match = re.search(rf'<a rel="{rel}"[^>]*href="([^"]+)"', page_html)
    return html.unescape(match.group(1)) if match else None


def field_errors(page_html: str) -> list[str]:
    form = page_html[page_html.index('id="audit-filters"'):]
    form = form[:form.index("</form>")]
    return [_text(e) for e in re.findall(r'<p class="error" role="alert">(.*?)</p>', form, re.S)]


def zh(app, table: dict, code: str) -> str:
    with app.test_request_context(), force_locale("zh_CN"):
        return str(table[code])


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _item_through_the_pages(admin) -> int:
    created = post_form(admin, "/catalog/items/new", ITEM, token_from="/catalog/items/new")
    assert created.status_code == 302
    item_id = int(re.search(r"/catalog/items/(\d+)$", created.headers["Location"]).group(1))
    url = f"/catalog/items/{item_id}"
    assert post_form(admin, f"{url}/publish", {}, token_from=url).status_code == 302
    changed = post_form(admin, f"{url}/edit", {**ITEM, "name": "食品生产企业日常监督检查", "methods": ["onsite"],
                                               "reason": "依据新修订的检查要点调整"}, token_from=f"{url}/edit")
    assert changed.status_code == 302
    return item_id


# --- names and details ------------------------------------------------------------------------------


def test_actions_people_objects_and_details_read_in_chinese(app):
    admin = signed_in(app, "scj_admin")
    item_id = _item_through_the_pages(admin)
    with app.app_context():
        planner = user_named("scj_planner")
    edited = post_form(admin, f"/admin/users/{planner.id}", {"display_name": planner.display_name,
                                                            "roles": ["planner", "leader"], "active": "y"},
                       token_from=f"/admin/users/{planner.id}")
    assert edited.status_code == 302

    leader = signed_in(app, "scj_leader")
    page = get(leader, "/audit")
    shown = rows(page)
    assert 10 <= len(shown) <= 50  # newest first
    assert [r["seq"] for r in shown] == sorted((r["seq"] for r in shown), reverse=True)

    tbody = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "\\u" not in tbody and "{" not in tbody and '"' + "code" + '"' not in tbody and "&#34;" not in tbody

    by_action = {}
    for r in shown:
        by_action.setdefault(r["action"], r)  # the newest of each action
    published = by_action[zh(app, ACTION_LABELS, "item.published")]
    assert published["who"].startswith("赵敏")  # the display name, the login beside it
    assert "抽查事项" in published["object"] and "食品生产企业日常监督检查" in published["object"]
    assert "SCJ-" in published["object"]
    assert "版本 1" in published["details"]

    changed = by_action[zh(app, ACTION_LABELS, "item.changed")]
    assert "修改的字段" in changed["details"] and "检查事项" in changed["details"] and "检查方式" in changed["details"]
    assert "原因 依据新修订的检查要点调整" in changed["details"]

    created = by_action[zh(app, ACTION_LABELS, "item.created")]
    assert "名称 食品生产企业监督检查" in created["details"]

    updated = by_action[zh(app, ACTION_LABELS, "user.updated")]
    assert "钱伟" in updated["object"]  # a user by display name, not "用户 3"
    planner_zh, leader_zh = zh(app, ROLE_LABELS, "planner"), zh(app, ROLE_LABELS, "leader")
    assert f"{planner_zh} → {leader_zh}、{planner_zh}" in updated["details"] or \
        f"{planner_zh} → {planner_zh}、{leader_zh}" in updated["details"]

    signed = by_action[zh(app, ACTION_LABELS, "auth.login")]
    assert signed["who"].startswith("孙立")
    assert 'title="auth.login"' in page  # the code stays reachable for whoever needs it

    # the object link filters to that object's history
    history = rows(get(leader, f"/audit?object_type=item&object_id={item_id}"))
    assert [r["action"] for r in history] == [zh(app, ACTION_LABELS, a)
                                              for a in ("item.changed", "item.published", "item.created")]


def test_the_department_creation_by_the_platform_reads_as_outside_and_the_system_as_system(app):
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            audit.record("demo.city", "demo", None, details={"entities": [0, 300], "seed": 3301})
            db.session.commit()
    page = get(signed_in(app, "scj_leader"), "/audit?actor=system")
    shown = rows(page)
    assert shown and all(r["who"] == "系统" for r in shown)
    assert "演示数据" in shown[0]["object"] and "0–300" in shown[0]["details"]

    created = rows(get(signed_in(app, "scj_leader"), "/audit?action=user.created"))
    by_platform = [r for r in created if r["who"].startswith("admin")]
    assert by_platform and "非本部门人员" in by_platform[0]["who"]  # the platform admin is not one of ours


def test_the_draw_ceremony_reads_with_names_for_its_codes(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
            from spotcheck.tenants.campaigns.models import CampaignTarget, TargetStatus

            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:人大代表 1234"]}, actor=planner)
            proof = campaigns.draw(campaign, "targets").proof
            stratum, ids = next((s, ids) for s, ids in proof["selected"]["YJJ"].items() if proof["reserves"]["YJJ"][s])
            out = db.session.scalar(sa.select(CampaignTarget).where(CampaignTarget.entity.has(code=ids[0]),
                                                                    CampaignTarget.status == TargetStatus.selected))
            campaign_commands.replace_target(campaign.id, {"entity_id": out.entity_id, "reason": "deregistered"},
                                             actor=planner)
            db.session.commit()
            campaign_id, campaign_code, out_code = campaign.id, campaign.code, ids[0]
            out_name = out.entity.name

    page = get(signed_in(app, "yjj_leader"), f"/audit?object_type=campaign&object_id={campaign_id}")
    shown = {r["action"]: r for r in rows(page)}
    assert all("危化企业双随机抽查" in r["object"] and campaign_code in r["object"] for r in shown.values())
    assert shown[zh(app, ACTION_LABELS, "campaign.created")]["who"].startswith("郑洁")
    approved = shown[zh(app, ACTION_LABELS, "campaign.approved")]
    assert approved["who"].startswith("王磊")
    frozen = shown[zh(app, ACTION_LABELS, "draw.frozen")]["details"]
    assert "检查对象抽取" in frozen and "风险等级" in frozen and "候选对象" in frozen
    drawn = [r for r in rows(page) if r["action"] == zh(app, ACTION_LABELS, "draw.drawn")][0]["details"]
    assert "人大代表 输入： 1234" in drawn and "observer" not in drawn and "随机种子" in drawn  # the observer in words
    replaced = shown[zh(app, ACTION_LABELS, "draw.target_replaced")]["details"]
    assert "已注销" in replaced and "deregistered" not in replaced
    assert f"{out_name}（{out_code}）" in replaced
    created = shown[zh(app, ACTION_LABELS, "campaign.created")]["details"]
    assert "危险化学品安全生产检查" in created and "2026年度行政执法检查计划" in created  # item and plan by name
    tbody = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "\\u" not in tbody and "{" not in tbody


def test_details_are_words_for_every_kind_of_value(app):
    with app.test_request_context(), force_locale("zh_CN"):
        def shown(action, values):
            return {d.label: d.value for d in audit_view.details(action, values)}

        assert shown("user.updated", {"roles": [["planner"], ["leader", "planner"]], "active": [True, False]}) == {
            "角色": f"{ROLE_LABELS['planner']} → {ROLE_LABELS['leader']}、{ROLE_LABELS['planner']}",
            str(audit_view.DETAIL_LABELS["active"]): "是 → 否"}
        assert shown("draw.inspector_replaced", {"reason": "illness"})["原因"] == "因病"
        assert shown("item.retired", {"reason": "职责划转"})["原因"] == "职责划转"
        assert shown("job.succeeded", {"kind": "audit.verify"})["类型"] == str(labels.JOB_KIND_LABELS["audit.verify"])
        assert shown("draw.committed", {"kind": "inspectors"})["类型"] == "执法检查人员抽取"
        assert shown("campaign.created", {"exempt_kind": "complaint"})["计划外"] == "投诉举报"
        assert shown("draw.frozen", {"excluded": {"not_active": 2}})["排除"].endswith("：2")
        assert shown("draw.frozen", {"excluded": {}})["排除"] == "无"
        plan = shown("plan.line_set", {"ratio_bp": 250, "months": [3, 9]})
        assert plan == {"计划抽查比例": "2.5%", "实施月份": "3、9"}
        assert shown("plan.created", {"half": None})["计划期间"] == "全年"
        assert shown("rules.file_attached", {"size": 2048})["大小"] == "2.0 KB"
        assert shown("directory.changed", {"last_inspected_on": ["None", "2026-03-01"], "tags": [",a,b,", ""]}) == {
            "上次检查日期": "— → 2026-03-01", "标签": "a、b → 无"}
        unknown = shown("something.new", {"weird_key": {"x": [1, "二"]}, "flag": True})
        assert unknown == {"weird_key": "x：1、二", "flag": "是"}
        for values in (unknown, plan):
            assert not any("{" in v or "\\u" in v for v in values.values())
        digest = audit_view.details("rules.published", {"sha256": "ab" * 32})[0]
        assert digest.mono and digest.value == "ab" * 32


def test_every_recorded_action_and_object_type_has_a_chinese_name():
    """Every ``audit.record(...)`` call names an action and an object type that the page can name."""
    root = Path(__file__).resolve().parents[2] / "spotcheck"
    actions, types = set(), set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit" and len(node.args) >= 2):
                actions |= {c.value for c in ast.walk(node.args[0]) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
                types |= {c.value for c in ast.walk(node.args[1]) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    assert len(actions) > 40 and "plan.returned" in actions  # the conditional one is found too
    assert actions <= set(ACTION_LABELS), sorted(actions - set(ACTION_LABELS))
    assert types <= set(labels.OBJECT_LABELS), sorted(types - set(labels.OBJECT_LABELS))


def test_no_id_number_ever_shows(app):
    from spotcheck.tenants.inspectors import commands as inspectors

    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            person = inspectors.create_inspector({"name": "王建国", "sex": "M", "id_number": ID_NUMBER,
                                                  "agency": "杭州市市场监督管理局", "cert_no": "AUDIT-0001",
                                                  "categories": ["food"]}, actor=admin)
            inspectors.update_inspector(person.id, {"post": "科长"}, actor=admin)
            assert inspectors.id_number_of(person.id, actor=admin) == ID_NUMBER  # an audited reading
            db.session.commit()
    page = get(signed_in(app, "scj_leader"), "/audit?object_type=inspector")
    assert "王建国" in page and "AUDIT-0001" in page
    assert ID_NUMBER not in page and ID_NUMBER[:6] + "19850101" not in page


# --- filters and paging -----------------------------------------------------------------------------


def test_each_filter_narrows_the_rows(app):
    admin = signed_in(app, "scj_admin")
    item_id = _item_through_the_pages(admin)
    with app.app_context():
        scj_admin = user_named("scj_admin")
        with tenant_scope(scj_admin.tenant_id), frozen_at(datetime(2026, 3, 2, 7, 30)):  # 2026-03-01 23:30 UTC
            audit.record("rules.saved", "rules_document", 999, actor=scj_admin, details={"title": "凌晨保存的细则"})
            db.session.commit()
    leader = signed_in(app, "scj_leader")
    everything = rows(get(leader, "/audit"))

    by_action = rows(get(leader, "/audit?action=item.published"))
    assert by_action and len(by_action) < len(everything)
    assert {r["action"] for r in by_action} == {zh(app, ACTION_LABELS, "item.published")}

    with app.app_context():
        admin_id = user_named("scj_admin").id
    by_person = rows(get(leader, f"/audit?actor={admin_id}"))
    assert by_person and all(r["who"].startswith("赵敏") for r in by_person)
    assert any(not r["who"].startswith("赵敏") for r in everything)

    by_object = rows(get(leader, f"/audit?object_type=item&object_id={item_id}"))
    assert len(by_object) == 3 and all("食品生产企业日常监督检查" in r["object"] for r in by_object)
    by_type = rows(get(leader, "/audit?object_type=rules_document"))
    assert by_type and all(r["object"].startswith("实施细则") for r in by_type)
    gone = [r for r in by_type if "凌晨保存的细则" in r["details"]][0]
    assert gone["object"] == "实施细则 #999"  # an object that does not exist: its type and id

    # Beijing dates: 07:30 on 2 March in Beijing is 1 March in UTC
    day = rows(get(leader, "/audit?since=2026-03-02&until=2026-03-02"))
    assert [r["details"] for r in day] == ["标题 凌晨保存的细则"] and day[0]["when"].startswith("2026-03-02 07:30")
    assert rows(get(leader, "/audit?since=2026-03-01&until=2026-03-01")) == []
    before = rows(get(leader, "/audit?until=2026-03-01"))  # the demo's department opened on 5 January
    assert all("凌晨保存的细则" not in r["details"] and r["when"] < "2026-03-02" for r in before)
    since = rows(get(leader, "/audit?since=2026-03-03"))
    assert since and all("凌晨保存的细则" not in r["details"] for r in since)

    combined = rows(get(leader, f"/audit?actor={admin_id}&action=item.changed&since=2026-03-03"))
    assert len(combined) == 1 and "依据新修订的检查要点调整" in combined[0]["details"]
    empty = get(leader, "/audit?action=plan.published&object_type=item")
    assert rows(empty) == [] and "没有符合筛选条件的记录" in empty


def test_paging_is_by_key_and_keeps_the_filters(app):
    leader = signed_in(app, "scj_leader")
    with app.app_context():
        admin = user_named("scj_admin")
    url = "/audit?action=rules.saved&actor=" + str(admin.id)
    before = len(rows(get(leader, url)))
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            for n in range(120):
                audit.record("rules.saved", "rules_document", None, actor=admin, details={"title": f"第{n}稿"})
                audit.record("auth.logout", "user", admin.id, actor=admin)  # interleaved, filtered out
            db.session.commit()
    seen, pages, page = [], [], get(leader, url)
    assert link(page, "prev") is None and "« 最新" not in page
    while True:
        shown = rows(page)
        pages.append(shown)
        assert all(r["action"] == zh(app, ACTION_LABELS, "rules.saved") for r in shown)
        seen += [r["seq"] for r in shown]
        older = link(page, "next")
        if older is None:
            break
        query = parse_qs(urlsplit(older).query)
        assert query["action"] == ["rules.saved"] and query["actor"] == [str(admin.id)] and "before" in query
        page = get(leader, older)
    assert [len(p) for p in pages] == [50, 50, 20 + before]
    assert seen == sorted(set(seen), reverse=True)  # newest first, nothing twice, nothing skipped
    newer = link(page, "prev")
    assert newer and parse_qs(urlsplit(newer).query)["action"] == ["rules.saved"]
    assert [r["seq"] for r in rows(get(leader, newer))] == [r["seq"] for r in pages[1]]


@pytest.mark.parametrize("query,message", [
    ("since=2026-13-01", "请按 YYYY-MM-DD 格式输入日期。"),
    ("until=yesterday", "请按 YYYY-MM-DD 格式输入日期。"),
    ("since=2026-02-30", "请按 YYYY-MM-DD 格式输入日期。"),
    ("since=2026-05-02&until=2026-05-01", "结束日期早于开始日期。"),
    ("action=item.exploded", "请从列表中选择操作。"),
    ("actor=someone", "请从列表中选择操作人。"),
    ("actor=0", "请从列表中选择操作人。"),
    ("actor=99999999999999999999", "请从列表中选择操作人。"),
    ("object_type=spaceship", "请从列表中选择对象类型。"),
    ("object_id=12", "请同时选择对象类型。"),
    ("object_type=item&object_id=" + "9" * 65, "对象编号不超过64个字符。"),
    ("before=abc", None), ("before=-5", None), ("before=0", None), ("before=99999999999999999999", None),
    ("after=abc", None), ("after=99999999999999999999", None), ("before=1", None),
    ("since=0001-01-01&until=9999-12-31", None), ("action=&actor=&object_type=&since=&until=", None),
])
def test_bad_filter_values_are_named_never_a_500(app, query, message):
    page = get(signed_in(app, "scj_leader"), "/audit?" + query)
    if message:
        assert message in field_errors(page)
    else:
        assert field_errors(page) == []


# --- one department's chain only ----------------------------------------------------------------------


def test_another_departments_entries_never_appear(app):
    with app.app_context():
        yjj, scj = user_named("yjj_admin"), user_named("scj_admin")
        with tenant_scope(yjj.tenant_id):
            item = items.create_item({**ITEM_BASICS, "name": "应急局专用的检查事项"}, actor=yjj)
            items.publish_item(item.id, actor=yjj)
            db.session.commit()
            yjj_item = item.id
        with tenant_scope(scj.tenant_id):  # an entry of ours that names their item's id
            audit.record("item.published", "item", yjj_item, actor=scj, details={"item_id": yjj_item})
            db.session.commit()
    leader = signed_in(app, "scj_leader")
    for url in ("/audit", f"/audit?actor={yjj.id}", f"/audit?object_type=item&object_id={yjj_item}",
                "/audit?action=item.created", "/audit?since=2000-01-01"):
        page = get(leader, url)
        assert "应急局专用的检查事项" not in page and "吴刚" not in page and "yjj_admin" not in page, url
    ours = rows(get(leader, f"/audit?object_type=item&object_id={yjj_item}"))
    assert len(ours) == 1 and ours[0]["object"] == f"抽查事项 #{yjj_item}" and f"#{yjj_item}" in ours[0]["details"]
    assert rows(get(leader, f"/audit?actor={yjj.id}")) == []
    yjj_page = get(signed_in(app, "yjj_leader"), "/audit?action=item.created")
    assert "应急局专用的检查事项" in yjj_page and "食品" not in "".join(r["object"] for r in rows(yjj_page) if "SCJ" in r["object"])


def test_a_page_is_named_in_a_fixed_number_of_queries(app):
    """Names are looked up in bulk: 50 rows naming 50 different objects cost what 5 rows do."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            made = [items.create_item({"name": f"批量事项{n}"}, actor=admin) for n in range(50)]
            db.session.commit()
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    leader = signed_in(app, "scj_leader")
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        many = get(leader, "/audit?action=item.created")
        many_queries = len(statements)
        statements.clear()
        few = get(leader, f"/audit?object_type=item&object_id={made[0].id}")
        few_queries = len(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(rows(many)) == 50 and len(rows(few)) == 1
    assert "批量事项49" in many and "批量事项0" in few
    assert 0 < many_queries <= few_queries + 1, (many_queries, few_queries)


def test_verification_and_jobs_still_work_from_the_filtered_page(app):
    client = signed_in(app, "scj_leader")
    response = post_form(client, "/audit/verify", {}, token_from="/audit?action=auth.login")
    assert response.status_code == 302
    assert 'data-status="succeeded"' in get(client, response.headers["Location"])
    page = get(client, "/audit?action=job.succeeded")
    shown = rows(page)
    assert shown and zh(app, labels.JOB_KIND_LABELS, "audit.verify") in shown[0]["object"] and "#" in shown[0]["object"]
