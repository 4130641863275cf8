"""Each region its justice bureau and its market-regulation lead (issue 77): one of each per region, a second refused
naming the field; a department is supervised by the bureau of its region or of the nearest region above (清波街道,
with none of its own, by 上城区司法局), and led likewise. A plan is filed with, and a complaint goes to, that bureau —
not the city's, not the other county's. Field leads are named per region and followed downwards."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import as_utc, frozen_at, now
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.demo.people import DEMO_PASSWORD
from spotcheck.tenants.accounts import commands as accounts, queries as accounts_queries
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.joint.models import FieldLead
from spotcheck.tenants.plans import commands as plans, queries as plans_queries
from spotcheck.tenants.plans.models import Plan, PlanStatus
from spotcheck.tenants.regions import queries as region_queries
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.models import Complaint, Evaluation
from spotcheck.tenants.supervision.queries.outcomes import business_outcomes
from tests.support.campaign_world import build
from tests.support.helpers import bearer, migrate_to, post_form, signed_in, user_named
from tests.support.results_world import codes_of, teams_drawn
from tests.support.rulebooks import adopt
from tests.support.two_counties import CODES, DEPARTMENTS as WORLD_DEPARTMENTS, REGIONS, world as two_counties

#: The world's departments' names by key (海林市应急管理局; the city's 应急管理局: 牡丹江市应急管理局).
NAMES = {
    key: next(name for code, name, *_ in WORLD_DEPARTMENTS if code == CODES[key]) for key in ("XHYJJ", "YJJ", "SCSFJ")
}
DURING = date(2026, 4, 1)  # inside the campaign world's window
COMPLAINT = {
    "text": "检查人员要求我单位提供与检查事项无关的材料。",
    "contact_name": "王经理",
    "contact_phone": "13912345678",
}


def _counts() -> tuple[int, int, int]:
    """What a refused command leaves as it was: the departments, the field leads and the audit trail."""
    with system_access("test: rows and audit entries"):
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Tenant, FieldLead, AuditEntry)
        )


def _department(code: str, kind: str, region: str) -> dict:
    return {
        "code": code,
        "name": f"{code}局",
        "kind": kind,
        "region": region,
        "admin": {"login": f"{code.lower()}_admin", "display_name": "管理员", "password": DEMO_PASSWORD},
    }


def test_each_region_has_one_bureau_and_one_lead_and_a_department_the_nearest_above(app):
    with app.app_context():
        ids = two_counties()
        tenants, regions = ids["tenants"], ids["regions"]
        key_of = {tenant: key for key, tenant in tenants.items()}
        bureaus = {code: accounts_queries.bureau_of(tenant) for code, tenant in tenants.items()}
        assert {code: key_of[bureau.id] for code, bureau in bureaus.items() if bureau} == {
            "SFJ": "SFJ",
            "SCJ": "SFJ",
            "YJJ": "SFJ",
            "SWJ": "SFJ",
            "SCSFJ": "SCSFJ",
            "SCYJJ": "SCSFJ",
            "QBJD": "SCSFJ",  # the town has no bureau: its county's supervises it
            "XHSFJ": "XHSFJ",
            "XHYJJ": "XHSFJ",
        }
        assert {key_of[accounts_queries.lead_of(tenant).id] for tenant in tenants.values()} == {"SCJ"}

        admin = user_named("admin")
        before = _counts()
        for code, kind, key in (("SCSFJ2", "supervisor", "county1"), ("SCJ2", "lead", "city")):
            region, name = REGIONS[key], region_queries.get_region(regions[key]).name
            with pytest.raises(InvalidInputError) as refused:
                accounts.create_department(_department(code, kind, region), actor=admin)
            assert set(refused.value.errors) == {"kind"}
            assert f"{name}已有此类部门" in str(refused.value.errors["kind"][0])
        assert _counts() == before

        # a region without a lead or a bureau may have its own: then it leads and supervises below it
        xh_lead = accounts.create_department(_department("XHSCJ", "lead", REGIONS["county2"]), actor=admin)
        town_bureau = accounts.create_department(_department("QBSFJ", "supervisor", REGIONS["town"]), actor=admin)
        db.session.commit()
        assert accounts_queries.lead_of(tenants["XHYJJ"]).id == xh_lead.id
        assert accounts_queries.lead_of(tenants["SCYJJ"]).id == tenants["SCJ"]
        assert accounts_queries.bureau_of(tenants["QBJD"]).id == town_bureau.id
        assert accounts_queries.bureau_of(tenants["SCYJJ"]).code == "SCSFJ"
        assert regions["town"] == town_bureau.region_id


def _submitted_town_plan(county: int) -> dict:
    """The town's department's plan of 2026, published and submitted for filing (the campaign world's, not filed):
    the first county adopts the demo's rulebook (its plans filed with the justice bureau; the town, without one of
    its own, under it — the national floor alone asks no filing). ``county``: the first county's region id."""
    adopt("宁安市", date(2026, 1, 1), region=county)
    return build("qbjd", file_plan=False)


def _plan_state(plan_id: int) -> tuple:
    with system_access("test: the plan and the audit trail as stored"):
        plan = db.session.scalar(sa.select(Plan).where(Plan.id == plan_id).execution_options(populate_existing=True))
        audit = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        return plan.status, dict(plan.filings or {}), audit


@pytest.mark.seconds(2.0)
def test_a_plan_is_filed_with_the_bureau_of_its_region_or_the_nearest_above(app):
    with app.app_context():
        ids = two_counties()
        logins = ids["logins"]
        world = _submitted_town_plan(ids["regions"]["county1"])
        plan_id = world["plan"]
        county, city, other = (user_named(logins[key]["supervisor"]) for key in ("SCSFJ", "SFJ", "XHSFJ"))
        with tenant_scope(world["tenant"]):
            plan = plans_queries.get_plan(plan_id)
            assert plan.status == PlanStatus.submitted and plans_queries.authorities_for(plan) == ("justice",)
            assert plans_queries.filed_with(plan, "justice").code == "SCSFJ"
        with tenant_scope(county.tenant_id):
            assert plan_id in [p.id for p in plans_queries.plans_to_review(county)]
        for reviewer in (city, other):  # the city's bureau reads below it, but the county has its own
            with tenant_scope(reviewer.tenant_id):
                assert plan_id not in [p.id for p in plans_queries.plans_to_review(reviewer)]
        before = _plan_state(plan_id)
        with tenant_scope(city.tenant_id), pytest.raises(ForbiddenError) as refused:
            plans.review(plan_id, {"accept": True, "comment": ""}, actor=city)
        assert NAMES["SCSFJ"] in str(refused.value)
        assert _plan_state(plan_id) == before

        county = user_named("scsfj_supervisor")  # afresh: the refusal rolled the session back

        with tenant_scope(county.tenant_id):
            plan = plans.review(plan_id, {"accept": True, "comment": "同意备案。"}, actor=county)
            assert plan.status == PlanStatus.filed and plan.filed_by_name == county.display_name
            db.session.commit()
        with tenant_scope(world["tenant"]):  # the decision, kept with the plan's department
            assert [(r.authority, r.reviewer_tenant_id) for r in plans_queries.reviews_of(plan)] == [
                ("justice", county.tenant_id)
            ]


def _handed_out(world: dict) -> dict:
    """清波街道's campaign of ``world``, drawn and handed out: the ids the business's codes are read with."""
    campaign_id = teams_drawn(world, department="qbjd")
    with tenant_scope(world["tenant"]):
        with events.suspended():
            visits = results.hand_out(campaign_id, actor=user_named("qbjd_planner"))
        db.session.commit()
        return {"tenant": world["tenant"], "visit": min(visits, key=lambda v: v.id).id}


@pytest.mark.seconds(4.0)
def test_a_complaint_and_an_evaluation_go_to_the_bureau_of_the_departments_region_or_the_nearest_above(app):
    with app.app_context():
        ids = two_counties()
        tenants, county1 = ids["tenants"], ids["regions"]["county1"]
    with app.app_context(), frozen_at(DURING):
        world = _submitted_town_plan(county1)
        county = user_named("scsfj_supervisor")
        with tenant_scope(county.tenant_id):
            plans.review(world["plan"], {"accept": True, "comment": "同意备案。"}, actor=county)
            db.session.commit()
        ids = _handed_out(world)
        token, _, business, _ = codes_of(ids)
        made = supervision.complain(token, {**COMPLAINT, "business_code": business})
        db.session.commit()
        assert made.tenant_id == tenants["SCSFJ"] and made.about_tenant_id == tenants["QBJD"]
        with tenant_scope(ids["tenant"]):
            # the team's 入企 and 离企 as its 组长 records them at the door (a shortcut, as the evaluation world's)
            code = db.session.scalar(sa.select(InspectionCode).where(InspectionCode.visit_id == ids["visit"]))
            code.arrived_at = code.arrival_recorded_at = now() - timedelta(hours=2)
            code.left_at = now()
            db.session.commit()
    with app.app_context(), frozen_at(DURING + timedelta(days=1)):
        evaluation = supervision.evaluate_visit(token, {"business_code": business, "satisfaction": "4"})
        db.session.commit()
        assert evaluation.tenant_id == tenants["SCSFJ"] and evaluation.about_tenant_id == tenants["QBJD"]
        for bureau, seen in (("SCSFJ", 1), ("SFJ", 0), ("XHSFJ", 0)):
            with tenant_scope(tenants[bureau]):
                counted = [
                    db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Complaint, Evaluation)
                ]
                assert counted == [seen, seen], bureau
        outcomes = business_outcomes(token, {"business_code": business})
        assert [c.text for c in outcomes.complaints] == [COMPLAINT["text"]]
        assert as_utc(outcomes.evaluated_at) == as_utc(evaluation.evaluated_at)


def test_field_leads_are_named_per_region_and_followed_below(app):
    with app.app_context():
        ids = two_counties()
        tenants, regions = ids["tenants"], ids["regions"]
        admin = user_named("admin")
        joint.name_field_lead("safety", {"tenant_id": tenants["YJJ"]}, actor=admin)  # the city's (its region)
        joint.name_field_lead("safety", {"tenant_id": tenants["SCYJJ"]}, actor=admin)  # 上城区's
        db.session.commit()
        key_of = {tenant: key for key, tenant in tenants.items()}
        leads = {code: joint_queries.lead_of("safety", tenant) for code, tenant in tenants.items()}
        assert {code: key_of[lead.id] for code, lead in leads.items() if lead} == {
            **{code: "YJJ" for code in ("SFJ", "SCJ", "YJJ", "SWJ", "XHSFJ", "XHYJJ")},
            **{code: "SCYJJ" for code in ("SCSFJ", "SCYJJ", "QBJD")},
        }
        assert joint_queries.lead_of("market", tenants["QBJD"]).id == tenants["SCJ"]
        rows = {row.code: row for row in joint_queries.field_leads(regions["county2"])}
        assert rows["safety"].lead.id == tenants["YJJ"] and rows["safety"].region_id == regions["city"]
        assert rows["market"].lead.id == tenants["SCJ"] and rows["market"].fixed

        before = _counts()
        with pytest.raises(InvalidInputError) as refused:  # a department of another region
            joint.name_field_lead(
                "safety", {"tenant_id": tenants["XHYJJ"], "region_id": regions["county1"]}, actor=admin
            )
        county1 = region_queries.get_region(regions["county1"]).name
        assert set(refused.value.errors) == {"tenant_id"} and county1 in str(refused.value.errors["tenant_id"][0])
        with pytest.raises(InvalidInputError) as refused:  # which region's lead goes, when several have one
            joint.name_field_lead("safety", {"tenant_id": None}, actor=admin)
        assert set(refused.value.errors) == {"region_id"}
        assert _counts() == before

        admin = user_named("admin")  # afresh: the refusals rolled the session back
        joint.name_field_lead("safety", {"tenant_id": None, "region_id": regions["county1"]}, actor=admin)
        db.session.commit()
        assert joint_queries.lead_of("safety", tenants["QBJD"]).id == tenants["YJJ"]

    client, token = app.test_client(), bearer(app, "admin")
    answer = client.put(
        "/api/v1/fields/environment", json={"tenant_id": tenants["XHYJJ"]}, headers=token
    )  # the department's region by default
    assert answer.status_code == 200 and answer.json["region_id"] == regions["county2"], answer.json
    listed = client.get(f"/api/v1/fields?region_id={regions['county2']}", headers=token).json
    assert {row["code"]: row["lead_name"] for row in listed}["environment"] == NAMES["XHYJJ"]
    city = {row["code"]: row["lead_name"] for row in client.get("/api/v1/fields", headers=token).json}
    assert city["environment"] is None and city["safety"] == NAMES["YJJ"]

    page = signed_in(app, "admin")
    shown = html.unescape(page.get(f"/platform/fields?region={regions['county2']}").get_data(as_text=True))
    assert NAMES["XHYJJ"] in shown and "上级区划指定" in shown
    named = post_form(
        page,
        "/platform/fields/safety",
        {"tenant_id": str(tenants["XHYJJ"]), "region": str(regions["county2"])},
        token_from="/platform/fields",
    )
    assert named.status_code == 302
    with app.app_context():
        assert joint_queries.lead_of("safety", tenants["XHYJJ"]).code == "XHYJJ"
        assert joint_queries.lead_of("safety", tenants["QBJD"]).id == tenants["YJJ"]


def test_the_field_leads_named_before_regions_lead_in_their_departments_region_and_back(app):
    """Migration 0062: each lead named before leads in its department's region; the downgrade keeps, per field, the
    lead of the region nearest the root."""
    with app.app_context():
        tenants, regions = (ids := two_counties())["tenants"], ids["regions"]
        admin = user_named("admin")
        joint.name_field_lead("safety", {"tenant_id": tenants["SCYJJ"]}, actor=admin)
        joint.name_field_lead("safety", {"tenant_id": tenants["YJJ"]}, actor=admin)
        joint.name_field_lead("environment", {"tenant_id": tenants["XHYJJ"]}, actor=admin)
        db.session.commit()
        migrate_to(app, "0062-1")
        with system_access("test: the leads as the old table keeps them"):
            kept = dict(db.session.execute(sa.text("SELECT field, lead_tenant_id FROM field_lead")).all())
        assert kept == {"safety": tenants["YJJ"], "environment": tenants["XHYJJ"]}
        db.session.rollback()
        migrate_to(app)
        with system_access("test: the leads by region"):
            rows = {(row.region_id, row.field): row.lead_tenant_id for row in db.session.scalars(sa.select(FieldLead))}
        assert rows == {
            (regions["city"], "safety"): tenants["YJJ"],
            (regions["county2"], "environment"): tenants["XHYJJ"],
        }
        assert joint_queries.lead_of("environment", tenants["XHYJJ"]).code == "XHYJJ"
        assert joint_queries.lead_of("environment", tenants["QBJD"]) is None
