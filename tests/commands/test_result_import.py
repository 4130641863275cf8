"""Results entered offline and imported from Excel (检查结果导入): the campaign's workbook lists its
visits still to record; a filled one is imported all or nothing, every result arriving submitted
and waiting for a leader — never approved by itself, never approvable by whoever imported it."""
from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from tests.support.campaign_world import planner_of
from tests.support.helpers import DEMO_PASSWORD, bearer, csrf_token, signed_in, user_named
from tests.support.results_world import complete_result, filled_workbook, handed_out, template_rows
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.audit import AuditEntry
from spotcheck.core.errors import Conflict, Forbidden, ValidationFailed
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import listing
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.results.models import Visit, VisitStatus
from spotcheck.tenants.spreadsheets import commands as sheets, queries as sheet_queries

TODAY = date(2026, 10, 12)


def _statuses() -> dict:
    return dict(db.session.execute(sa.select(Visit.id, Visit.status)).all())


def test_a_filled_workbook_arrives_submitted_and_whoever_imported_it_cannot_approve_it(app, tmp_path):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        admin = user_named("yjj_admin")
        with tenant_scope(ids["tenant"]):
            both = tenants.create_user({"login": "yjj_chief_clerk", "display_name": "严正", "password": DEMO_PASSWORD, "roles": ["planner", "leader"]}, actor=admin)
            db.session.commit()
            campaign = campaigns.get_campaign(ids["campaign"])
            headers, rows = template_rows(campaign)
            assert headers[:4] == ["序号", "统一社会信用代码", "检查对象名称", "抽查事项"]
            assert len(rows) == ids["visits"] * len(campaign.items)
            assert all(row[headers.index("检查结果")] in (None, "") for row in rows)  # nothing chosen for anyone
            path = tmp_path / "results.xlsx"
            path.write_bytes(filled_workbook(headers, rows))
            outcome = sheets.import_results(campaign.id, {"path": path, "file_name": "results.xlsx"}, actor=both)
            db.session.commit()
            assert outcome["ok"] and outcome["submitted"] == ids["visits"], outcome
            visits = db.session.scalars(listing.every()).all()
            assert {v.status for v in visits} == {VisitStatus.submitted}
            assert {v.source for v in visits} == {"imported"} and {v.submitted_by_name for v in visits} == {"严正"}
            chosen = {code for v in visits for r in v.results for code in r.category_codes}
            assert "no_problem" in chosen and chosen <= {"no_problem", "pending_own_rules"}
            with pytest.raises(Forbidden):  # 审核与录入分离: the importer does not review
                results.approve_result(visits[0].id, actor=both)
            results.approve_result(visits[0].id, actor=user_named("yjj_leader"))
            db.session.commit()
            assert sheet_queries.open_visits(campaign) == []
            assert template_rows(campaign)[1] == []  # nothing left to record


def test_one_bad_row_imports_nothing_and_every_problem_is_named(app, tmp_path):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            headers, rows = template_rows(campaign)

            def spoil(number, values):
                if number == 0:
                    values["检查结果"] = "基本合格"
                if number == 1:
                    values["统一社会信用代码"] = "91330100MA27XXXX0X"
                if number == 2:
                    values["检查日期"] = "2026-12-01"  # in the future

            path = tmp_path / "bad.xlsx"
            path.write_bytes(filled_workbook(headers, rows, spoil))
            before = _statuses()
            outcome = sheets.import_results(campaign.id, {"path": path}, actor=planner)
            db.session.commit()
            assert outcome["ok"] is False and _statuses() == before
            found = {(e["row"], e["column"]) for e in outcome["errors"]}
            assert (2, "检查结果") in found and (3, "统一社会信用代码") in found
            reasons = " ".join(e["reason"] for e in outcome["errors"])
            assert "基本合格" in reasons and "未被抽中" in reasons
            if len(rows) > 2:
                assert any(e["column"] == "检查日期" for e in outcome["errors"]), outcome["errors"]

            # A problem found without saying what: only a whole result shows it (second pass), and it
            # still undoes every visit written before it.
            incomplete = tmp_path / "incomplete.xlsx"
            incomplete.write_bytes(filled_workbook(headers, rows, lambda n, v: v.update({"检查情况": ""}) if n == len(rows) - 1
                                           else None))
            outcome = sheets.import_results(campaign.id, {"path": incomplete}, actor=planner)
            db.session.commit()
            assert outcome["ok"] is False and _statuses() == before
            [problem] = outcome["errors"]
            assert problem["row"] == len(rows) + 1 and problem["column"] == "检查情况", problem


def test_importing_results_through_the_page_and_the_api(app):
    with frozen_at(TODAY):
        with app.app_context():
            ids = handed_out()
            with tenant_scope(ids["tenant"]):
                headers, rows = template_rows(campaigns.get_campaign(ids["campaign"]))
        page = f"/visits/campaign/{ids['campaign']}"
        planner = signed_in(app, "yjj_planner")
        home = planner.get("/").get_data(as_text=True)  # the hand-out done, the home says what comes next
        row = home.split('class="tag task-import_results"')[0].rsplit("<tr", 1)[1]
        assert home.split('class="tag task-import_results"')[1].startswith(f' href="{page}"')
        assert f"尚有 {ids['visits']:,} 项检查结果待录入" in re.sub(r"<[^>]+>", "", row)
        shown = planner.get(page).get_data(as_text=True)
        assert "导入离线录入的检查结果" in shown
        template = planner.get(f"{page}/results-template")
        assert template.status_code == 200 and openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0].max_row > 1
        bad = planner.post(f"{page}/import", data={
            "csrf_token": csrf_token(planner, page),
            "file": (io.BytesIO(filled_workbook(headers, rows, lambda n, v: v.update({"核查方式": "电话询问"}))), "结果.xlsx")},
            content_type="multipart/form-data")
        # the import is a job (never read inside the request): its page says what is wrong, row by row
        assert bad.status_code == 302 and "/jobs/" in bad.headers["Location"], bad.status_code
        job_page = planner.get(bad.headers["Location"]).get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", job_page)
        assert 'id="import-failed"' in job_page and "核查方式" in text and "检查结果导入" in text
        assert f'action="/visits/campaign/{ids["campaign"]}/import"' in job_page  # upload the corrected file
        no_file = planner.post(f"{page}/import", data={"csrf_token": csrf_token(planner, page)},
                               content_type="multipart/form-data")
        assert no_file.status_code == 422 and "请选择要上传的文件" in no_file.get_data(as_text=True)
        assert signed_in(app, "yjj_leader").post(f"{page}/import", data={}).status_code in (400, 403)

        api = app.test_client()
        headers_api = bearer(app, "yjj_planner")
        done = api.post(f"/api/v1/visits/import/{ids['campaign']}", headers=headers_api,
                        data={"file": (io.BytesIO(filled_workbook(headers, rows)), "results.xlsx")},
                        content_type="multipart/form-data")
        assert done.status_code == 202 and done.get_json()["kind"] == "import.results", done.get_json()
        job = api.get(f"/api/v1/jobs/{done.get_json()['id']}", headers=headers_api).get_json()
        assert job["status"] == "succeeded" and job["result"]["submitted"] == ids["visits"], job
        again = api.post(f"/api/v1/visits/import/{ids['campaign']}", headers=headers_api,
                         data={"file": (io.BytesIO(filled_workbook(headers, rows)), "results.xlsx")},
                         content_type="multipart/form-data")
        assert again.status_code == 409 and "没有待录入的检查结果" in str(again.get_json()), again.get_json()
        assert "task-import_results" not in planner.get("/").get_data(as_text=True)  # nothing left to record
        review = signed_in(app, "yjj_leader").get("/visits/review").get_data(as_text=True)
        assert review.count("data-visit=") == ids["visits"]


def test_a_visit_without_its_record_is_not_imported(app, tmp_path):
    """Seed 002 (现场检查笔录): a visit's rows carry its record on one of them, or nothing is imported;
    each visit without one is named at its first row, under 检查记录."""
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            headers, rows = template_rows(campaign)
            path = tmp_path / "no-record.xlsx"
            path.write_bytes(filled_workbook(headers, rows, lambda number, values: values.update({"检查记录": ""})
                                     if number < 2 else None))
            before = _statuses()
            outcome = sheets.import_results(campaign.id, {"path": path}, actor=planner)
            db.session.commit()
            assert outcome["ok"] is False and _statuses() == before
            missing = [e for e in outcome["errors"] if e["column"] == "检查记录"]
            assert [e["row"] for e in missing] == [2, 3][:len(rows)] and "现场检查笔录" in missing[0]["reason"]


def test_a_workbooks_results_are_written_by_one_bulk_command_that_refuses_what_one_import_refuses(app):
    """The import's second pass is one bulk command: each visit checked as the single import checks
    it, the first refusal undoing every visit before it and naming its own; each visit audited."""
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            visit_ids = sorted(_statuses())
            assert len(visit_ids) >= 3
            given = {visit_id: complete_result(ids) for visit_id in visit_ids}
            results.import_result(visit_ids[1], given[visit_ids[1]], actor=planner)
            db.session.commit()
            with pytest.raises(Conflict) as alone:
                results.import_result(visit_ids[1], given[visit_ids[1]], actor=planner)
            db.session.rollback()
            before = _statuses()
            with pytest.raises(Conflict) as together:
                results.import_results(visit_ids, {"results": given}, actor=planner)
            db.session.rollback()
            assert together.value.visit_id == visit_ids[1] and str(together.value) == str(alone.value)
            assert _statuses() == before and before[visit_ids[0]] == VisitStatus.assigned
            with pytest.raises(ValidationFailed) as missing:  # a visit of the selection without its result
                results.import_results(visit_ids[:1], {"results": {}}, actor=planner)
            db.session.rollback()
            assert "results" in missing.value.errors and _statuses() == before

            rest = [visit_id for visit_id in visit_ids if visit_id != visit_ids[1]]
            told = []
            imported = results.import_results(rest, {"results": given}, actor=planner, progress=told.append)
            db.session.commit()
            assert [v.id for v in imported] == rest and set(_statuses().values()) == {VisitStatus.submitted}
            assert {v.source for v in imported} == {"imported"} and {v.submitted_by_id for v in imported} == {planner.id}
            entries = db.session.scalars(sa.select(AuditEntry.object_id).where(AuditEntry.action == "result.imported"))
            assert sorted(int(e) for e in entries) == visit_ids
