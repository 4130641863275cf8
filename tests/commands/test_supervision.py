"""Supervision (监督): the justice bureau's figures of every department, checked against a world
built here with known numbers; the seeds' tables opened with openpyxl; the assessment and its
configurable deductions; notices of criticism from draft to delivery; the filing archive; who may
read what, and the audit of every cross-department read."""

from __future__ import annotations

import io
import re
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from pypdf import PdfReader

from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.notices import policy as notice_policy, queries as notices
from spotcheck.tenants.notices.models import Message
from spotcheck.tenants.plans import commands as plans, queries as plans_queries
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.supervision import (
    assessment,
    commands as supervision,
    commands as supervision_commands,
    criticism,
    drill_down,
    figures,
    policy as access,
    queries as supervision_queries,
)
from spotcheck.tenants.supervision.periods import Period, parse
from spotcheck.tenants.supervision.vocabulary import FIGURES, markdown
from tests.support.campaign_world import planner_of
from tests.support.documents import pdf_text
from tests.support.helpers import REDIS_URL, login, make_app, post_form, signed_in, tenant_id, user_named
from tests.support.rulebooks import adopt
from tests.support.supervision_world import TODAY, supervision_world as _world
from tests.support.workers import JOB_TIMEOUT, WORKER_READY_TIMEOUT, Worker


def _yjj(statuses):
    return next(s for s in statuses if s.code == "YJJ")


@pytest.mark.seconds(5)
def test_figures_assessment_tables_and_criticism_from_known_data(app):
    with app.app_context():
        ids = _world()
        supervisor, bureau_leader = user_named("sfj_supervisor"), user_named("sfj_leader")
        yjj_leader = user_named("yjj_leader")
        visits, sfj = ids["visits"], supervisor.tenant_id
        demo = sorted(tenant_id(code) for code in ("SFJ", "SCJ", "YJJ", "SWJ", "NAZF"))
        with frozen_at(TODAY), tenant_scope(supervisor.tenant_id):
            with access.reading(supervisor, "test", period="2026") as visible:
                # the bureau's branch, named (never None): 宁安市's four and the department of its town 宁安镇
                assert visible == demo
                statuses = figures.compute(Period(2026), figures.departments())
                # the bureau's home counts only the figures its card shows (一单's coverage, the plans'
                # deadlines, the results published late): the same as the dashboard's, the rest left out
                few = figures.compute(Period(2026), figures.departments(), criticism.Attention.FIGURES)
            s, f = _yjj(statuses), _yjj(few)
            assert criticism.attention(few) == criticism.attention(statuses) and criticism.attention(few).any
            assert (f.other_items, f.other_random, f.published_late, f.plan_year, f.plan_half) == (
                s.other_items,
                s.other_random,
                s.published_late,
                s.plan_year,
                s.plan_half,
            )
            assert (f.entries, f.checked, f.reports_overdue) == (0, 0, 0) and (s.entries, s.checked) == (40, 2)
            assert (s.items, s.entries, s.inspectors, s.rules, s.basics) == (1, 40, 8, False, False)
            assert (s.other_items, s.other_random, s.coverage_other, s.coverage_market) == (1, 1, 100.0, None)
            assert s.plan_year.status == "late" and s.plan_year.submitted_on == date(2026, 2, 20)
            assert [(f.half, f.status) for f in s.plan_half] == [(1, "missing"), (2, "missing")]
            assert (s.campaigns, s.draws, s.checked, s.problems, s.follow_ups_open) == (1, 2, 2, 1, 0)
            assert (s.publish_due, s.published_on_time, s.published_late, s.on_time_rate) == (2, 1, 1, 50.0)
            assert s.reports_overdue == visits - 2
        with frozen_at(TODAY), tenant_scope(supervisor.tenant_id), access.reading(supervisor, "test", period="2026Q1"):
            # the first quarter holds the checks; the fourth quarter none of them
            q1 = figures.compute(Period(2026, "quarter", 1), [t for t in figures.departments() if t.code == "YJJ"])[0]
            q4 = figures.compute(Period(2026, "quarter", 4), [t for t in figures.departments() if t.code == "YJJ"])[0]
            assert (q1.checked, q1.problems, q4.checked, q4.publish_due) == (2, 1, 0, 0)
            # the drill-down lists exactly the rows counted
            rows = drill_down.rows_of("published_late", s.tenant_id, Period(2026))
            assert rows.total == 1 and "待公示" in str(rows.rows[0][3])  # the status as every page names it
            assert drill_down.rows_of("problems", s.tenant_id, Period(2026)).total == 1
            assert drill_down.rows_of("reports_overdue", s.tenant_id, Period(2026)).total == visits - 2
        with frozen_at(TODAY), tenant_scope(supervisor.tenant_id):
            # every cross-department read is in the bureau's own audit chain
            with system_access("test"):
                reads = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "read.across")).all()
            assert reads and all(
                e.tenant_id == supervisor.tenant_id and e.actor_login == "sfj_supervisor" for e in reads
            )

            # the assessment with the default deductions, then with one changed by the bureau
            score = assessment.score(s, assessment.settings())
            taken = {line.setting.deduction.code: (line.occurrences, line.points) for line in score.lines}
            assert taken == {
                "missed_filing": (2, 10.0),
                "late_filing": (1, 2.0),
                "late_publication": (1, 0.5),
                "overdue_report": (visits - 2, min(5.0, round(0.2 * (visits - 2), 1))),
                "no_basics": (1, 5.0),
            }
            assert score.score == round(100 - sum(points for _, points in taken.values()), 1)
            supervision.configure("late_publication", {"points": "3", "cap": "10", "active": True}, actor=supervisor)
            supervision.configure("no_basics", {"points": "5", "cap": "5", "active": False}, actor=supervisor)
            again = assessment.score(s, assessment.settings())
            assert again.score == round(score.score - 2.5 + 5.0, 1)
            with pytest.raises(Exception) as refused:
                supervision.configure(
                    "late_publication", {"points": "-1", "cap": "x", "active": True}, actor=supervisor
                )
            assert set(refused.value.errors) == {"points", "cap"}

            # the tables of 宁安市's rulebook, built as jobs (run eagerly here) and opened with openpyxl; a table
            # the rulebook does not use is not offered
            books = {}
            for code in ("plan", "progress", "joint", "halfplan", "practice"):
                job = supervision_commands.request_table(code, "2026", actor=supervisor)
                data, name = supervision_queries.table_file(job.id, supervisor)
                assert name.endswith("（2026年度）.xlsx")
                books[code] = load_workbook(io.BytesIO(data))
            with pytest.raises(InvalidInputError):
                supervision_commands.request_table("area", "2026", actor=supervisor)

        def rows_of(book, sheet=None):
            return [tuple(row) for row in (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)]

        progress = rows_of(books["progress"])
        assert progress[0][0] == "市直部门2026年度随机抽查工作进展情况统计表"
        header = progress[next(i for i, r in enumerate(progress) if r[0] == "序号")]
        row = dict(zip(header, next(r for r in progress if r[1] == "宁安市应急管理局"), strict=True))
        assert (
            row["已检查户次"],
            row["发现问题户次"],
            row["应公示户次"],
            row["按时公示户次"],
            row["按时公示率（%）"],
            row["逾期公示户次"],
            row["抽查任务数"],
            row["随机抽取次数"],
        ) == (2, 1, 2, 1, 50.0, 1, 1, 2)
        plan = rows_of(books["plan"])
        line = next(r for r in plan if r[1] == "宁安市应急管理局")
        assert line[3] == "危险化学品安全生产检查" and line[7] == 5 and line[10].startswith("逾期报备")
        assert any(str(r[0]).startswith("合计共0项") for r in rows_of(books["halfplan"]))
        practice = rows_of(books["practice"])
        yjj_practice = next(r for r in practice if r[1] == "宁安市应急管理局")
        assert yjj_practice[2:7] == (1, 1, 100.0, "—", "未设目标")  # 宁安: no goal
        joint = rows_of(books["joint"])
        assert joint[0][0] == "2026年度联合检查工作进展情况统计表" and any(r[0] == "合计" for r in joint)

        # a department leader: their own department's tables only
        with frozen_at(TODAY), tenant_scope(ids["tenant"]):
            yjj_leader, supervisor = user_named("yjj_leader"), user_named("sfj_supervisor")
            with pytest.raises(ForbiddenError):
                supervision_commands.request_table(
                    "progress", "2026", department_id=ids["tenant"] + 10_000, actor=yjj_leader
                )
            with pytest.raises(ForbiddenError):
                supervision_commands.request_table("progress", "2026", department_id=sfj, actor=yjj_leader)
            job = supervision_commands.request_table("progress", "2026", actor=yjj_leader)
            data, name = supervision_queries.table_file(job.id, yjj_leader)
            own = rows_of(load_workbook(io.BytesIO(data)))
            assert "应急管理局" in name and [r[1] for r in own if isinstance(r[0], int)] == ["宁安市应急管理局"]
            with access.reading(yjj_leader, "own") as visible:
                assert visible == [ids["tenant"]]
                assert [st.code for st in figures.compute(Period(2026), figures.departments(visible))] == ["YJJ"]

        # a notice of criticism: drafted from the figures, approved by the bureau's leader, delivered
        with frozen_at(TODAY), tenant_scope(sfj):
            supervisor, bureau_leader = user_named("sfj_supervisor"), user_named("sfj_leader")
            draft = supervision.draft({"period": "2026"}, actor=supervisor)
            named = {f["name"]: [r["code"] for r in f["reasons"]] for f in draft.findings}
            assert named["宁安市应急管理局"] == [
                "filing_late",
                "filing_missing",
                "filing_missing",
                "published_late",
                "reports_overdue",
            ]
            with pytest.raises(ForbiddenError):
                supervision.approve(draft.id, actor=supervisor)  # a supervisor drafts; a leader of the bureau approves
            others = [f["tenant_id"] for f in draft.findings if f["name"] != "宁安市应急管理局"]
            body = (
                "现将2026年度检查情况通报如下。\r\n请各部门对照检查。\r\n\r\n请于30日内报送整改情况。\r\n\r\n特此通报。"
            )
            supervision.update(draft.id, {"title": draft.title, "body": body, "leave_out": others}, actor=supervisor)
            assert draft.body.count("\n\n") == 2  # as written: three paragraphs, the browser's CR LF undone
            approved = supervision.approve(draft.id, actor=bureau_leader)
            assert approved.number == "宁司法通〔2026〕1号"
            copies = notices.criticism_copies(draft.id)
            assert [c.receiver_tenant_id for c in copies] == [ids["tenant"]]
            data = storage.read(copies[0].storage_key)
            text = pdf_text(data)
            # the first paragraph before the list of departments, its two lines kept; the demand after it
            raw = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(" ", "")
            assert "通报如下。\n请各部门对照检查。" in raw, raw  # a short line: broken only where it was written
            assert (
                text.index("请各部门对照检查。")
                < text.index("应急管理局")
                < text.index("请于30日内报送整改情况。")
                < text.index("特此通报。")
            )
        with tenant_scope(ids["tenant"]):
            yjj_leader = user_named("yjj_leader")
            received = notices.criticisms_received(yjj_leader)
            assert [n.number for n in received] == ["宁司法通〔2026〕1号"]
            inbox = db.session.scalars(sa.select(Message).where(Message.user_id == yjj_leader.id)).all()
            assert any("通报" in m.title for m in inbox)

            text = "".join(
                page.extract_text() for page in PdfReader(io.BytesIO(notices.notice_file(received[0]))).pages
            )
            assert "通报" in text and "应急管理局" in text and "逾期" in text
            assert not notice_policy.readable(received[0], user_named("yjj_inspector"))

        # the same city under 城口县's rulebook from 2026: its two forms, the place named 城口县
        adopt("城口县", date(2026, 1, 1))
        with frozen_at(TODAY), tenant_scope(supervisor.tenant_id):
            for code in ("area", "dept"):
                job = supervision_commands.request_table(code, "2026", actor=supervisor)
                data, name = supervision_queries.table_file(job.id, supervisor)
                books[code] = load_workbook(io.BytesIO(data))
            with pytest.raises(InvalidInputError):
                supervision_commands.request_table("progress", "2026", actor=supervisor)
        area = rows_of(books["area"])
        assert area[0][0] == "城口县推行“双随机、一公开”情况统计表"
        assert (
            "序号",
            "部门名称",
            "是否制定实施细则",
            "是否编制“一单两库”",
            "实行抽查事项项数",
            "已开展抽查次数",
        ) in area
        assert next(r for r in area if r[1] == "宁安市应急管理局")[2:6] == ("否", "是", 1, 1)
        department = rows_of(books["dept"], "宁安市应急管理局")
        assert department[0][0] == "县政府部门、有关单位推行“双随机、一公开”情况统计表"
        assert any(r[0] == "单位名称（盖章）：宁安市应急管理局" for r in department)
        other = next(r for r in department if r[1] == "危险化学品安全生产检查")
        assert other[4] == 1  # 已开展抽查次数
        assert tuple(r[0] for r in department if str(r[0]).startswith("合计共1项")) == (
            "合计共1项，占本部门其他行政检查事项总数的比例为100.0%。",
        )
        with frozen_at(TODAY), tenant_scope(ids["tenant"]), pytest.raises(ForbiddenError):  # the bureau's own table
            supervision_commands.request_table("area", "2026", actor=user_named("yjj_leader"))


@pytest.mark.seconds(2.2)
def test_pages_filing_archive_and_refusals(app):
    with app.app_context():
        ids = _world()
        supervisor, planner, leader = user_named("sfj_supervisor"), user_named("yjj_planner"), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            plan = plans.create_plan({"year": 2027, "half": None, "title": "2027年度计划"}, actor=planner)
            plans.set_line(
                plan.id,
                {
                    "item_id": ids["item"],
                    "ratio_bp": 300,
                    "frequency_times": 1,
                    "frequency_period": "year",
                    "months": [5],
                    "methods": ["onsite"],
                },
                actor=planner,
            )
            plans.publish(plan.id, actor=leader)
            plans.submit(plan.id, actor=leader)
            plan_id = plan.id
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan_id, {"accept": False, "comment": "请补充实施月份。"}, actor=supervisor)
        with tenant_scope(ids["tenant"]):
            plans.submit(plan_id, actor=leader)
        with tenant_scope(ids["tenant"]):
            # published half an hour into the day after its deadline (Beijing): late, though it is
            # still the deadline's day in UTC
            due = db.session.get(Visit, ids["second"]).publish_due
            with frozen_at(datetime(due.year, due.month, due.day, 0, 30) + timedelta(days=1)):
                results.publish_results([ids["second"]], actor=planner_of(user_named("yjj_admin")))
            db.session.commit()
        with tenant_scope(supervisor.tenant_id), frozen_at(TODAY):
            with access.reading(supervisor, "test"):
                s = _yjj(figures.compute(Period(2026), figures.departments()))
            assert (s.publish_due, s.published_on_time, s.published_late) == (2, 1, 1)
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan_id, {"accept": True, "comment": "同意备案。"}, actor=supervisor)
            archive = [r for r in plans_queries.reviews(supervisor) if r.plan_id == plan_id]
            assert [(r.decision, r.comment) for r in reversed(archive)] == [
                ("returned", "请补充实施月份。"),
                ("filed", "同意备案。"),
            ]
            assert archive[0].lines[0]["ratio_bp"] == 300 and archive[0].reviewer_name == supervisor.display_name
        db.session.remove()

    client = app.test_client()
    login(client, "sfj_supervisor")
    page = client.get("/supervision?period=2026").get_data(as_text=True)
    assert "应急管理局" in page and 'id="chart-coverage-other"' in page and "<svg" in page
    assert 'title="检查日期在统计期内' in page  # the definition as the header's tooltip
    drill = client.get(f"/supervision/departments/{ids['tenant']}/problems?period=2026").get_data(as_text=True)
    assert "口径" in drill and "共 <strong>1</strong> 条" in drill
    basics = client.get(f"/supervision/departments/{ids['tenant']}/basics?period=2026").get_data(as_text=True)
    assert "执法检查人员名录库" in basics and "8人" in basics and "未公布" in basics
    assert client.get(f"/supervision/departments/{ids['tenant']}/nonsense").status_code == 404
    assert client.get("/supervision?period=2026Q9").status_code == 404
    archive = client.get("/plans/review/archive").get_data(as_text=True)
    assert "请补充实施月份。" in archive and "已退回" in archive
    assert client.get("/supervision/assessment?year=2026").status_code == 200
    assert client.get(f"/supervision/assessment/{ids['tenant']}?year=2026").status_code == 200
    answer = post_form(
        client,
        "/supervision/assessment/rules",
        {"code": "late_filing", "points": "abc", "cap": "3"},
        token_from="/supervision/assessment/rules",
    )
    assert answer.status_code == 302
    rules = client.get("/supervision/assessment/rules").get_data(as_text=True)
    assert "请输入数字" in rules  # the refusal in Chinese, and nothing changed:
    assert re.search(r'data-rule="late_filing".*?name="points" value="2"', rules, re.S)

    # a draft withdrawn by the supervisor is never delivered
    drafted = post_form(client, "/supervision/criticisms", {"period": "2026"}, token_from="/supervision/criticisms")
    detail = drafted.headers["Location"]
    draft_page = client.get(detail).get_data(as_text=True)
    assert "应急管理局" in draft_page and 'id="criticism-submit"' in draft_page  # the submit its drafting promises
    post_form(client, detail + "/submit", {}, token_from=detail)
    submitted = client.get(detail).get_data(as_text=True)
    assert "已提交局领导签发" in submitted and 'id="criticism-submitted"' in submitted
    assert 'id="criticism-submit"' not in submitted  # the leaders are told once, not on every click
    assert post_form(client, detail + "/submit", {}, token_from=detail).status_code == 302
    assert "已提交局领导，领导已收到通知" in client.get(detail).get_data(as_text=True)  # a second submit refused
    inbox = signed_in(app, "sfj_leader").get("/inbox").get_data(as_text=True)
    assert inbox.count("通报待签发") == 1  # the leaders are told, once
    leader_home = signed_in(app, "sfj_leader").get("/").get_data(as_text=True)  # the draft is the leader's to-do
    todo = leader_home.split('id="home-tasks"')[1].split("</table>")[0]
    assert 'data-kind="criticism"' in todo and f'href="{urlsplit(detail).path}"' in todo and "批准并签发通报" in todo
    assert "暂无需要您批准" not in leader_home
    bureau_leader = signed_in(app, "sfj_leader")  # sends the draft back, saying why (退回修改)
    assert 'id="criticism-send-back"' in bureau_leader.get(detail).get_data(as_text=True)
    refused = post_form(bureau_leader, detail + "/send_back", {"reason": "改"}, token_from=detail)
    assert refused.status_code == 422  # refused, in the form's summary, with what was typed; nothing changed
    summary = refused.get_data(as_text=True).split('id="send-back-errors"')[1].split("</div>")[0]
    assert "请写明需要修改的内容" in summary and 'href="#send-back-reason"' in summary
    assert ">改</textarea>" in refused.get_data(as_text=True)
    assert 'id="criticism-returned"' not in client.get(detail).get_data(as_text=True)
    post_form(bureau_leader, detail + "/send_back", {"reason": "请补充整改时限。"}, token_from=detail)
    returned = client.get(detail).get_data(as_text=True)  # the drafter reads why
    assert 'id="criticism-returned"' in returned and "请补充整改时限。" in returned
    assert 'id="criticism-submit"' not in returned  # submitted again once changed as asked
    post_form(
        client,
        detail + "/edit",
        {"title": "关于整改的通报", "body": "第一段。\r\n\r\n请于30日内整改。"},
        token_from=detail,
    )
    changed = client.get(detail).get_data(as_text=True)
    assert 'id="criticism-returned"' not in changed and 'id="criticism-submit"' in changed  # answered by the change
    assert 'id="criticism-submitted"' not in changed  # to be submitted again
    untitled = post_form(client, detail + "/edit", {"title": "", "body": "新的正文。"}, token_from=detail)
    assert untitled.status_code == 422  # what was typed stays, the title named at the top
    page = untitled.get_data(as_text=True)
    assert 'href="#title"' in page.split('id="form-errors"')[1].split("</div>")[0] and "新的正文。</textarea>" in page
    assert "关于整改的通报" in client.get(detail).get_data(as_text=True)  # nothing changed
    post_form(client, detail + "/withdraw", {}, token_from=detail)
    withdrawn = client.get(detail).get_data(as_text=True)
    assert (
        "已撤回" in withdrawn and 'id="criticism-approve"' not in withdrawn and 'id="criticism-edit"' not in withdrawn
    )

    other = app.test_client()
    login(other, "yjj_leader")
    assert "没有收到通报" in other.get("/supervision/received").get_data(as_text=True)
    own = other.get("/supervision?period=2026").get_data(as_text=True)
    assert "应急管理局" in own and "市场监督管理局" not in own
    scj = user_named_id(app, "scj_admin")
    assert other.get(f"/supervision/departments/{scj}/checked?period=2026").status_code == 404
    assert other.get("/supervision/assessment/rules").status_code == 403
    assert other.get("/plans/review/archive").status_code == 403
    inspector = app.test_client()
    login(inspector, "yjj_inspector")
    assert inspector.get("/supervision").status_code == 403


def user_named_id(app, login_name: str) -> int:
    with app.app_context():
        return user_named(login_name).tenant_id


def test_the_definitions_page_in_docs_is_the_one_the_pages_show():
    """docs/supervision.md is written from the same definitions as the tooltips (one place each)."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "supervision.md").read_text(encoding="utf-8")
    assert page == markdown(), "run `spotcheck supervision docs`"
    assert all(figure.definition in page for figure in FIGURES)


def test_every_figure_has_its_rows_in_one_table_and_an_unknown_key_is_refused():
    """The drill-down's table names every figure once; a key it does not name raises KeyError, as the chain did."""
    assert set(drill_down.ROWS) == {figure.key for figure in FIGURES}
    with pytest.raises(KeyError, match="no_such_figure"):
        drill_down.rows_of("no_such_figure", 1, Period(2026))


def test_periods_are_quarters_halves_and_years():
    assert parse("2026Q4") == Period(2026, "quarter", 4) and parse("2026Q4").label == "2026年第四季度"
    assert (parse("2026H1").start, parse("2026H1").end) == (date(2026, 1, 1), date(2026, 6, 30))
    assert (parse("2026").start, parse("2026").end, parse("2026").label) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        "2026年度",
    )
    assert parse("2026Q2").halves == (1,) and parse("2026").halves == (1, 2)
    assert [parse(x) for x in ("2026Q5", "2026H3", "1999", "abc", "", None)] == [None] * 6


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow(5)
def test_a_table_is_built_by_a_real_worker_on_redis(tmp_path, postgres_url, celery_queue):
    """The table job goes through Redis to a real Celery worker, which writes the workbook to the
    shared storage; its progress ends at 100 and the supervisor downloads what it built."""
    app = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(tmp_path))
    worker = Worker(celery_queue, postgres_url, env={"SPOTCHECK_STORAGE": str(tmp_path)})
    try:
        worker.wait_ready(WORKER_READY_TIMEOUT)
        with app.app_context():
            supervisor = user_named("sfj_supervisor")
            bureau = supervisor.tenant_id
            with tenant_scope(bureau):
                job_id = supervision_commands.request_table("progress", "2026", actor=supervisor).id
            deadline = time.monotonic() + JOB_TIMEOUT
            while True:
                db.session.remove()
                with tenant_scope(bureau):
                    job = db.session.scalar(sa.select(Job).where(Job.id == job_id))
                    if job.done or time.monotonic() > deadline:
                        break
                time.sleep(0.2)
            with tenant_scope(bureau):
                assert job.status == JobStatus.succeeded, (job.status, job.error, worker.output)
                assert job.progress == 100
                data, _name = supervision_queries.table_file(job_id, user_named("sfj_supervisor"))
            rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
            assert rows[0][0] == "市直部门2026年度随机抽查工作进展情况统计表"
            assert {r[1] for r in rows if isinstance(r[0], int)} == {
                "宁安市市场监督管理局",
                "宁安市应急管理局",
                "宁安市商务局",
                "宁安市司法局",
            }  # 市直部门's table (宁安市's 第9条): not the office of its town 宁安镇, in its branch
    finally:
        worker.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        app.extensions["celery"].close()
