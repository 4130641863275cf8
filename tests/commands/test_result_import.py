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

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit, VisitStatus
from spotcheck.tenants.results.queries import listing
from spotcheck.tenants.spreadsheets import commands as sheets, queries as sheet_queries
from tests.support.campaign_world import planner_of
from tests.support.helpers import DEMO_PASSWORD, bearer, csrf_token, signed_in, user_named
from tests.support.results_world import complete_result, filled_workbook, handed_out, template_rows

TODAY = date(2026, 10, 12)


def _statuses() -> dict:
    return dict(db.session.execute(sa.select(Visit.id, Visit.status)).all())


def test_a_clerks_workbook_is_a_draft_for_each_team_and_counts_only_once_its_leader_confirms_it(app, tmp_path):
    """谁检查、谁录入 (seed 001 §9; seed 002 三(三)): a planner who is on no team imports the results; each
    arrives a draft recorded on the team's behalf in the planner's name, in no review list, until the
    visit's 组长 confirms it by submitting it. The importer may not submit it, nor review it."""
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        admin, chief = user_named("yjj_admin"), user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            both = tenants.create_user(
                {
                    "login": "yjj_chief_clerk",
                    "display_name": "严正",
                    "password": DEMO_PASSWORD,
                    "roles": ["planner", "leader"],
                },
                actor=admin,
            )
            db.session.commit()
            campaign = campaigns.get_campaign(ids["campaign"])
            headers, rows = template_rows(campaign)
            assert headers[:4] == ["序号", "统一社会信用代码", "检查对象名称", "抽查事项"]
            assert {"对被检查人的评价", "处理意见和建议", "方式变更理由"} <= set(headers)
            assert len(rows) == ids["visits"] * len(campaign.items)
            assert all(row[headers.index("检查结果")] in (None, "") for row in rows)  # nothing chosen for anyone
            path = tmp_path / "results.xlsx"
            path.write_bytes(filled_workbook(headers, rows))
            outcome = sheets.import_results(campaign.id, {"path": path, "file_name": "results.xlsx"}, actor=both)
            db.session.commit()
            assert outcome["ok"] and (outcome["drafted"], outcome["submitted"]) == (ids["visits"], 0), outcome
            visits = db.session.scalars(listing.every()).all()
            assert {v.status for v in visits} == {VisitStatus.drafting} and {v.source for v in visits} == {"imported"}
            assert {v.recorded_for_team_by_name for v in visits} == {"严正"} and {
                v.submitted_by_name for v in visits
            } == {""}
            chosen = {code for v in visits for r in v.results for code in r.category_codes}
            assert "no_problem" in chosen and chosen <= {"no_problem", "pending_own_rules"}
            assert db.session.scalars(listing.in_status(VisitStatus.submitted)).all() == []  # no review list has them
            with pytest.raises(ForbiddenError):  # the clerk does not submit for the team
                results.submit_result(ids["visit"], actor=both)
            db.session.rollback()
            [task] = [t for t in results_queries.tasks_for(chief) if t.kind == "visit" and t.obj.id == ids["visit"]]
            assert "confirm" in task.actions and "submit" not in task.actions  # the 组长's to-do: confirm it

            results.submit_result(ids["visit"], actor=chief)  # the 组长 confirms: now it is submitted
            db.session.commit()
            confirmed = db.session.get(Visit, ids["visit"])
            assert confirmed.status == VisitStatus.submitted and confirmed.submitted_by_id == chief.id
            assert confirmed.recorded_for_team_by_name == "严正"  # who recorded it for the team stays said
            entry = db.session.scalar(
                sa.select(AuditEntry).where(
                    AuditEntry.action == "result.submitted", AuditEntry.object_id == str(ids["visit"])
                )
            )
            assert entry.details["recorded_for_team_by"] == "严正"
            assert [v.id for v in db.session.scalars(listing.in_status(VisitStatus.submitted))] == [ids["visit"]]
            with pytest.raises(ForbiddenError):  # 审核与录入分离: the importer does not review
                results.approve_result(ids["visit"], actor=both)
            db.session.rollback()
            results.approve_result(ids["visit"], actor=user_named("yjj_leader"))
            db.session.commit()
            assert ids["visit"] not in {v.id for v in sheet_queries.open_visits(campaign)}


def test_the_team_leaders_own_import_is_submitted_at_once_and_nobody_elses(app):
    """A 组长 who also imports (a planner linked to the inspector entry that leads the visit's team)
    submits their own visit's result by importing it; the visit of another team stays a draft."""
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        admin = user_named("yjj_admin")
        with tenant_scope(ids["tenant"]):
            leading = tenants.create_user(
                {
                    "login": "yjj_leading_planner",
                    "display_name": "钱进",
                    "password": DEMO_PASSWORD,
                    "roles": ["planner", "inspector"],
                },
                actor=admin,
            )
            results.link_inspector(ids["leader_inspector"], {"user_id": leading.id, "other_name": True}, actor=admin)
            db.session.commit()
            led_by_them = set(
                db.session.scalars(  # the draw may make the same inspector 组长 of other visits too
                    sa.select(Visit.id)
                    .join(
                        TeamMember,
                        sa.and_(TeamMember.campaign_id == Visit.campaign_id, TeamMember.entity_id == Visit.entity_id),
                    )
                    .where(
                        TeamMember.inspector_id == ids["leader_inspector"],
                        TeamMember.is_leader.is_(True),
                        TeamMember.active.is_(True),
                    )
                )
            )
            other = next(visit_id for visit_id in sorted(_statuses()) if visit_id not in led_by_them)
            own = results.import_result(ids["visit"], complete_result(ids), actor=leading)
            theirs = results.import_result(other, complete_result(ids), actor=leading)
            db.session.commit()
            assert (own.status, own.submitted_by_name, own.recorded_for_team_at) == (
                VisitStatus.submitted,
                "钱进",
                None,
            )
            assert (theirs.status, theirs.recorded_for_team_by_name) == (VisitStatus.drafting, "钱进")


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
            incomplete.write_bytes(
                filled_workbook(headers, rows, lambda n, v: v.update({"检查情况": ""}) if n == len(rows) - 1 else None)
            )
            outcome = sheets.import_results(campaign.id, {"path": incomplete}, actor=planner)
            db.session.commit()
            assert outcome["ok"] is False and _statuses() == before
            [problem] = outcome["errors"]
            assert problem["row"] == len(rows) + 1 and problem["column"] == "检查情况", problem


@pytest.mark.seconds(2.3)
def test_importing_results_through_the_page_and_the_api(app):
    """The planner imports on the page (a job) and the API; the results arrive as drafts for the teams —
    the job says so, no leader sees them to review — and the 组长 finds theirs on the home page and the
    visit's page, and confirms it there: only then is it in the review list."""
    with frozen_at(TODAY):
        with app.app_context():
            ids = handed_out()
            with tenant_scope(ids["tenant"]):
                headers, rows = template_rows(campaigns.get_campaign(ids["campaign"]))
        page = f"/visits/campaign/{ids['campaign']}"
        planner = signed_in(app, "yjj_planner")
        home = planner.get("/").get_data(as_text=True)  # the hand-out done, the home says what comes next
        row = home.split('class="task-step task-import_results"')[0].rsplit("<tr", 1)[1]
        assert home.split('class="task-step task-import_results"')[1].startswith(f' href="{page}"')
        assert f"尚有 {ids['visits']:,} 项检查结果待录入" in re.sub(r"<[^>]+>", "", row)
        shown = planner.get(page).get_data(as_text=True)
        assert "导入离线录入的检查结果" in shown and "组长确认" in re.sub(r"<[^>]+>", "", shown)
        # the workbook to fill is written by an export job (run at once here): its page, then the download
        started = planner.post(f"{page}/results-template", data={"csrf_token": csrf_token(planner, page)})
        assert started.status_code == 302 and "/jobs/" in started.location, started.status_code
        ready = planner.get(started.location).get_data(as_text=True)
        assert "检查结果" in ready and 'id="back-to-visits"' in ready
        template = planner.get(re.search(r'id="export-download" href="([^"]+)"', ready).group(1))
        sheet = openpyxl.load_workbook(io.BytesIO(template.data)).worksheets[0]
        assert template.status_code == 200 and [list(r) for r in sheet.iter_rows(values_only=True)] == [headers, *rows]
        assert signed_in(app, "yjj_leader").post(f"{page}/results-template", data={}).status_code in (400, 403)
        bad = planner.post(
            f"{page}/import",
            data={
                "csrf_token": csrf_token(planner, page),
                "file": (
                    io.BytesIO(filled_workbook(headers, rows, lambda n, v: v.update({"核查方式": "电话询问"}))),
                    "结果.xlsx",
                ),
            },
            content_type="multipart/form-data",
        )
        # the import is a job (never read inside the request): its page says what is wrong, row by row
        assert bad.status_code == 302 and "/jobs/" in bad.headers["Location"], bad.status_code
        job_page = planner.get(bad.headers["Location"]).get_data(as_text=True)
        text = re.sub(r"<[^>]+>", " ", job_page)
        assert 'id="import-failed"' in job_page and "核查方式" in text and "检查结果导入" in text
        assert f'action="/visits/campaign/{ids["campaign"]}/import"' in job_page  # upload the corrected file
        no_file = planner.post(
            f"{page}/import", data={"csrf_token": csrf_token(planner, page)}, content_type="multipart/form-data"
        )
        assert no_file.status_code == 422 and "请选择要上传的文件" in no_file.get_data(as_text=True)
        assert signed_in(app, "yjj_leader").post(f"{page}/import", data={}).status_code in (400, 403)
        done = planner.post(
            f"{page}/import",
            data={
                "csrf_token": csrf_token(planner, page),
                "file": (io.BytesIO(filled_workbook(headers, rows)), "结果.xlsx"),
            },
            content_type="multipart/form-data",
        )
        said = re.sub(
            r"\s+", " ", re.sub(r"<[^>]+>", " ", planner.get(done.headers["Location"]).get_data(as_text=True))
        )
        assert f"{ids['visits']} 项检查结果已作为代检查组录入的草稿导入" in said, said[:2000]
        assert "task-import_results" not in planner.get("/").get_data(as_text=True)  # nothing left to record
        leader = signed_in(app, "yjj_leader")
        assert "data-visit=" not in leader.get("/visits/review").get_data(as_text=True)  # no result to review yet

        api = app.test_client()
        headers_api = bearer(app, "yjj_planner")
        # the API likewise: 202 with the export job, the workbook from its file; the API document says so
        asked = api.post(f"/api/v1/visits/import/{ids['campaign']}/template", headers=headers_api)
        assert asked.status_code == 202 and asked.get_json()["kind"] == "export.results_template", asked.get_json()
        book = api.get(f"/api/v1/jobs/{asked.get_json()['id']}/file", headers=headers_api)
        first = next(openpyxl.load_workbook(io.BytesIO(book.data)).worksheets[0].iter_rows(values_only=True))
        assert book.status_code == 200 and list(first) == headers
        paths = api.get("/api/openapi.json").json["paths"]
        assert "get" not in paths["/api/v1/visits/import/{campaign_id}/template"]  # nothing built in the request
        assert "202" in paths["/api/v1/visits/import/{campaign_id}/template"]["post"]["responses"]
        again = api.post(
            f"/api/v1/visits/import/{ids['campaign']}",
            headers=headers_api,
            data={"file": (io.BytesIO(filled_workbook(headers, rows)), "results.xlsx")},
            content_type="multipart/form-data",
        )  # a draft not yet confirmed is imported again
        assert again.status_code == 202 and again.get_json()["kind"] == "import.results", again.get_json()
        job = api.get(f"/api/v1/jobs/{again.get_json()['id']}", headers=headers_api).get_json()
        assert job["status"] == "succeeded" and (job["result"]["drafted"], job["result"]["submitted"]) == (
            ids["visits"],
            0,
        ), job
        chief = signed_in(app, "yjj_inspector")
        visit_page = f"/visits/{ids['visit']}"
        assert "确认代录入的检查结果" in _text(chief.get("/"))  # the 组长's to-do
        draft = _text(chief.get(visit_page))
        assert "代为录入" in draft and "确认并提交审核" in draft and "录入中" in draft
        one = api.get(f"/api/v1/visits/{ids['visit']}", headers=bearer(app, "yjj_inspector")).get_json()
        assert one["awaits_confirmation"] is True and one["recorded_for_team_by_name"] and one["status"] == "drafting"
        confirmed = chief.post(f"{visit_page}/submit", data={"csrf_token": csrf_token(chief, visit_page)})
        assert confirmed.status_code == 302
        review = leader.get("/visits/review").get_data(as_text=True)
        assert review.count("data-visit=") == 1 and f'data-visit="{ids["visit"]}"' in review
        refused = api.post(
            f"/api/v1/visits/import/{ids['campaign']}",
            headers=headers_api,
            data={"file": (io.BytesIO(filled_workbook(headers, rows)), "results.xlsx")},
            content_type="multipart/form-data",
        )  # the confirmed one is the team's now
        job = api.get(f"/api/v1/jobs/{refused.get_json()['id']}", headers=headers_api).get_json()
        assert job["result"]["ok"] is False and any("已经提交" in e["reason"] for e in job["result"]["errors"]), job[
            "result"
        ]


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


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
            path.write_bytes(
                filled_workbook(
                    headers, rows, lambda number, values: values.update({"检查记录": ""}) if number < 2 else None
                )
            )
            before = _statuses()
            outcome = sheets.import_results(campaign.id, {"path": path}, actor=planner)
            db.session.commit()
            assert outcome["ok"] is False and _statuses() == before
            missing = [e for e in outcome["errors"] if e["column"] == "检查记录"]
            assert [e["row"] for e in missing] == [2, 3][: len(rows)] and "现场检查笔录" in missing[0]["reason"]


def test_a_visit_without_its_evaluation_opinions_or_reason_for_another_method_is_not_imported(app, tmp_path):
    """Seed 002 四(三) (检查报告应当包括…对被检查人的评价及处理意见和建议), the rules of 应急管理局: a visit
    whose rows give no evaluation or no handling opinions is refused at its first row under that
    column; a visit checked by a method the campaign did not set, without the reason, under
    方式变更理由. Nothing is imported."""
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            headers, rows = template_rows(campaign)
            assert len(rows) >= 3

            def spoil(number, values):
                if number == 0:
                    values.update({"对被检查人的评价": "", "处理意见和建议": ""})
                if number == 1:
                    values["核查方式"] = "书面检查"
                if number == 2:
                    values.update({"核查方式": "书面检查", "方式变更理由": "企业停产，改为书面检查其报送的材料。"})

            path = tmp_path / "no-evaluation.xlsx"
            path.write_bytes(filled_workbook(headers, rows, spoil))
            before = _statuses()
            outcome = sheets.import_results(campaign.id, {"path": path}, actor=planner)
            db.session.commit()
            assert outcome["ok"] is False and _statuses() == before
            found = {(e["row"], e["column"]): e["reason"] for e in outcome["errors"]}
            assert set(found) == {(2, "对被检查人的评价"), (2, "处理意见和建议"), (3, "方式变更理由")}, found
            assert "乌审旗应急管理局" in found[(2, "对被检查人的评价")] and "四（三）" in found[(2, "处理意见和建议")]
            assert "实地检查" in found[(3, "方式变更理由")] and "书面检查" in found[(3, "方式变更理由")]


def test_a_workbooks_results_are_written_by_one_bulk_command_that_refuses_what_one_import_refuses(app):
    """The import's second pass is one bulk command: each visit checked as the single import checks
    it — a result its 组长 has confirmed is the team's and is not imported again —, the first refusal
    undoing every visit before it and naming its own; each visit audited, each a draft for its team."""
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner, chief = planner_of(user_named("yjj_admin")), user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            visit_ids = sorted(_statuses())
            assert len(visit_ids) >= 3
            done = ids["visit"]
            given = {visit_id: complete_result(ids) for visit_id in visit_ids}
            results.import_result(done, given[done], actor=planner)
            results.import_result(done, given[done], actor=planner)  # a draft not yet confirmed: imported again
            results.submit_result(done, actor=chief)  # the 组长 confirms it
            db.session.commit()
            with pytest.raises(ConflictError) as alone:
                results.import_result(done, given[done], actor=planner)
            db.session.rollback()
            before = _statuses()
            with pytest.raises(ConflictError) as together:
                results.import_results(visit_ids, {"results": given}, actor=planner)
            db.session.rollback()
            assert together.value.visit_id == done and str(together.value) == str(alone.value)
            rest = [visit_id for visit_id in visit_ids if visit_id != done]
            assert _statuses() == before and before[rest[0]] == VisitStatus.assigned
            with pytest.raises(InvalidInputError) as missing:  # a visit of the selection without its result
                results.import_results(rest[:1], {"results": {}}, actor=planner)
            db.session.rollback()
            assert "results" in missing.value.errors and _statuses() == before

            told = []
            imported = results.import_results(rest, {"results": given}, actor=planner, progress=told.append)
            db.session.commit()
            assert [v.id for v in imported] == rest and {_statuses()[v] for v in rest} == {VisitStatus.drafting}
            assert {v.source for v in imported} == {"imported"} and {v.submitted_by_id for v in imported} == {None}
            assert {v.recorded_for_team_by_id for v in imported} == {planner.id}
            entries = db.session.scalars(sa.select(AuditEntry.object_id).where(AuditEntry.action == "result.imported"))
            assert sorted(int(e) for e in entries) == sorted([done, *visit_ids])
