"""The audit page (/audit) names what it shows (issue 8, item 10): actions, people and objects by
name in Chinese, details as labelled fields (never JSON), and never an identity card number."""

from __future__ import annotations

import ast
from pathlib import Path

import sqlalchemy as sa
from flask_babel import force_locale
from stdnum.cn import ric

from spotcheck.core import audit
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.web.audit import view as audit_view
from spotcheck.tenants.accounts.vocabulary import ROLE_LABELS
from spotcheck.tenants.audit.vocabulary import ACTION_LABELS
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignTarget, TargetStatus
from spotcheck.tenants.common import vocabulary as labels
from spotcheck.tenants.inspectors import commands as inspectors
from tests.support.audit_page import get, item_through_the_pages, rows, zh
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import post_form, signed_in, user_named

ID_NUMBER = "33010619850101123" + ric.calc_check_digit("33010619850101123" + "0")


def test_actions_people_objects_and_details_read_in_chinese(app):
    admin = signed_in(app, "scj_admin")
    item_id = item_through_the_pages(admin)
    with app.app_context():
        planner = user_named("scj_planner")
    edited = post_form(
        admin,
        f"/admin/users/{planner.id}",
        {"display_name": planner.display_name, "roles": ["planner", "leader"], "active": "y"},
        token_from=f"/admin/users/{planner.id}",
    )
    assert edited.status_code == 302

    leader = signed_in(app, "scj_leader")
    page = get(leader, "/audit")
    shown = rows(page)
    assert 10 <= len(shown) <= 50  # newest first
    assert [r["seq"] for r in shown] == sorted((r["seq"] for r in shown), reverse=True)

    tbody = page[page.index("<tbody>") : page.index("</tbody>")]
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
    assert (
        f"{planner_zh} → {leader_zh}、{planner_zh}" in updated["details"]
        or f"{planner_zh} → {planner_zh}、{leader_zh}" in updated["details"]
    )

    signed = by_action[zh(app, ACTION_LABELS, "auth.login")]
    assert signed["who"].startswith("孙立")
    assert 'title="auth.login"' in page  # the code stays reachable for whoever needs it

    # the object link filters to that object's history
    history = rows(get(leader, f"/audit?object_type=item&object_id={item_id}"))
    assert [r["action"] for r in history] == [
        zh(app, ACTION_LABELS, a) for a in ("item.changed", "item.published", "item.created")
    ]


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
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            campaign_commands.approve(campaign.id, actor=leader)
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:人大代表 1234"]}, actor=planner)
            record = campaigns.draw(campaign, "targets")
            proof = record.proof
            _stratum, ids = next((s, ids) for s, ids in proof["selected"]["YJJ"].items() if proof["reserves"]["YJJ"][s])
            out_code = draw_steps.codes_of(record, [ids[0]])[ids[0]]  # the proof names it by its token
            out = db.session.scalar(
                sa.select(CampaignTarget).where(
                    CampaignTarget.entity.has(code=out_code), CampaignTarget.status == TargetStatus.selected
                )
            )
            campaign_commands.replace_target(
                campaign.id, {"entity_id": out.entity_id, "reason": "deregistered"}, actor=planner
            )
            db.session.commit()
            campaign_id, campaign_code = campaign.id, campaign.code
            out_name = out.entity.name

    page = get(signed_in(app, "yjj_leader"), f"/audit?object_type=campaign&object_id={campaign_id}")
    shown = {r["action"]: r for r in rows(page)}
    assert all("危化企业双随机抽查" in r["object"] and campaign_code in r["object"] for r in shown.values())
    assert shown[zh(app, ACTION_LABELS, "campaign.created")]["who"].startswith("郑洁")
    approved = shown[zh(app, ACTION_LABELS, "campaign.approved")]
    assert approved["who"].startswith("王磊")
    frozen = shown[zh(app, ACTION_LABELS, "draw.frozen")]["details"]
    assert "检查对象抽取" in frozen and "风险等级" in frozen and "候选对象" in frozen
    drawn = next(r for r in rows(page) if r["action"] == zh(app, ACTION_LABELS, "draw.drawn"))["details"]
    assert "人大代表 输入： 1234" in drawn and "observer" not in drawn and "随机种子" in drawn  # the observer in words
    replaced = shown[zh(app, ACTION_LABELS, "draw.target_replaced")]["details"]
    assert "已注销" in replaced and "deregistered" not in replaced
    assert f"{out_name}（{out_code}）" in replaced
    created = shown[zh(app, ACTION_LABELS, "campaign.created")]["details"]
    assert "危险化学品安全生产检查" in created and "2026年度行政执法检查计划" in created  # item and plan by name
    tbody = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "\\u" not in tbody and "{" not in tbody


def test_details_are_words_for_every_kind_of_value(app):
    with app.test_request_context(), force_locale("zh_CN"):

        def shown(action, values):
            return {d.label: d.value for d in audit_view.details(action, values)}

        assert shown("user.updated", {"roles": [["planner"], ["leader", "planner"]], "active": [True, False]}) == {
            "角色": f"{ROLE_LABELS['planner']} → {ROLE_LABELS['leader']}、{ROLE_LABELS['planner']}",
            str(audit_view.DETAIL_LABELS["active"]): "是 → 否",
        }
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
            "上次检查日期": "— → 2026-03-01",
            "标签": "a、b → 无",
        }
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
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and len(node.args) >= 2
            ):
                actions |= {
                    c.value for c in ast.walk(node.args[0]) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
                types |= {
                    c.value for c in ast.walk(node.args[1]) if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    assert len(actions) > 40 and "plan.returned" in actions  # the conditional one is found too
    assert actions <= set(ACTION_LABELS), sorted(actions - set(ACTION_LABELS))
    assert types <= set(labels.OBJECT_LABELS), sorted(types - set(labels.OBJECT_LABELS))


def test_no_id_number_ever_shows(app):
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            person = inspectors.create_inspector(
                {
                    "name": "王建国",
                    "sex": "M",
                    "id_number": ID_NUMBER,
                    "agency": "杭州市市场监督管理局",
                    "cert_no": "AUDIT-0001",
                    "categories": ["food"],
                },
                actor=admin,
            )
            inspectors.update_inspector(person.id, {"post": "科长"}, actor=admin)
            assert inspectors.id_number_of(person.id, actor=admin) == ID_NUMBER  # an audited reading
            db.session.commit()
    page = get(signed_in(app, "scj_leader"), "/audit?object_type=inspector")
    assert "王建国" in page and "AUDIT-0001" in page
    assert ID_NUMBER not in page and ID_NUMBER[:6] + "19850101" not in page
