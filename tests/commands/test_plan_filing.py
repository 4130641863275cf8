"""Plans are published before they are filed (宁安市's 实施方案 第3条:
备案前检查计划要在政府网站和各部门网站向社会公布), and a plan touching the market-regulation field is filed with
市场监督管理局 too (涉及市场监管领域的报市
市场监督管理局备案). Each refusal names the rule, and changes nothing."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import as_utc
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.plans import commands as plans, queries as plans_queries
from spotcheck.tenants.plans.models import Plan, PlanItem, PlanStatus
from tests.support.campaign_world import ITEM_BASICS, build
from tests.support.helpers import level_url, migrate_to, signed_in, user_named
from tests.support.rulebooks import cited

#: The rule, as a refusal names it: 宁安市's 实施方案 第3条, with its words.
PUBLISH_RULE = cited("第3条") + "，备案前检查计划要在政府网站和各部门网站向社会公布"


def _state(plan_id: int) -> tuple:
    """What a refused command must leave as it was: the plan's filing state and every audit entry."""
    with system_access("test: the plan and the audit trail as stored"):
        fresh = {"populate_existing": True}
        plan = db.session.scalar(sa.select(Plan).where(Plan.id == plan_id).execution_options(**fresh))
        lines = db.session.scalars(
            sa.select(PlanItem).where(PlanItem.plan_id == plan_id).order_by(PlanItem.id).execution_options(**fresh)
        )
        audit = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        return (
            plan.status,
            plan.submitted_at,
            plan.published_at,
            plan.published_lines,
            dict(plan.filings or {}),
            plan.comment,
            [(line.item_id, list(line.months)) for line in lines],
            audit,
        )


def _refused(error, plan_id: int, before: tuple, *phrases: str) -> None:
    message = str(error.value)
    assert all(phrase in message for phrase in phrases), message
    assert _state(plan_id) == before


def _market_item(admin):
    item = items.create_item(
        {**ITEM_BASICS, "name": "成品油市场秩序检查", "inspector_categories": ["market"], "field": "market"},
        actor=admin,
    )
    items.publish_item(item.id, actor=admin)
    return item


def _new_plan(world, department: str = "yjj", *, year: int = 2027, extra=()) -> int:
    planner = user_named(f"{department}_planner")
    plan = plans.create_plan({"year": year, "half": None, "title": f"{year}年度行政执法检查计划"}, actor=planner)
    for item_id in (world["item"], *extra):
        plans.set_line(
            plan.id,
            {
                "item_id": item_id,
                "ratio_bp": 500,
                "frequency_times": 1,
                "frequency_period": "year",
                "months": [5],
                "methods": ["onsite"],
            },
            actor=planner,
        )
    return plan.id


def _portal(app, year: int) -> str:
    return html.unescape(app.test_client().get(level_url(app, "/public/draws", year=year)).get_data(as_text=True))


@pytest.mark.seconds(2.0)
def test_a_plan_is_published_before_it_is_submitted_and_published_again_once_changed(app):
    with app.app_context():
        world = build(file_plan=False)
        with tenant_scope(world["tenant"]):
            plan_id = _new_plan(world)
            before = _state(plan_id)
            with pytest.raises(ConflictError) as refused:
                plans.submit(plan_id, actor=user_named("yjj_leader"))
            _refused(refused, plan_id, before, PUBLISH_RULE, "先向社会公布，再报备")
    assert "2027年度行政执法检查计划" not in _portal(app, 2027)  # a draft is not public

    with app.app_context(), tenant_scope(world["tenant"]):
        plan = plans.publish(plan_id, actor=user_named("yjj_leader"))
        assert plan.status == PlanStatus.published
    portal = _portal(app, 2027)
    assert "2027年度行政执法检查计划" in portal and "危险化学品安全生产检查" in portal and "待报备" in portal

    with app.app_context():
        leader, supervisor = user_named("yjj_leader"), user_named("sfj_supervisor")
        with tenant_scope(world["tenant"]):
            plans.submit(plan_id, actor=leader)
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan_id, {"accept": False, "comment": "请补充第二季度的实施月份。"}, actor=supervisor)
        with tenant_scope(world["tenant"]):
            plans.set_line(
                plan_id,
                {
                    "item_id": world["item"],
                    "ratio_bp": 500,
                    "frequency_times": 1,
                    "frequency_period": "year",
                    "months": [5, 6],
                    "methods": ["onsite"],
                },
                actor=user_named("yjj_planner"),
            )
            before = _state(plan_id)
            with pytest.raises(ConflictError) as refused:
                plans.submit(plan_id, actor=leader)
            _refused(refused, plan_id, before, PUBLISH_RULE, "重新公布后再报备")
    portal = _portal(app, 2027)  # the plan as last published, saying it is being revised
    assert "正在修改" in portal and "5、6" not in portal

    with app.app_context(), tenant_scope(world["tenant"]):
        leader = user_named("yjj_leader")
        plans.publish(plan_id, actor=leader)
        plans.submit(plan_id, actor=leader)
    portal = _portal(app, 2027)
    assert "5、6" in portal and "正在修改" not in portal and "已报备，待备案" in portal
    with app.app_context():
        supervisor = user_named("sfj_supervisor")
        with tenant_scope(supervisor.tenant_id):
            plan = plans.review(plan_id, {"accept": True, "comment": ""}, actor=supervisor)
            assert plan.status == PlanStatus.filed
            assert as_utc(plan.published_at) <= as_utc(plan.submitted_at) <= as_utc(plan.filed_at)


def test_a_plan_touching_the_market_field_is_filed_by_both_bureaus(app):
    with app.app_context():
        world = build(file_plan=False)
        admin, leader = user_named("yjj_admin"), user_named("yjj_leader")
        supervisor, market = user_named("sfj_supervisor"), user_named("scj_coord")
        with tenant_scope(world["tenant"]):
            plan_id = _new_plan(world, extra=[_market_item(admin).id])
            plan = plans.publish(plan_id, actor=leader)
            plans.submit(plan.id, actor=leader)
            assert plans_queries.authorities_for(plan) == ("justice", "market")
        for reviewer in (supervisor, market):
            with tenant_scope(reviewer.tenant_id):
                assert plan_id in [p.id for p in plans_queries.plans_to_review(reviewer)]

        with tenant_scope(market.tenant_id):
            plan = plans.review(plan_id, {"accept": True, "comment": "涉及市场监管领域的事项同意备案。"}, actor=market)
            assert plan.status == PlanStatus.submitted and plan.filings["market"]["decision"] == "filed"
            assert plan_id not in [p.id for p in plans_queries.plans_to_review(market)]
            before = _state(plan_id)
            with pytest.raises(ConflictError) as refused:
                plans.review(plan_id, {"accept": True, "comment": ""}, actor=market)
            _refused(refused, plan_id, before, "不需要本局再作备案审核")
    page = html.unescape(signed_in(app, "yjj_leader").get(f"/plans/{plan_id}").get_data(as_text=True))
    assert (
        "市场监督管理局" in page and "周静" in page and "涉及市场监管领域的事项同意备案。" in page and "待审核" in page
    )
    queue = html.unescape(signed_in(app, "scj_coord").get("/").get_data(as_text=True))
    assert 'id="home-review"' in queue

    with app.app_context():
        supervisor, market = user_named("sfj_supervisor"), user_named("scj_coord")
        with tenant_scope(supervisor.tenant_id):
            plan = plans.review(plan_id, {"accept": True, "comment": "同意备案。"}, actor=supervisor)
            assert plan.status == PlanStatus.filed and plan.filed_by_name == "韩梅、周静"
            assert {(r.authority, r.decision) for r in plans_queries.reviews(supervisor) if r.plan_id == plan_id} == {
                ("justice", "filed"),
                ("market", "filed"),
            }
        with tenant_scope(market.tenant_id):  # the market bureau's archive: its own decisions
            assert {r.authority for r in plans_queries.reviews(market)} == {"market"}
    archive = html.unescape(signed_in(app, "sfj_supervisor").get("/plans/review/archive").get_data(as_text=True))
    assert 'data-authority="market"' in archive and 'data-authority="justice"' in archive


def test_a_return_by_either_bureau_returns_the_plan_and_both_review_it_again(app):
    with app.app_context():
        world = build(file_plan=False)
        admin, leader = user_named("yjj_admin"), user_named("yjj_leader")
        supervisor, market = user_named("sfj_supervisor"), user_named("scj_coord")
        with tenant_scope(world["tenant"]):
            plan_id = _new_plan(world, extra=[_market_item(admin).id])
            plans.submit(plans.publish(plan_id, actor=leader).id, actor=leader)
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan_id, {"accept": True, "comment": ""}, actor=supervisor)
        with tenant_scope(market.tenant_id):
            with pytest.raises(InvalidInputError):
                plans.review(plan_id, {"accept": False, "comment": " "}, actor=market)
            plan = plans.review(
                plan_id, {"accept": False, "comment": "请明确成品油市场秩序检查的抽查比例。"}, actor=market
            )
            assert plan.status == PlanStatus.returned and plan.filings["justice"]["decision"] == "filed"
        with tenant_scope(world["tenant"]):
            plans.submit(plan_id, actor=leader)  # unchanged since published: as it is
            assert plans_queries.get_plan(plan_id).filings == {}
        for reviewer in (supervisor, market):
            with tenant_scope(reviewer.tenant_id):
                assert plan_id in [p.id for p in plans_queries.plans_to_review(reviewer)]


def test_the_market_bureau_files_only_other_departments_plans_touching_its_field(app):
    with app.app_context():
        world = build(file_plan=False)
        market = user_named("scj_coord")
        with tenant_scope(world["tenant"]):
            assert plans_queries.authorities_for(plans_queries.get_plan(world["plan"])) == ("justice",)
        with tenant_scope(market.tenant_id):
            assert world["plan"] not in [p.id for p in plans_queries.plans_to_review(market)]
            before = _state(world["plan"])
            with pytest.raises(ConflictError) as refused:
                plans.review(world["plan"], {"accept": True, "comment": ""}, actor=market)
            _refused(refused, world["plan"], before, "不涉及市场监管领域")
            own = plans.create_plan(
                {"year": 2027, "half": None, "title": "市场监督管理局2027年度计划"}, actor=user_named("scj_planner")
            )
            plans.set_line(
                own.id,
                {
                    "item_id": _market_item(user_named("scj_admin")).id,
                    "ratio_bp": 300,
                    "months": [9],
                    "methods": ["onsite"],
                },
                actor=user_named("scj_planner"),
            )
            assert plans_queries.authorities_for(own) == ("justice",)  # a bureau does not file its own plan with itself


def test_a_plan_line_needs_its_months_and_methods(app):
    with app.app_context():
        world = build(file_plan=False)
        planner = user_named("yjj_planner")
        with tenant_scope(world["tenant"]):
            plan_id = _new_plan(world)
            before = _state(plan_id)
            with pytest.raises(InvalidInputError) as refused:
                plans.set_line(
                    plan_id, {"item_id": world["item"], "ratio_bp": 500, "months": [], "methods": []}, actor=planner
                )
            assert set(refused.value.errors) == {"months", "methods"}
            assert cited("第3条") in refused.value.errors["months"][0]
            assert _state(plan_id) == before


def _line(plan_id: int) -> list[tuple]:
    with system_access("test: the plan's lines as stored"):
        return [
            (line.item_id, line.ratio_bp, line.frequency_times, line.frequency_period, list(line.methods))
            for line in db.session.scalars(
                sa.select(PlanItem).where(PlanItem.plan_id == plan_id).execution_options(populate_existing=True)
            )
        ]


def test_a_plan_line_refuses_a_ratio_of_0_or_above_100_a_bad_frequency_and_a_method_its_item_lacks(app):
    """A plan sets each item's ratio (抽查比例: above 0, at most 100 %), frequency (抽查频次: a number of times
    per period, or the item's) and methods (检查方式: among the item's own — 各级行政执法部门应严格按照年度检查
    计划确定的内容、时间、方式等实施检查, and an item states its methods). Each refusal names the field, in
    Chinese, and changes nothing."""
    with app.app_context():
        world = build(file_plan=False)  # its item is checked on site (实地检查) only
        planner = user_named("yjj_planner")
        with tenant_scope(world["tenant"]):
            plan_id = _new_plan(world)
            before = (_state(plan_id), _line(plan_id))
            good = {"item_id": world["item"], "ratio_bp": 800, "months": [5], "methods": ["onsite"]}
            for bad, field, words in (
                ({"ratio_bp": 0}, "ratio_bp", "抽查比例"),
                ({"ratio_bp": -100}, "ratio_bp", "抽查比例"),
                ({"ratio_bp": 10001}, "ratio_bp", "抽查比例"),
                ({"ratio_bp": "5%"}, "ratio_bp", "抽查比例"),
                ({"ratio_bp": None}, "ratio_bp", "抽查比例"),
                ({"frequency_times": 0, "frequency_period": "year"}, "frequency_times", "抽查频次"),
                ({"frequency_times": "每年1次", "frequency_period": "year"}, "frequency_times", "抽查频次"),
                ({"frequency_times": 1, "frequency_period": "decade"}, "frequency_period", "抽查频次"),
                ({"frequency_times": 2}, "frequency_period", "抽查频次"),
                ({"methods": ["onsite", "document"]}, "methods", "书面检查"),
                ({"methods": ["网络监测"]}, "methods", "网络监测"),
            ):
                with pytest.raises(InvalidInputError) as refused:
                    plans.set_line(plan_id, {**good, **bad}, actor=planner)
                assert set(refused.value.errors) == {field}, (bad, refused.value.errors)
                assert words in str(refused.value.errors[field][0]), (bad, refused.value.errors)
                assert (_state(plan_id), _line(plan_id)) == before
            with pytest.raises(InvalidInputError) as refused:
                plans.set_line(plan_id, {**good, "methods": ["document"]}, actor=planner)
            message = str(refused.value.errors["methods"][0])
            assert "检查方式" in message and "危险化学品安全生产检查" in message and "实地检查" in message

            line = plans.set_line(
                plan_id, {**good, "ratio_bp": 10000, "frequency_times": 2, "frequency_period": "half"}, actor=planner
            )
            assert (line.ratio_bp, line.frequency_text) == (10000, "每半年2次")
            line = plans.set_line(plan_id, {**good, "ratio_bp": 1}, actor=planner)  # 0.01 %, the item's frequency
            assert (line.ratio_bp, line.frequency_times, line.frequency_text) == (1, None, "")


def test_plans_from_before_the_rule_are_filed_only_once_published(app):
    """A plan submitted before the rule was never published: it cannot be filed, only returned; a
    plan filed before the rule can still be published."""
    with app.app_context():
        world = build(file_plan=False)
        leader, supervisor = user_named("yjj_leader"), user_named("sfj_supervisor")
        with tenant_scope(world["tenant"]):
            db.session.execute(
                sa.update(Plan).where(Plan.id == world["plan"]).values(published_lines=None, published_at=None)
            )
            db.session.commit()
        with tenant_scope(supervisor.tenant_id):
            before = _state(world["plan"])
            with pytest.raises(ConflictError) as refused:
                plans.review(world["plan"], {"accept": True, "comment": ""}, actor=supervisor)
            _refused(refused, world["plan"], before, PUBLISH_RULE, "从未向社会公布")
            plans.review(world["plan"], {"accept": False, "comment": "请先公布。"}, actor=supervisor)
        with tenant_scope(world["tenant"]):
            db.session.execute(sa.update(Plan).where(Plan.id == world["plan"]).values(status="filed"))
            db.session.commit()
            plan = plans.publish(world["plan"], actor=leader)
            assert plan.status == PlanStatus.filed and plan.published_lines[0]["item_id"] == world["item"]


@pytest.mark.seconds(7)
def test_existing_plans_are_migrated_in_the_new_order(app):
    """0018: the old 'published' (filed, then published) becomes 'filed' with its lines kept as
    published; downgrading maps back, a plan published but not yet submitted becoming a draft."""

    def statuses():
        with system_access("test: every plan"):
            return {
                p.id: (p.status.value, p.published_lines is not None)
                for p in db.session.scalars(sa.select(Plan).execution_options(populate_existing=True))
            }

    with app.app_context():
        world = build()  # its plan published, then filed
        leader = user_named("yjj_leader")
        with tenant_scope(world["tenant"]):
            draft_id = _new_plan(world)
            plans.publish(draft_id, actor=leader)
        migrate_to(app, "0015")
        with db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT set_config('app.all_tenants', 'on', false)"))
            old = dict(connection.execute(sa.text("SELECT id, status FROM plan")).all())
        assert old == {world["plan"]: "published", draft_id: "draft"}
        migrate_to(app)
        assert statuses() == {world["plan"]: ("filed", True), draft_id: ("draft", False)}
