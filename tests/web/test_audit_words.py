"""The audit page names every detail in Chinese (审计日志用语): no key an entry was written with
("visits", "rule") and no code it holds ("first_drawn") reaches the reader."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

from flask_babel import force_locale

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.web.audit import view as audit_view
from spotcheck.tenants.audit.vocabulary import DETAIL_LABELS
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.vocabulary import LEADER_RULES
from spotcheck.tenants.results import commands as results
from tests.support.campaign_world import build, planner_of
from tests.support.helpers import signed_in, user_named
from tests.support.results_world import teams_drawn

CJK = re.compile(r"[\u4e00-\u9fff]")


def _recorded_detail_keys() -> dict[str, str]:
    """Every key of the details an ``audit.record(...)`` or ``audit.record_many(...)`` call writes as a
    literal, with where: the keys the page must name."""
    root = Path(__file__).resolve().parents[2] / "spotcheck"
    keys: dict[str, str] = {}
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Subscript)  # details["key"] = …
                and getattr(node.targets[0].value, "id", "") == "details"
                and isinstance(node.targets[0].slice, ast.Constant)
            ):
                keys.setdefault(node.targets[0].slice.value, f"{path.relative_to(root.parent)}:{node.lineno}")
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("record", "record_many")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in ("audit", "steps", "draws")
            ):
                continue
            written = [kw.value for kw in node.keywords if kw.arg == "details"]
            if node.func.attr == "record_many" and len(node.args) > 2:
                written.append(node.args[2])
            for value in written:
                for found in ast.walk(value):
                    if isinstance(found, ast.Dict):
                        for key in found.keys:
                            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                                keys.setdefault(key.value, f"{path.relative_to(root.parent)}:{node.lineno}")
                    if isinstance(found, ast.Call) and getattr(found.func, "attr", "") == "drawn_details":
                        keys.update(
                            {
                                kw.arg: f"{path.relative_to(root.parent)}:{node.lineno}"
                                for kw in found.keywords
                                if kw.arg
                            }
                        )
    return keys


def test_every_detail_an_entry_is_written_with_has_a_chinese_name(app):
    keys = _recorded_detail_keys()
    assert len(keys) > 60 and {"visits", "rule", "no_input_reason", "selected"} <= set(keys)
    missing = {key: where for key, where in keys.items() if key not in DETAIL_LABELS}
    assert not missing, missing
    with app.test_request_context(), force_locale("zh_CN"):
        unnamed = {key: str(label) for key, label in DETAIL_LABELS.items() if not CJK.search(str(label))}
    assert not unnamed, unnamed


def test_the_leaders_rule_and_the_visits_read_as_words(app):
    with app.test_request_context(), force_locale("zh_CN"):

        def shown(action, values):
            return {d.label: d.value for d in audit_view.details(action, values)}

        assert shown("team.leader_designated", {"rule": "first_drawn"}) == {"组长确定方式": LEADER_RULES["first_drawn"]}
        assert shown("campaign.handed_out", {"visits": 381}) == {"检查户次": "381"}
        assert shown("joint.handed_out", {"visits": 3, "checks": 7}) == {"检查户次": "3", "各部门检查户次合计": "7"}
        assert shown("plan.line_set", {"methods": ["onsite", "document"]})["检查方式"] == "实地检查、书面检查"
        assert shown("plan.filed", {"authority": "justice", "status": "filed"}) == {
            "备案机关": str(audit_view.domain.PLAN_AUTHORITY["justice"]),
            "状态": "已备案",
        }
        assert shown("draw.drawn", {"public_inputs": [], "no_input_reason": "监督人未到场"}) == {
            "现场监督人输入": "无",
            "无外部输入的理由": "监督人未到场",
        }


def test_the_audit_page_of_a_campaign_names_the_leaders_rule_and_the_visits(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(planner.tenant_id):
            campaign_commands.designate_leaders(
                campaign_id, {"rule": "first_drawn", "only_missing": False}, actor=planner
            )
            results.hand_out(campaign_id, actor=planner)
            db.session.commit()
    page = signed_in(app, "yjj_leader").get(f"/audit?object_type=campaign&object_id={campaign_id}")
    assert page.status_code == 200
    body = html.unescape(page.get_data(as_text=True))
    labels = re.findall(r"<dt>([^<]*)</dt>", body)
    assert labels and all(CJK.search(label) for label in labels), sorted(set(labels))
    assert "first_drawn" not in body and LEADER_RULES["first_drawn"] in body
    assert "<dt>组长确定方式</dt>" in body and "<dt>检查户次</dt>" in body


def test_a_move_of_a_campaigns_status_reads_as_the_statuses_and_the_step(app):
    with app.test_request_context(), force_locale("zh_CN"):
        shown = {
            d.label: d.value
            for d in audit_view.details(
                "campaign.moved", {"from": "draft", "to": "approved", "by": "campaigns.approve"}
            )
        }
    assert shown == {"原状态": "草稿", "变更后状态": "已批准，已公布抽取承诺值", "引起变更的操作": "批准抽查任务"}
