"""Joint checks outside market regulation (宁安市's 实施方案 第10条:
其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划，并报市司法局备案审核): the platform administrator names
a field's lead department, which alone
writes the field's yearly joint plan, files it with the justice bureau, and coordinates the field's
joint campaigns within it. Each refusal names the rule and changes nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.joint.models import FieldLead, JointParticipant
from spotcheck.tenants.plans import commands as plans, queries as plans_queries
from spotcheck.tenants.plans.models import Plan
from tests.support.campaign_world import CATEGORY, build
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named
from tests.support.joint_world import PART_STRATA
from tests.support.rulebooks import cited

#: The rule a refusal names: 宁安市's 实施方案 第10条 (其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划).
JOINT_RULE = cited("第10条")


def _counts() -> tuple:
    """What a refused command must leave as it was."""
    with system_access("test: rows and audit entries"):
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (FieldLead, Plan, Campaign, AuditEntry)
        )


def _name_lead(field: str, code: str) -> None:
    joint.name_field_lead(field, {"tenant_id": tenant_id(code)}, actor=user_named("admin"))


def test_the_platform_administrator_names_the_lead_department_of_a_field(app):
    admin = signed_in(app, "admin")
    page = admin.get("/platform/fields").get_data(as_text=True)
    assert "安全生产" in page and "固定：市场监督管理局" in page and 'id="lead-safety"' in page
    assert 'id="lead-market"' not in page  # the market field's lead is never named
    with app.app_context():
        yjj, swj, sfj = tenant_id("YJJ"), tenant_id("SWJ"), tenant_id("SFJ")
        county = db.session.get(Tenant, yjj).region_id  # the demo's departments' region, 宁安市 (the root is 牡丹江市)
    named = post_form(admin, "/platform/fields/safety", {"tenant_id": str(yjj)}, token_from="/platform/fields")
    assert named.status_code == 302
    assert "应急管理局" in admin.get(f"/platform/fields?region={county}").get_data(as_text=True)

    client, token, other = app.test_client(), bearer(app, "admin"), bearer(app, "yjj_admin")
    answer = client.put("/api/v1/fields/environment", json={"tenant_id": swj}, headers=token)
    assert answer.status_code == 200 and answer.json["lead_name"] == "宁安市商务局"
    listed = client.get(f"/api/v1/fields?region_id={county}", headers=token).json
    assert {row["code"]: row["lead_name"] for row in listed}["market"] == "宁安市市场监督管理局"
    with app.app_context():
        before = _counts()
    for code, body, field in (
        ("market", {"tenant_id": swj}, "field"),
        ("safety", {"tenant_id": sfj}, "tenant_id"),
        ("nuclear", {"tenant_id": swj}, "field"),
        ("safety", {"tenant_id": 10**9}, "tenant_id"),
    ):
        refused = client.put(f"/api/v1/fields/{code}", json=body, headers=token)
        assert refused.status_code == 422 and field in refused.json["errors"]["json"], (code, refused.json)
    assert client.put("/api/v1/fields/safety", json={"tenant_id": swj}, headers=other).status_code == 403
    with app.app_context():
        assert _counts() == before and joint_queries.lead_of("safety", tenant_id("YJJ")).code == "YJJ"
        with system_access("test: the audit trail"):
            chains = {
                e.tenant_id
                for e in db.session.scalars(
                    sa.select(AuditEntry).where(
                        AuditEntry.action == "field_lead.named", AuditEntry.object_id == "safety"
                    )
                )
            }
        assert chains == {None, yjj}  # the platform's chain and the department's


def test_only_the_fields_lead_writes_its_joint_plan_and_files_it_with_the_justice_bureau(app):
    with app.app_context():
        world = build(file_plan=False)
        planner, leader, supervisor = user_named("yjj_planner"), user_named("yjj_leader"), user_named("sfj_supervisor")
        data = {
            "year": 2026,
            "half": None,
            "title": "安全生产领域2026年度联合抽查工作计划",
            "kind": "joint",
            "field": "safety",
            "department_ids": [tenant_id("SWJ"), tenant_id("SCJ")],
        }
        with tenant_scope(world["tenant"]):
            before = _counts()
            with pytest.raises(InvalidInputError) as refused:
                plans.create_plan(data, actor=planner)
            assert JOINT_RULE in refused.value.errors["field"][0] and _counts() == before
        _name_lead("safety", "YJJ")
        with tenant_scope(tenant_id("SWJ")), pytest.raises(InvalidInputError) as refused:
            plans.create_plan(data, actor=user_named("swj_planner"))  # not the field's lead
        assert JOINT_RULE in refused.value.errors["field"][0]
        with tenant_scope(world["tenant"]):
            with pytest.raises(InvalidInputError) as refused:
                plans.create_plan({**data, "department_ids": [world["tenant"]]}, actor=planner)
            assert "department_ids" in refused.value.errors
            plan = plans.create_plan(data, actor=planner)
            plans.set_line(
                plan.id,
                {
                    "item_id": world["item"],
                    "ratio_bp": 500,
                    "frequency_times": 1,
                    "frequency_period": "year",
                    "months": [3, 4],
                    "methods": ["onsite"],
                },
                actor=planner,
            )
            plans.submit(plans.publish(plan.id, actor=leader).id, actor=leader)
            assert plans_queries.authorities_for(plan) == ("justice",) and plan.kind == "joint"
        supervisor = user_named("sfj_supervisor")  # read again: a refused command's rollback expired what was loaded
        with tenant_scope(supervisor.tenant_id):
            assert (
                plans.review(plan.id, {"accept": True, "comment": "同意备案。"}, actor=supervisor).status.value
                == "filed"
            )
        with tenant_scope(world["tenant"]):
            assert plans_queries.filed_joint_plan(2026, "safety").id == plan.id
            assert plans_queries.filed_plan_for(2026, {world["item"]}) is None  # a joint plan is not the annual plan
    page = signed_in(app, "yjj_planner").get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "安全生产领域年度联合抽查工作计划" in page and "商务局" in page and "市场监督管理局" in page


def test_a_joint_campaign_of_a_field_needs_its_lead_and_its_filed_joint_plan(app):
    with app.app_context():
        yjj, swj = build("yjj"), build("swj", entities=5)
        coord = user_named("yjj_coord")  # 应急管理局's joint-check coordinator (field_coordinator)
        data = {
            "title": "危化品经营单位联合检查",
            "year": 2026,
            "window_start": "2026-03-01",
            "window_end": "2026-04-30",
            "team_size": 2,
            "reserve_size": 2,
            "department_ids": [yjj["tenant"], swj["tenant"]],
        }
        with tenant_scope(yjj["tenant"]):
            before = _counts()
            with pytest.raises(InvalidInputError) as refused:
                joint.create_joint(data, actor=coord)  # its department leads no field yet
            assert "field" in refused.value.errors and _counts() == before
        _name_lead("safety", "YJJ")
        with tenant_scope(yjj["tenant"]):
            before = _counts()
            with pytest.raises(InvalidInputError) as refused:
                joint.create_joint(data, actor=coord)  # no filed joint plan of 2026
            assert JOINT_RULE in refused.value.errors["field"][0] and "2026" in refused.value.errors["field"][0]
            assert _counts() == before
        with tenant_scope(tenant_id("SCJ")), pytest.raises(InvalidInputError) as refused:
            joint.create_joint({**data, "field": "safety"}, actor=user_named("scj_coord"))
        assert "牵头部门" in refused.value.errors["field"][0]

        planner, leader = user_named("yjj_planner"), user_named("yjj_leader")
        with tenant_scope(yjj["tenant"]):
            plan = plans.create_plan(
                {
                    "year": 2026,
                    "half": None,
                    "title": "安全生产领域2026年度联合抽查工作计划",
                    "kind": "joint",
                    "field": "safety",
                    "department_ids": [swj["tenant"]],
                },
                actor=planner,
            )
            plans.set_line(
                plan.id,
                {"item_id": yjj["item"], "ratio_bp": 500, "months": [3, 4], "methods": ["onsite"]},
                actor=planner,
            )
            plans.submit(plans.publish(plan.id, actor=leader).id, actor=leader)
        supervisor = user_named("sfj_supervisor")
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan.id, {"accept": True, "comment": ""}, actor=supervisor)
        coord = user_named("yjj_coord")
        with tenant_scope(yjj["tenant"]):
            before = _counts()
            with pytest.raises(InvalidInputError) as refused:
                joint.create_joint({**data, "window_end": "2026-05-20"}, actor=coord)  # May is not in the plan
            assert "3、4" in refused.value.errors["window_start"][0] and _counts() == before
            campaign = joint.create_joint(data, actor=coord)
            assert (campaign.joint_field, campaign.plan_id, campaign.code[:5]) == ("safety", plan.id, "宁应急联抽")
            campaign_id = campaign.id
        for dept, world in (("yjj", yjj), ("swj", swj)):
            with tenant_scope(world["tenant"]):
                participant = db.session.scalar(
                    sa.select(JointParticipant).where(JointParticipant.campaign_id == campaign_id)
                )
                joint.accept(participant.id, actor=user_named(f"{dept}_planner"))
                joint.save_part(
                    participant.id,
                    {"item_ids": [world["item"]], "strata": PART_STRATA, "target_filter": {"categories": [CATEGORY]}},
                    actor=user_named(f"{dept}_planner"),
                )
                joint.approve_part(participant.id, actor=user_named(f"{dept}_leader"))
        leader, coord = user_named("yjj_leader"), user_named("yjj_coord")
        with tenant_scope(yjj["tenant"]):
            campaign = joint_queries.get_joint(campaign_id)
            joint.approve_joint(campaign.id, actor=leader)
            joint.freeze_targets(campaign.id, actor=coord)  # the field's coordinator reads the parts' directories
            joint.draw_targets(campaign_id, {"public_inputs": ["observer:测试"]}, actor=coord)
            assert joint_queries.get_joint(campaign_id).status.value == "targets_drawn"
    page = signed_in(app, "yjj_coord")
    assert page.get("/supervision").status_code == 403  # no reading across departments beyond its draws
    assert "安全生产" in page.get(f"/joint/{campaign_id}").get_data(as_text=True)


def test_the_fields_lead_drafts_its_joint_plan_on_the_plans_page(app):
    planner = signed_in(app, "yjj_planner")
    assert 'id="plan-new-joint"' not in planner.get("/plans").get_data(as_text=True)
    with app.app_context():
        _name_lead("safety", "YJJ")
        swj = tenant_id("SWJ")
    assert 'id="plan-new-joint"' in planner.get("/plans").get_data(as_text=True)
    form = planner.get("/plans/new-joint").get_data(as_text=True)
    assert "安全生产" in form and "商务局" in form and "应急管理局</label>" not in form
    missing = post_form(
        planner,
        "/plans/new-joint",
        {"year": "2026", "field": "safety", "title": "联合抽查计划"},
        token_from="/plans/new-joint",
    )
    assert missing.status_code == 422 and "至少一个" in missing.get_data(as_text=True)
    created = post_form(
        planner,
        "/plans/new-joint",
        {"year": "2026", "field": "safety", "title": "安全生产联合抽查计划", "department_ids": [str(swj)]},
        token_from="/plans/new-joint",
    )
    assert created.status_code == 302
    page = planner.get(created.headers["Location"]).get_data(as_text=True)
    assert "安全生产领域年度联合抽查工作计划" in page and 'id="plan-departments"' in page and "商务局" in page
