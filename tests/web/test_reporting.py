"""The reporting duties of the rules in force (报表报送; 宁安市's 第9–10条, 城口县's 三（三）): a department's
statistical tables frozen when prepared, signed by its leader only, kept as submitted whatever the
live figures become, corrected with a reason and the history kept; the justice bureau sees who
submitted on time, late or not at all on a controlled clock; a department created after a due date
owes neither that table nor that plan filing; the duties on the to-do list and in the reminders, by name."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as services
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.notices.reminders import due_lines
from spotcheck.tenants.supervision import (
    assessment,
    commands as supervision,
    criticism,
    duties,
    figures,
    periods,
    policy as supervision_policy,
    submissions,
)
from spotcheck.tenants.supervision.models import ReportSubmission, SubmissionStatus
from spotcheck.tenants.supervision.periods import Period
from tests.support import campaign_world
from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import bearer, post_form, signed_in, user_named
from tests.support.rulebooks import adopt, cited, rules_of_presets

PROGRESS = "市直部门2026年度随机抽查工作进展情况统计表"


def _department_row(row: ReportSubmission) -> list:
    """The department's row of the frozen 001-2 table (the first row of its only section)."""
    return row.content[0]["sections"][0]["rows"][0]


def _due_dates(rules) -> dict:
    return {
        due.key: due.due_on
        for duty in duties.duties_of(rules)
        for due in (duties.Due(duty, period) for period in periods.of_year(2026, duty.period_kind))
    }


def test_each_citys_rulebook_gives_its_own_due_dates_and_only_those():
    # 宁安市 第9、10条: 每年的1月1日和7月1日前 (half-years), 每年的1月1日前 the past year's joint table
    due = _due_dates(rules_of_presets("宁安市"))
    assert due["progress/2026H1"] == date(2026, 7, 1) and due["progress/2026H2"] == date(2027, 1, 1)
    assert due["practice/2026H1"] == date(2026, 7, 1) and due["joint/2026"] == date(2027, 1, 1)
    assert {key.split("/")[0] for key in due} == {"progress", "practice", "joint"}
    # 城口县 三（三）: 每季度倒数第二周内 — the Sunday before the week holding the quarter's last day; 12月15日前
    due = _due_dates(rules_of_presets("城口县"))
    assert due["area/2026"] == date(2026, 12, 15)
    assert [due[f"dept/2026Q{q}"] for q in (1, 2, 3, 4)] == [
        date(2026, 3, 29),
        date(2026, 6, 28),
        date(2026, 9, 27),
        date(2026, 12, 27),
    ]
    assert {key.split("/")[0] for key in due} == {"area", "dept"}
    # each duty names its document and article
    [progress] = [d for d in duties.duties_of(rules_of_presets("宁安市")) if d.code == "progress"]
    assert progress.citation == cited("第9条") and progress.title(duties.Period(2026)) == PROGRESS


def test_submitting_freezes_the_figures_only_the_leader_signs_and_a_correction_keeps_the_history(app):
    with app.app_context():
        with frozen_at(date(2026, 2, 20)):  # the lists in place before the half-year's end (its figures count them)
            world = campaign_world.build("yjj")
        planner, leader, admin = user_named("yjj_planner"), user_named("yjj_leader"), user_named("yjj_admin")
        with tenant_scope(world["tenant"]):
            with frozen_at(date(2026, 6, 26)):
                prepared = supervision.prepare(
                    {"code": "progress", "period": "2026H1", "contact": "郑洁", "phone": "0571-87000001"}, actor=planner
                )
                db.session.commit()
                assert prepared.status == SubmissionStatus.prepared and _department_row(prepared)[2] == 1
                with pytest.raises(ForbiddenError):  # the planner prepares, never signs
                    supervision.submit(
                        {"code": "progress", "period": "2026H1", "digest": prepared.digest}, actor=planner
                    )
                stale = prepared.digest
                # a second item published, the table prepared again: the leader never signs unseen figures
                second = items.create_item(
                    {**ITEM_BASICS, "name": "工贸企业安全生产检查", "field": "other"}, actor=admin
                )
                items.publish_item(second.id, actor=admin)
                db.session.commit()
                fresh = supervision.prepare({"code": "progress", "period": "2026H1"}, actor=planner)
                db.session.commit()
                assert fresh.id == prepared.id and fresh.digest != stale and _department_row(fresh)[2] == 2
                with pytest.raises(ConflictError, match="重新生成"):
                    supervision.submit({"code": "progress", "period": "2026H1", "digest": stale}, actor=leader)
            with frozen_at(date(2026, 6, 29)):
                signed = supervision.submit(
                    {"code": "progress", "period": "2026H1", "digest": fresh.digest}, actor=leader
                )
                db.session.commit()
            assert (signed.status, signed.version, signed.signed_by_name, signed.contact) == (
                SubmissionStatus.submitted,
                1,
                "王磊",
                "郑洁",
            )
            frozen_content, frozen_digest = signed.content, signed.digest

            # the live figures change afterwards: a third item published on the half-year's last day
            with frozen_at(date(2026, 6, 30)):
                item = items.create_item({**ITEM_BASICS, "name": "烟花爆竹经营安全检查", "field": "other"}, actor=admin)
                items.publish_item(item.id, actor=admin)
                db.session.commit()
            with frozen_at(date(2026, 7, 2)):
                live = submissions._freeze(
                    duties.find(world["tenant"], "progress", "2026H1"), user_named("yjj_leader").tenant, leader
                )
            assert live[0]["sections"][0]["rows"][0][2] == 3
            db.session.expire_all()
            kept = db.session.get(ReportSubmission, signed.id)
            assert kept.content == frozen_content and kept.digest == frozen_digest and submissions.intact(kept)
            assert _department_row(kept)[2] == 2

            # a correction needs its reason; the first version is kept, superseded
            with frozen_at(date(2026, 7, 2)):
                with pytest.raises(InvalidInputError) as refused:
                    supervision.submit({"code": "progress", "period": "2026H1"}, actor=leader)
                assert "更正理由" in str(refused.value.errors["reason"])
                corrected = supervision.submit(
                    {"code": "progress", "period": "2026H1", "reason": "补报新公布的检查事项。"}, actor=leader
                )
                db.session.commit()
            versions = submissions.history(world["tenant"], "progress", "2026H1")
            assert [(v.version, v.status) for v in versions] == [
                (1, SubmissionStatus.superseded),
                (2, SubmissionStatus.submitted),
            ]
            assert _department_row(versions[0])[2] == 2 and _department_row(corrected)[2] == 3
            state = duties.state_of(leader.tenant, duties.find(world["tenant"], "progress", "2026H1"))
            with frozen_at(date(2026, 7, 10)):
                assert (state.status, state.corrections, state.submitted_on) == ("on_time", 1, date(2026, 6, 29))

        signed_id = signed.id
    # the table as submitted, exported: the seed's title and the frozen number, signed at the foot
    client = signed_in(app, "yjj_planner")
    page = client.get(f"/reports/submissions/{signed_id}").get_data(as_text=True)
    assert PROGRESS in page and frozen_digest in page and "王磊签发" in page
    book = load_workbook(io.BytesIO(client.get(f"/reports/submissions/{signed_id}/download").data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == PROGRESS
    assert next(r for r in rows if r[1] == "宁安市应急管理局")[2] == 2
    assert any(r[0] and "签发：王磊 2026-06-29" in str(r[0]) for r in rows)
    # the planner's page offers no signing; the route refuses it too
    duty_page = client.get("/reports/progress/2026H1").get_data(as_text=True)
    assert 'id="duty-submit"' not in duty_page and 'id="duty-prepare"' in duty_page
    assert (
        post_form(
            client, "/reports/progress/2026H1/submit", {"reason": "x"}, token_from="/reports/progress/2026H1"
        ).status_code
        == 403
    )
    # the audit page names the steps in Chinese
    leader_client = signed_in(app, "yjj_leader")
    audit = leader_client.get("/audit").get_data(as_text=True)
    assert "统计表已签发报送" in audit and "统计表已生成（数据冻结）" in audit


def test_the_bureau_sees_submitted_late_and_missing_on_a_controlled_clock(app):
    with app.app_context():
        world = campaign_world.build("yjj")
        leader = user_named("yjj_leader")
        with tenant_scope(world["tenant"]):
            with frozen_at(date(2026, 6, 30)):
                supervision.submit({"code": "progress", "period": "2026H1", "contact": "郑洁"}, actor=leader)
            with frozen_at(date(2026, 7, 3)):
                supervision.submit({"code": "practice", "period": "2026H1", "contact": "郑洁"}, actor=leader)
            db.session.commit()
        with frozen_at(date(2026, 6, 30)):  # on the due day nobody is missing yet
            states = {
                s.tenant.code: s.status
                for row in _overview(app)
                if row.due.key == "progress/2026H1"
                for s in row.states
            }
            # 市直部门's table (宁安市's 第9条, binds = "level"): not the demo's town department's
            # (宁安镇's, which applies 宁安市's rulebook and is supervised by its bureau)
            assert states == {"SCJ": "pending", "YJJ": "on_time", "SWJ": "pending"}
        submitted_id = _submitted_id(world)
    with frozen_at(date(2026, 7, 10)):
        answer = app.test_client().get("/api/v1/reports/overview?year=2026", headers=bearer(app, "sfj_supervisor"))
        assert answer.status_code == 200
        found = {
            (row["table_code"], row["period"]): {d["department"]: d["status"] for d in row["departments"]}
            for row in answer.get_json()
        }
        assert found[("progress", "2026H1")] == {
            "宁安市市场监督管理局": "missing",
            "宁安市应急管理局": "on_time",
            "宁安市商务局": "missing",
        }  # not the demo's town department, in 宁安市's branch: the table is 市直部门's
        assert found[("joint", "2026")]["宁安镇综合行政执法办公室"] == "pending"  # 第10条's “各部门”: the town's too
        assert found[("practice", "2026H1")]["宁安市应急管理局"] == "late"
        assert found[("progress", "2026H2")]["宁安市应急管理局"] == "pending"
        assert not [key for key in found if key[0] in ("dept", "area")]  # 城口县's tables: not 宁安市's duties
        page = signed_in(app, "sfj_supervisor").get("/reports/overview?year=2026").get_data(as_text=True)
        assert "逾期未报送" in page and "逾期报送" in page and "按时报送" in page
        assert "2026-06-30 09:00" in page  # Beijing time
    # a department reads only its own submissions; another's is not found
    assert signed_in(app, "swj_leader").get(f"/reports/submissions/{submitted_id}").status_code == 404
    assert signed_in(app, "sfj_supervisor").get(f"/reports/submissions/{submitted_id}").status_code == 200


def _overview(app):
    bureau = user_named("sfj_supervisor")
    with tenant_scope(bureau.tenant_id), supervision_policy.reading(bureau, "test") as visible:
        return duties.overview(figures.departments(visible), [2026])


def _submitted_id(world) -> int:
    with tenant_scope(world["tenant"]):
        return db.session.scalar(sa.select(ReportSubmission.id).limit(1))


def test_a_department_created_after_a_due_date_owes_neither_that_table_nor_that_plan_filing(app):
    with app.app_context():
        with frozen_at(date(2026, 7, 10)):
            tenant = services.create_department(
                {"code": "WHJ", "name": "文化广电旅游局", "kind": "ordinary", "region": "231084"},
                actor=user_named("admin"),
            )
            db.session.commit()
        with frozen_at(date(2026, 7, 20)):
            owed = {s.due.key: s.status for s in duties.states_of(tenant)}
            assert "progress/2026H1" not in owed  # due before it existed
            assert owed["progress/2026H2"] == "pending" and owed["joint/2026"] == "pending"
            bureau = user_named("sfj_supervisor")
            with tenant_scope(bureau.tenant_id):
                with supervision_policy.reading(bureau, "test") as visible:
                    rows = duties.overview(figures.departments(visible), [2026])
                    statuses = {s.code: s for s in figures.compute(Period(2026), figures.departments(visible))}
                new = {row.due.key: s.status for row in rows for s in row.states if s.tenant.code == "WHJ"}
                assert new["progress/2026H1"] == "not_owed" and new["progress/2026H2"] == "pending"
                old = {row.due.key: s.status for row in rows for s in row.states if s.tenant.code == "SWJ"}
                assert old["progress/2026H1"] == "missing"  # the demo's departments exist since January
                # plan filing (seed 001: 1月15日前): not owed by the new department, missing for the old one
                assert statuses["WHJ"].plan_year.status == "not_owed"
                assert statuses["SWJ"].plan_year.status == "missing"
                assert not [r for r in criticism.reasons_of(statuses["WHJ"]) if r["code"].startswith("filing")]
                score = assessment.score(statuses["WHJ"], assessment.settings())
                assert "missed_filing" not in {line.setting.deduction.code for line in score.lines}


def test_the_to_do_list_and_the_reminders_name_the_duty(app):
    expected = f"报送《{PROGRESS}》（2026年上半年）截止 2026-07-01"
    with app.app_context():
        campaign_world.build("yjj")
    with frozen_at(date(2026, 6, 20)):
        planner_home = signed_in(app, "yjj_planner").get("/").get_data(as_text=True)
        leader_home = signed_in(app, "yjj_leader").get("/").get_data(as_text=True)
        on_home = f"报送《{PROGRESS}》（2026年上半年）</a>"  # the due date beside it, once
        assert on_home in planner_home and on_home in leader_home
        [row] = [r for r in re.findall(r"<tr.*?</tr>", planner_home, re.S) if on_home in r]
        assert row.count("2026-07-01") == 1, row
        assert 'href="/reports/progress/2026H1" class="report-task"' in planner_home
    with app.app_context():
        leader = user_named("yjj_leader")
        with frozen_at(date(2026, 6, 30)), tenant_scope(leader.tenant_id):
            lines = due_lines(date(2026, 6, 30))
            assert any(expected in line for line in lines[leader.id])
            assert any(expected in line for line in lines[user_named("yjj_planner").id])
            supervision.submit({"code": "progress", "period": "2026H1", "contact": "郑洁"}, actor=leader)
            db.session.commit()
            assert not any(expected in line for line in due_lines(date(2026, 6, 30))[leader.id])
    with frozen_at(date(2026, 6, 30)):
        assert f"报送《{PROGRESS}》" not in signed_in(app, "yjj_leader").get("/").get_data(as_text=True)


def test_the_api_lists_prepares_and_submits_and_refuses_what_the_rules_forbid(app):
    with app.app_context():
        campaign_world.build("yjj")
    client = app.test_client()
    with frozen_at(date(2026, 6, 25)):
        planner, leader = bearer(app, "yjj_planner"), bearer(app, "yjj_leader")
        listed = client.get("/api/v1/reports", headers=planner).get_json()
        assert {"table_code": "progress", "period": "2026H1", "status": "pending"}.items() <= next(
            d for d in listed if d["table_code"] == "progress" and d["period"] == "2026H1"
        ).items()
        prepared = client.post(
            "/api/v1/reports/prepared",
            headers=planner,
            json={"table_code": "progress", "period": "2026H1", "contact": "郑洁"},
        )
        assert prepared.status_code == 201, prepared.get_data(as_text=True)
        body = {"table_code": "progress", "period": "2026H1", "digest": prepared.get_json()["digest"]}
        assert client.post("/api/v1/reports/submissions", headers=planner, json=body).status_code == 403
        signed = client.post("/api/v1/reports/submissions", headers=leader, json=body)
        assert signed.status_code == 201 and signed.get_json()["status"] == "submitted"
        again = client.post("/api/v1/reports/submissions", headers=leader, json={**body, "digest": ""})
        assert again.status_code == 422 and "更正理由" in str(again.get_json())
        unknown = client.post(
            "/api/v1/reports/prepared", headers=planner, json={"table_code": "nosuch", "period": "2026"}
        )
        assert unknown.status_code == 422 and "没有这项报送义务" in str(unknown.get_json())
        other_city = client.post(
            "/api/v1/reports/prepared", headers=planner, json={"table_code": "dept", "period": "2026Q1"}
        )
        assert other_city.status_code == 422  # 城口县's quarterly table is no duty under 宁安市's rulebook
        bad_phone = client.post(
            "/api/v1/reports/prepared",
            headers=planner,
            json={"table_code": "joint", "period": "2026", "phone": "call me"},
        )
        assert bad_phone.status_code == 422 and "联系电话" in str(bad_phone.get_json())
        shown = client.get(f"/api/v1/reports/submissions/{signed.get_json()['id']}", headers=planner).get_json()
        assert shown["content"][0]["title"] == PROGRESS


def test_under_chengkous_rulebook_the_bureau_prepares_and_signs_its_area_wide_table(app):
    """城口县 三（三）: 县政府法制办应在每年12月15日前…汇总形成表格（附件3）: the justice bureau's own duty; a
    department does not submit it."""
    with app.app_context():
        adopt("城口县", date(2026, 1, 1))
        yjj_planner = user_named("yjj_planner")
        with (
            frozen_at(date(2026, 12, 10)),
            tenant_scope(yjj_planner.tenant_id),
            pytest.raises(ConflictError, match="不报送"),
        ):
            supervision.prepare({"code": "area", "period": "2026", "contact": "郑洁"}, actor=yjj_planner)
        supervisor, bureau_leader = user_named("sfj_supervisor"), user_named("sfj_leader")
        with frozen_at(date(2026, 12, 10)), tenant_scope(supervisor.tenant_id):
            with pytest.raises(ConflictError, match="监督人员准备"):
                supervision.submit({"code": "area", "period": "2026", "contact": "刘洋"}, actor=bureau_leader)
            with pytest.raises(
                ForbiddenError
            ):  # the supervisor prepares the area-wide table, the bureau's leader signs it
                supervision.prepare({"code": "area", "period": "2026"}, actor=bureau_leader)
            prepared = supervision.prepare({"code": "area", "period": "2026", "contact": "韩梅"}, actor=supervisor)
            db.session.commit()
            with pytest.raises(InvalidInputError, match="是否已出台实施意见或工作方案"):  # a cell the bureau fills
                supervision.submit({"code": "area", "period": "2026", "digest": prepared.digest}, actor=bureau_leader)
            db.session.rollback()
            supervision.fill_cells(
                {"code": "area", "period": "2026", "cells": {"document": "是，城府办发〔2016〕12号"}}, actor=supervisor
            )
            db.session.commit()
            signed = supervision.submit(
                {"code": "area", "period": "2026", "digest": prepared.digest}, actor=bureau_leader
            )
            db.session.commit()
            assert signed.status == SubmissionStatus.submitted
            assert signed.content[0]["title"] == "城口县推行“双随机、一公开”情况统计表"
            assert {s.due.key: s.status for s in duties.states_of(supervisor.tenant)}["area/2026"] == "on_time"


def test_the_bureau_supervisor_finds_its_own_area_wide_table_on_the_home_page_under_chengkous_rulebook(app):
    with frozen_at(date(2026, 12, 1)):
        assert "推行“双随机、一公开”情况统计表" not in signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
    with app.app_context():
        adopt("城口县", date(2026, 1, 1))
    with frozen_at(date(2026, 12, 1)):
        home = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
    assert "报送《城口县推行“双随机、一公开”情况统计表》（2026年度）</a>" in home and "2026-12-15" in home
