"""The demo city (``spotcheck demo --entities N``): valid codes, every department stocked,
idempotent, and it grows without changing what it has."""

from __future__ import annotations

from collections import Counter
from datetime import date

import flask_migrate
import pytest
import sqlalchemy as sa
from stdnum.cn import ric, uscc

from spotcheck.core import audit, personal_data
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.demo import city_size, load_demo
from spotcheck.demo.city import PLAN_LINES
from spotcheck.platform.factory import create_app
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.contacts.models import DepartmentContact
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.inspectors import eligibility
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.items import queries as items_queries
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.rules import queries as rules_queries
from tests.support.helpers import signed_in, tenant_id

pytestmark = pytest.mark.planning_clock  # the window and plan-year rules read the one clock

TODAY = date(2026, 11, 21)


def _state():
    state = {"entities": {e.code: e for e in db.session.scalars(sa.select(Entity))}, "departments": {}, "plans": {}}
    with system_access("test: count every audit entry"):
        state["audit"] = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    for code in ("SCJ", "YJJ", "SWJ", "SFJ", "MDJSCJ"):
        with tenant_scope(tenant_id(code)):
            people = list(db.session.scalars(sa.select(Inspector)))
            document = rules_queries.current_document()
            state["departments"][code] = {
                "entries": list(db.session.scalars(sa.select(DirectoryEntry))),
                "items": items_queries.list_items(),
                "coverage": {c.field: c for c in items_queries.coverage()},
                "inspectors": people,
                "ids": [personal_data.decrypt(p.id_encrypted) for p in people],
                "recusals": db.session.scalar(sa.select(sa.func.count()).select_from(Recusal)),
                "rules": (document.title, document.published, len(document.body)) if document else None,
                "audit": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
            }
            for plan in db.session.scalars(sa.select(Plan).where(Plan.half.is_(None), Plan.kind == "annual")):
                lines = {
                    line.item.name: (line.ratio_bp, line.months, line.methods == line.item.methods)
                    for line in plan.lines
                }
                state["plans"][(code, plan.year)] = (plan.status.value, plan.filed_by_name, lines)
    with system_access("test: count every campaign"):
        state["campaigns"] = db.session.scalar(sa.select(sa.func.count()).select_from(Campaign))
        codes = dict(db.session.execute(sa.select(Tenant.id, Tenant.code)).all())
        state["joint_plans"] = [
            (codes[p.tenant_id], p.field, p.status.value, p.filed_by_name, sorted(codes[d] for d in p.departments))
            for p in db.session.scalars(sa.select(Plan).where(Plan.kind == "joint"))
        ]
    return state


def test_a_small_demo_city(app):
    with app.app_context():
        assert city_size() == 0  # the test template: departments and users only
        load_demo(entities=300, today=TODAY, actor=CONSOLE)
        state = _state()
        assert city_size() == 300
        load_demo(entities=300, today=TODAY, actor=CONSOLE)  # again: nothing new
        again = _state()
        checked, breaks = audit.verify()
    assert not breaks and checked == state["audit"] > 300

    entities = state["entities"]
    assert len(entities) == 300 and all(uscc.is_valid(code) for code in entities)
    kinds = Counter(e.entity_type for e in entities.values())
    assert kinds["enterprise"] > 100 and kinds["individual"] > 80
    # every business in 宁安市 (its towns' codes, 231084xxx; its address there), registered there or with 牡丹江市
    assert all(e.region_code.startswith("231084") and len(e.region_code) == 9 for e in entities.values())
    assert all(
        e.industry_code[0] in "ABCEFGHIKLOPQRS" and e.code[2:8] in ("231084", "231000") for e in entities.values()
    )
    assert all(e.address.startswith("黑龙江省牡丹江市宁安市") for e in entities.values())
    assert Counter(e.status for e in entities.values())["active"] > 250
    assert 0 < sum(e.abnormal for e in entities.values()) < 30
    assert len({e.name for e in entities.values()}) > 290

    departments = state["departments"]
    for code in ("SCJ", "YJJ", "SWJ"):
        entries = departments[code]["entries"]
        assert entries and all(e.entity.code in entities for e in entries)
        risks = Counter(e.risk for e in entries)
        assert risks["D"] + risks["C"] > risks["A"] + risks["B"], (code, risks)  # weighted to low risk
        assert departments[code]["recusals"] > 0
    assert (
        len(departments["SCJ"]["entries"])
        > 250
        > len(departments["SWJ"]["entries"])
        > len(departments["YJJ"]["entries"])
    )
    assert {e.entity.industry_code[0] for e in departments["SWJ"]["entries"]} <= {"F", "H", "O"}
    assert not departments["SFJ"]["entries"]
    # 牡丹江市's market bureau keeps the city's food producers and caterers, 宁安市's among them
    upper = departments.pop("MDJSCJ")
    assert upper["entries"] and {e.category for e in upper["entries"]} <= {"食品生产", "餐饮服务"}
    assert {e.entity.code for e in upper["entries"]} <= {e.entity.code for e in departments["SCJ"]["entries"]}
    assert upper["inspectors"] and all(p.cert_no.startswith("23100021-") for p in upper["inspectors"])
    assert all(p.agency.startswith("牡丹江市") for p in upper["inspectors"] if not p.is_expert)
    assert upper["rules"][0].startswith("牡丹江市市场监督管理局") and len(upper["items"]) == 2
    assert all(p.cert_no.startswith("231084") for d in departments.values() for p in d["inspectors"])

    people = [p for d in departments.values() for p in d["inspectors"]]
    ids = [number for d in departments.values() for number in d["ids"]]
    assert 180 <= len(people) <= 220 and all(ric.is_valid(number) for number in ids) and len(set(ids)) == len(ids)
    expired = sum(not eligibility.certificate_valid_on(p, TODAY) for p in people)
    experts = sum(p.is_expert for p in people)
    assert 0.04 * len(people) <= expired <= 0.12 * len(people) and 0.03 * len(people) <= experts <= 0.08 * len(people)
    assert all(
        p.id_masked == number[:6] + "********" + number[-4:]
        for p, number in zip([p for d in departments.values() for p in d["inspectors"]], ids, strict=True)
    )

    for code, department in departments.items():
        items = department["items"]
        assert len(items) >= 4 and any(item.status.value == "published" for item in items)
        qualified = {
            c for p in department["inspectors"] if eligibility.certificate_valid_on(p, TODAY) for c in p.categories
        }
        for item in items:
            assert set(item.inspector_categories) <= qualified, (code, item.name)  # someone can be drawn
            assert "《" in item.legal_basis
        for field, coverage in department["coverage"].items():  # 宁安市 sets no goal; 城口县's would be met
            assert coverage.items == 0 or coverage.share_bp >= {"market": 7000, "other": 5000}[field], (code, field)
        title, published, length = department["rules"]  # the 细则 its rules in force come from, or generic
        assert published and ("细则" in title and title.startswith("宁安市")) and length > 100, (code, title)

    # this year's plans published then filed — by 司法局, and by 市场监管局 for those touching its field
    # (not its own) — with the planned ratio and months of each random-check item
    plans = state["plans"]
    assert set(plans) == {(code, year) for code in ("SCJ", "YJJ", "SWJ", "MDJSCJ") for year in (2026, 2027)}
    for code, lines in PLAN_LINES.items():
        status, filed_by, planned = plans[(code, 2026)]
        if code == "MDJSCJ":  # 牡丹江市 runs on the national floor alone, which asks no filing: published, not filed
            assert status == "published" and not filed_by, code
        else:  # 宁安市's by its bureau (韩梅) and, touching its field, 宁安市's lead (周静)
            assert status == "filed" and filed_by == {"SCJ": "韩梅"}.get(code, "韩梅、周静"), code
        assert planned == {name: (ratio, months, True) for name, (ratio, months) in lines.items()}
    assert [plans[(code, 2027)][0] for code in ("SCJ", "YJJ", "SWJ")] == ["draft", "returned", "submitted"]
    # 应急管理局 leads 安全生产 and its joint plan of the year is published and filed with the justice bureau
    assert state["joint_plans"] == [("YJJ", "safety", "filed", "韩梅", ["SCJ", "SWJ"])]
    assert state["campaigns"] == 0  # too small a city to draw from

    # every department's 负责人 and 联络员 (seed 003 附件5), recorded by its administrator
    with app.app_context():
        with system_access("test"):
            named = {(c.tenant_id, c.role) for c in db.session.scalars(sa.select(DepartmentContact))}
        assert named == {
            (tenant_id(code), role) for code in ("SCJ", "YJJ", "SWJ", "SFJ") for role in ("responsible", "liaison")
        }

    # loading again changed nothing, wrote nothing
    assert again["audit"] == state["audit"]
    assert {c: len(d["entries"]) for c, d in again["departments"].items()} == {
        c: len(d["entries"]) for c, d in {**departments, "MDJSCJ": upper}.items()
    }


def test_the_city_grows_and_the_command_keeps_its_size(app):
    with app.app_context():
        load_demo(entities=120, today=TODAY, actor=CONSOLE)
        first = dict(db.session.execute(sa.select(Entity.code, Entity.name)).all())
        load_demo(entities=200, today=TODAY, actor=CONSOLE)
        grown = dict(db.session.execute(sa.select(Entity.code, Entity.name)).all())
        load_demo(entities=50, today=TODAY, actor=CONSOLE)  # never shrinks
        assert city_size() == 200
    assert len(first) == 120 and len(grown) == 200 and all(grown[code] == name for code, name in first.items())

    runner = app.test_cli_runner()
    kept = runner.invoke(args=["demo"])
    assert kept.exit_code == 0 and "Demo city: 200 entities" in kept.output
    bigger = runner.invoke(args=["demo", "--entities", "260"])
    assert bigger.exit_code == 0 and "Demo city: 260 entities" in bigger.output
    assert runner.invoke(args=["demo", "--entities", "-1"]).exit_code == 2


def test_the_demo_under_chengkous_rulebook_names_chengkou_and_owes_its_duties_only(tmp_path):
    """``spotcheck demo --rules 城口县`` at its default size: the same city under 城口县's 实施方案 — named 城口县, its
    quarterly
    table and 12月15日 area table the only duties, its departments' 细则 named after it, its plans in force
    once published (城口县 asks no filing); 宁安市 nowhere."""
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'chengkou.db'}", "SPOTCHECK_STORAGE": str(tmp_path / "files")}
    )
    with app.app_context():
        flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
    loaded = app.test_cli_runner().invoke(args=["demo", "--rules", "城口县"])  # at the default size, with its plans
    assert loaded.exit_code == 0, loaded.output
    # only the checks the rules in force allow: no plan is asked, so none is "outside" one; yet every stage is built
    assert "已下达检查任务" in loaded.output and "Demo city: 20000 entities" in loaded.output
    assert "城口县" in loaded.output and "宁安" not in loaded.output
    pages = {
        "sfj_supervisor": ["/", "/supervision/tables", "/reports/overview?year=2026", "/public/rules"],
        "yjj_planner": ["/", "/reports", "/catalog/rules/in-force", "/plans"],
        "yjj_admin": ["/catalog/rules/in-force", "/catalog/rules"],
    }
    seen = ""
    for login_name, urls in pages.items():
        client = signed_in(app, login_name)
        for url in urls:
            answer = client.get(url)
            assert answer.status_code == 200, (login_name, url)
            text = answer.get_data(as_text=True)
            assert "宁安" not in text, (login_name, url)
            seen += text
    assert "县政府部门、有关单位推行“双随机、一公开”情况统计表" in seen  # the quarterly table (附件4)
    assert "城口县推行“双随机、一公开”情况统计表" in seen  # the bureau's own, by 12月15日 (附件3)
    assert "随机抽查工作进展情况统计表" not in seen and "联合检查工作进展情况统计表" not in seen  # 宁安市's
    assert "城口县应急管理局细则（参数取自乌审旗应急管理局方案，条款待本部门确认）" in seen
    # the operator's page: 城口县's plan in force (宁安市 only among the presets offered)
    assert "城口县全面推行“双随机、一公开”工作机制的实施方案" in signed_in(app, "admin").get(
        "/platform/rules"
    ).get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()
