"""Every audited action and every draw stratum has a name on the pages (no raw codes shown to users)."""

import re
from pathlib import Path
from types import SimpleNamespace

from flask_babel import force_locale

from spotcheck.core.queries import REGISTRY
from spotcheck.platform.web.audit.view import read_name
from spotcheck.tenants.audit.vocabulary import ACTION_LABELS, READS
from spotcheck.tenants.campaigns.queries import NEXT_STEPS as CAMPAIGN_STEPS
from spotcheck.tenants.campaigns.vocabulary import observer_input
from spotcheck.tenants.common.vocabulary import (
    ITEM_STATUS,
    VISIT_STATUS,
    campaign_status,
    name,
    stratum_label,
    task_label,
)
from spotcheck.tenants.common.vocabulary.classifications import INDUSTRY_DIVISIONS, industry_name, region_name
from spotcheck.tenants.items.policy import NEXT_STEPS as ITEM_STEPS
from spotcheck.tenants.joint.queries import NEXT_STEPS as JOINT_STEPS
from spotcheck.tenants.plans.policy import NEXT_STEPS as PLAN_STEPS
from spotcheck.tenants.results.queries.todo import NEXT_STEPS as RESULT_STEPS


def test_every_audited_action_has_a_label():
    root = Path(__file__).resolve().parents[2] / "spotcheck"
    actions = set()
    for path in root.rglob("*.py"):
        actions |= set(re.findall(r'audit\.record\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8")))
    assert actions, "no audited actions found"
    assert actions <= set(ACTION_LABELS), f"actions without a label: {sorted(actions - set(ACTION_LABELS))}"


def test_every_read_beyond_the_department_is_named_on_the_audit_trail(app):
    """A query whose policy may open a cross-department or joint scope records its name on the
    reader's trail (跨部门查阅留痕): the trail names it in words, and each reason it opens for."""
    import spotcheck.platform.factory  # noqa: F401 (imports every domain's queries)

    opening = {
        name for name, found in REGISTRY.items() if found.opens and name.startswith("spotcheck.")
    }  # not a test's own
    assert len(opening) >= 10, opening
    assert opening <= set(READS), f"reads without a name: {sorted(opening - set(READS))}"
    root = Path(__file__).resolve().parents[2] / "spotcheck"
    reasons = {
        reason
        for path in root.rglob("*.py")
        for reason in re.findall(r'Across\(f?"([^"{]+)', path.read_text(encoding="utf-8"))
    }
    assert reasons and {r.strip() for r in reasons} <= set(READS), sorted(reasons - set(READS))
    with app.test_request_context():
        assert read_name("supervision 2026H1") == "对各部门的监督（2026年上半年）"
        assert read_name("burden 2026") == "涉企检查频次：各级部门对本辖区企业的检查（2026年度）"
        assert read_name("supervision: table 001-2 for submission").startswith("报送统计表 《")


def test_strata_are_named_in_words_never_by_their_code(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert stratum_label("flagged").startswith("有特殊标记的对象（投诉举报")
        assert stratum_label("flagged", short=True) == "特殊标记"
        assert stratum_label("A", risk_words={"A": "高风险"}) == "风险等级 A (高风险)"
        assert stratum_label("A", risk_words={"A": "高风险"}, short=True) == "风险等级 A"


def test_a_campaigns_status_is_said_in_the_words_of_its_kind(app):
    """Nothing is drawn for a check of named businesses (特定对象检查): its businesses are registered; a check
    registered after it was made (事后登记) registers its team too."""
    random, named = (
        SimpleNamespace(named=False, registered_late=False),
        SimpleNamespace(named=True, registered_late=False),
    )
    late = SimpleNamespace(named=True, registered_late=True)
    with app.test_request_context(), force_locale("zh_CN"):
        assert [campaign_status("targets_drawn", c) for c in (None, random, named, late)] == [
            "已抽取检查对象",
            "已抽取检查对象",
            "检查对象已登记",
            "检查对象已登记",
        ]
        assert campaign_status("inspectors_drawn", named) == "已抽取执法检查人员"  # its inspectors are drawn
        assert (
            campaign_status("inspectors_drawn", late) == "检查组已登记"
            and campaign_status("approved", late) == "事后登记"
        )
        assert campaign_status("notified", late) == campaign_status("notified") == "已下达检查任务"


def test_regions_and_industries_are_named_beside_their_codes():
    assert region_name("330106") == "杭州市西湖区" and region_name("330113") == "杭州市临平区"
    assert region_name("330100") == "杭州市" and region_name("330000") == "浙江省"
    assert region_name("320102") == "江苏省"  # outside the table: the nearest level it knows
    assert region_name("330103") == "杭州市"  # 下城区, abolished in 2021
    assert region_name("") == region_name("33x") == ""
    assert industry_name("F5292") == "零售业" and industry_name("C1311") == "农副食品加工业"
    assert industry_name("H") == "住宿和餐饮业" and industry_name("") == ""
    assert len(INDUSTRY_DIVISIONS) == 97 and sorted(INDUSTRY_DIVISIONS) == [f"{n:02d}" for n in range(1, 98)]


def test_every_next_step_of_every_to_do_list_is_named_in_chinese(app):
    """The home page's 您的下一步 names each step a domain's to-dos can hold, never by its code
    (the coordinator's joint campaign showed ``freeze_targets``, ``hand_out`` …)."""
    steps = (
        {("campaign", code) for code in CAMPAIGN_STEPS}
        | {("item", code) for code in ITEM_STEPS}
        | {("plan", code) for code in PLAN_STEPS}
        | {("report", code) for code in ("prepare", "submit")}
        | {(kind, code) for table in (JOINT_STEPS, RESULT_STEPS) for kind, codes in table.items() for code in codes}
    )
    with app.test_request_context(), force_locale("zh_CN"):
        unnamed = sorted(
            (kind, code)
            for kind, code in steps
            if str(task_label(code, kind)) == code or not re.search(r"[\u4e00-\u9fff]", str(task_label(code, kind)))
        )
    assert not unnamed, f"next steps shown by their code: {unnamed}"


def test_an_observers_input_is_named_without_its_key():
    """The public draw page reads ``observer:区人大代表 赵某 0917`` as 区人大代表 赵某 输入：0917; a line
    typed without the key is shown as typed."""
    assert observer_input("observer:区人大代表 赵某 0917") == ("区人大代表 赵某", "0917")
    assert observer_input("observer:企业代表 杭州某冷链物流公司 4471") == ("企业代表 杭州某冷链物流公司", "4471")
    assert observer_input("observer:测试") == ("", "测试")
    assert observer_input("人大代表 李红: 3141") == ("", "人大代表 李红: 3141")


def test_naming_a_team_leader_has_one_name_and_a_public_result_is_said_made_public(app):
    """指定组长: the step on a to-do list, the button naming every team's leader, the joint page's and the audit
    trail's entry read the same; a result made public reads 已公示 (公示), never 已发布 as an item does."""
    with app.test_request_context(), force_locale("zh_CN"):
        step = str(task_label("designate_leader"))
        assert step == str(ACTION_LABELS["team.leader_designated"]) == "指定组长"
        assert name(VISIT_STATUS, "published") == "已公示" and name(ITEM_STATUS, "published") == "已发布"
