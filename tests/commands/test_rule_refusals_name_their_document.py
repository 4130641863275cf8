"""Every refusal of a national or local rule cites it (issue 94 §3), by title and article, from the rules in force —
the department's 细则, its level's 实施方案 or the national floor — as the person who would try it meets it: an
administrator leaving out a certificate number, an inspector recording a check date in the future or outside the
window, a coordinator of another field starting a market-regulation joint campaign, a planner naming a cause not
allowed, a leader registering an emergency check too late, a planner handing out teams without their 组长, and an
administrator loading rules with a team of one."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at, today
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.rules import commands as rules_commands
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import tenant_id, user_named
from tests.support.named_world import named_data
from tests.support.results_world import complete_result, handed_out
from tests.support.rules_files import changed_department_rules

pytestmark = pytest.mark.planning_clock  # the window and plan-year rules read the one clock

#: The demo departments' 细则, started from 乌审旗's and 唐山高新区's documents (their articles await confirmation).
WUSHEN = "《宁安市应急管理局细则（参数取自乌审旗应急管理局方案，条款待本部门确认）》"
TANGSHAN = "《宁安市商务局细则（参数取自唐山高新区商务局方案，条款待本部门确认）》"
NINGAN = "《宁安市人民政府办公室关于进一步加强和创新“双随机、一公开”监管工作的实施方案》"
GBF54 = "《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）"
BEFORE = datetime(2026, 2, 20, 10, tzinfo=SHANGHAI)


def _said(refused: pytest.ExceptionInfo, field: str | None = None) -> str:
    value = refused.value
    if isinstance(value, InvalidInputError):
        return " ".join(str(m) for m in value.errors[field or next(iter(value.errors))])
    return str(value)


INSPECTOR = {
    "name": "测试人员",
    "sex": "男",
    "post": "科员",
    "agency": "执法大队",
    "categories": ["安全生产"],
}


@pytest.mark.parametrize(
    ("department", "cited"),
    [("yjj", f"{WUSHEN}三（三）"), ("swj", f"{TANGSHAN}二（一）2"), ("scj", f"{GBF54}二")],
)
def test_a_missing_certificate_number_cites_the_departments_rule(app, department, cited):
    """The administrator who leaves out an inspector's certificate number is told which rule asks for it: 乌审旗's
    三（三） for 应急管理局, 唐山高新区's 二（一）2 for 商务局, the national floor's 54号 二 where no local document
    says."""
    with app.app_context():
        admin = user_named(f"{department}_admin")
        with tenant_scope(admin.tenant_id), pytest.raises(InvalidInputError) as refused:
            inspectors.create_inspector({**INSPECTOR, "cert_no": ""}, actor=admin)
        assert cited in _said(refused, "cert_no") and "执法证号" in _said(refused, "cert_no")


def test_a_check_date_in_the_future_or_outside_the_window_cites_the_rule(app):
    """The 组长 recording a check dated tomorrow, or before the window opened, is told 乌审旗's 四（三） asks the
    report's 检查时间 inside the window and not ahead of today."""
    with app.app_context():
        with frozen_at(BEFORE):  # handed out before the window opened
            ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            for day in (today() + timedelta(days=1), date(2026, 2, 15)):
                with pytest.raises(InvalidInputError) as refused:
                    results.record_result(ids["visit"], complete_result(ids, checked_on=day.isoformat()), actor=chief)
                assert f"{WUSHEN}四（三）" in _said(refused, "checked_on")
                db.session.rollback()


def test_a_market_joint_campaign_by_another_fields_lead_cites_the_rule(app):
    """应急管理局's coordinator (lead of 安全生产) starting a joint campaign of market regulation is told 宁安市's
    实施方案 (第1条、第10条) gives it to 市场监督管理局."""
    with app.app_context(), frozen_at(BEFORE):
        coord = user_named("yjj_coord")
        with tenant_scope(coord.tenant_id), pytest.raises(InvalidInputError) as refused:
            joint.create_joint(
                {
                    "title": "市场监管领域联合抽查",
                    "field": "market",
                    "year": 2026,
                    "window_start": "2026-03-01",
                    "window_end": "2026-04-30",
                    "team_size": 2,
                    "department_ids": [tenant_id("YJJ"), tenant_id("SWJ")],
                },
                actor=coord,
            )
        assert f"{NINGAN}第1条、第10条" in _said(refused, "field") and "市场监督管理局" in _said(refused, "field")


def test_a_named_checks_cause_not_allowed_cites_the_national_floor(app):
    with app.app_context(), frozen_at(BEFORE):
        world = build()
        planner = planner_of(user_named("yjj_admin"))
        data = named_data(world, 1)
        data["named_targets"][0]["cause"] = "路过"
        with tenant_scope(world["tenant"]), pytest.raises(InvalidInputError) as refused:
            campaign_commands.create_campaign(data, actor=planner)
        assert f"{GBF54}关于行政检查方式的规定" in _said(refused, "named_targets")


def test_an_emergency_check_registered_after_its_days_cites_the_national_floor(app):
    """A leader registering on 20 March a check made on 10 March (the platform's default of 3 days) is told the rule
    it stands under: 54号's article on the checks' procedure."""
    with app.app_context(), frozen_at(datetime(2026, 3, 20, 10, tzinfo=SHANGHAI)):
        world = build()
        leader = leader_of(user_named("yjj_admin"))
        with tenant_scope(world["tenant"]):
            team = list(db.session.scalars(sa.select(Inspector.id).order_by(Inspector.id).limit(2)))
            data = {
                **campaign_data(world),
                "title": "冷库液氨泄漏事故现场紧急检查",
                "checked_on": "2026-03-10",
                "late_reason": "事故发生后须立即到场排查，来不及事先登记。",
                "team": team,
                "named_targets": [
                    {"entity_code": world["codes"][0], "cause": "accident", "reference": "2026年3月10日 液氨泄漏"}
                ],
            }
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.register_emergency(data, actor=leader)
        assert f"{GBF54}关于行政检查程序的规定" in _said(refused, "checked_on") and "3" in _said(refused, "checked_on")


def test_a_hand_out_without_every_team_leader_cites_the_rule(app):
    """The planner handing out teams drawn without their 组长 is told 乌审旗's 四（三）: 实施部门可在检查组内指定一名
    检查组长 — the department names one for every visit first."""
    with app.app_context(), frozen_at(BEFORE):  # the world prepared before its windows
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            with frozen_at(BEFORE):
                campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
                campaign_commands.approve(campaign.id, actor=leader)
            campaign_commands.freeze_targets(campaign.id, actor=planner)
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=planner)
            campaign_commands.freeze_inspectors(campaign.id, actor=planner)
            campaign_commands.draw_inspectors(campaign.id, {"public_inputs": ["observer:测试监督人"]}, actor=planner)
            db.session.commit()
            with pytest.raises((ConflictError, ForbiddenError)) as refused:
                results.hand_out(campaign.id, actor=planner)
        assert f"{WUSHEN}四（三）" in _said(refused) and "组长" in _said(refused)


def test_a_team_of_one_in_the_departments_rules_cites_the_law(app):
    """The administrator loading the department's rules with 1 inspector a team is refused by the national law: 《中华
    人民共和国行政处罚法》第四十二条 (执法人员不得少于两人), not by a bare range."""
    with app.app_context():
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            text = changed_department_rules(admin.tenant_id, min_team_size=(1, "四（三）"))
            with pytest.raises(InvalidInputError) as refused:
                rules_commands.load_department_rules({"text": text}, actor=admin)
        said = " ".join(str(m) for ms in refused.value.errors.values() for m in ms)
        assert "《中华人民共和国行政处罚法》第四十二条" in said and "1人" in said
