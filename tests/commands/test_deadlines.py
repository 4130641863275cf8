"""A visit's deadlines to the letter: both run from the end of the check (report 5, publication 20
working days, the review inside the 20); a check has a start and an end inside the campaign's window
and not in the future; no recorded date ever makes a due date later than the one first given; a due
date counted through a year without an official calendar is provisional everywhere it is shown and
is counted again, exactly, when the year is entered."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from spotcheck.core import official_calendar
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.notices import reminders
from spotcheck.tenants.results import commands as results, deadlines, rectification_answers
from spotcheck.tenants.results.models import FollowUp, RectificationAnswer, Visit, VisitStatus
from spotcheck.tenants.results.queries import listing
from spotcheck.tenants.supervision import (
    commands as supervision_commands,
    drill_down,
    figures,
    policy as access,
    queries as supervision_queries,
)
from spotcheck.tenants.supervision.periods import Period
from tests.support.calendar_files import FILE_2027
from tests.support.campaign_world import planner_of
from tests.support.helpers import bearer, count_figures, signed_in, tenant_id, user_named
from tests.support.results_world import complete_result, handed_out, published, visit

#: A campaign of complaints (投诉举报, an exempt kind: no plan needed) checked in December.
DECEMBER = {
    "exempt_kind": "complaint",
    "exempt_reason": "群众投诉举报危化品违规储存",
    "window_start": "2026-12-01",
    "window_end": "2026-12-31",
}


def _dates(ids) -> tuple:
    one = visit(ids)
    return one.checked_on, one.checked_until, one.report_due, one.publish_due


def test_both_deadlines_run_from_the_end_of_the_check_and_review_time_counts(app):
    with app.app_context():
        ids = handed_out()
        chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            results.record_result(
                visit(ids).id, complete_result(ids, checked_on="2026-04-27", checked_until="2026-04-30"), actor=chief
            )
            results.submit_result(visit(ids).id, actor=chief)
            with frozen_at(date(2026, 5, 29)):  # the leader takes a month: it counts inside the 20 days
                results.approve_result(visit(ids).id, actor=leader)
            db.session.commit()
            # Labour Day 1–5 May off, Saturday 9 May worked; counted from the end (30 April), not the start
            assert _dates(ids) == (date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 11), date(2026, 6, 1))
            assert listing.due_of(visit(ids)) == date(2026, 6, 1)  # approved: publication's is the one that matters


def test_a_report_submitted_after_its_due_date_is_marked_late_and_stays_on_the_overdue_list(app):
    """Seed 002 四(三) (检查结束后5个工作日内完成检查报告, 应急管理局's rules): a check that ended on 30 April
    is reported by 11 May; submitted on 13 May it is 逾期提交 two working days — on the visit's page, the
    review list, the 组长's list and the API — and stays on the supervision's list of overdue reports,
    marked, instead of leaving it; a return and a new submission do not clear the mark."""
    mark = "逾期提交：超过报送期限2个工作日"
    with app.app_context():
        ids = handed_out()
        chief, supervisor = user_named("yjj_inspector"), user_named("sfj_supervisor")

        def overdue_row():
            with tenant_scope(supervisor.tenant_id), access.reading(supervisor, "test", period="2026"):
                rows = drill_down.rows_of("reports_overdue", ids["tenant"], Period(2026), limit=1000)
            return next((row for row, ref in zip(rows.rows, rows.refs, strict=True) if ref[1] == ids["visit"]), None)

        with tenant_scope(ids["tenant"]), frozen_at(date(2026, 4, 30)):
            results.record_result(ids["visit"], complete_result(ids), actor=chief)
            db.session.commit()
            assert visit(ids).report_due == date(2026, 5, 11) and deadlines.report_lateness(visit(ids)) is None
        with frozen_at(date(2026, 5, 12)):
            assert overdue_row()[3] == "结果录入中"  # overdue, not reported yet
        with tenant_scope(ids["tenant"]), frozen_at(date(2026, 5, 13)):
            results.submit_result(ids["visit"], actor=chief)
            db.session.commit()
            assert deadlines.report_lateness(visit(ids)) == deadlines.Late(2, True, date(2026, 5, 11))
        with frozen_at(date(2026, 5, 14)):
            assert overdue_row()[3] == f"待审核（{mark}）"  # still on the list, marked
    with frozen_at(date(2026, 5, 14)):
        for login, url in (
            ("yjj_leader", f"/visits/{ids['visit']}"),
            ("yjj_leader", "/visits/review"),
            ("yjj_inspector", "/visits/mine"),
        ):
            assert mark in signed_in(app, login).get(url).get_data(as_text=True), (login, url)
        shown = app.test_client().get(f"/api/v1/visits/{ids['visit']}", headers=bearer(app, "yjj_leader")).get_json()
        assert (shown["report_late_days"], shown["report_late_in_working_days"]) == (2, True)
    with app.app_context(), tenant_scope(ids["tenant"]), frozen_at(date(2026, 5, 15)):
        results.return_result(ids["visit"], {"reason": "请补充现场照片"}, actor=user_named("yjj_leader"))
        results.submit_result(ids["visit"], actor=user_named("yjj_inspector"))
        db.session.commit()
        assert deadlines.report_lateness(visit(ids)).days == 2  # counted from the first submission, for good


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"checked_on": "2026-02-27"}, "checked_on"),  # before the window
        ({"checked_on": "2026-04-20", "checked_until": "2026-05-04"}, "checked_until"),  # after it
        ({"checked_on": "2026-04-20", "checked_until": "2026-04-19"}, "checked_until"),  # ends before it starts
        ({"checked_on": "2026-04-28"}, "checked_on"),  # in the future (today is 27 April)
        ({"checked_on": "2026-04-20", "checked_until": "20.04.2026"}, "checked_until"),
        ({"checked_until": "2026-04-20"}, "checked_on"),  # an end with no start
    ],
)
def test_a_check_has_a_start_and_an_end_inside_the_window_and_not_in_the_future(app, data, field):
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]), frozen_at(date(2026, 4, 27)):
            with pytest.raises(InvalidInputError) as refused:
                results.record_result(visit(ids).id, data, actor=user_named("yjj_inspector"))
            assert field in refused.value.errors, refused.value.errors
            assert _dates(ids) == (None, None, None, None) and visit(ids).status == VisitStatus.assigned


@pytest.mark.seconds(1.6)
def test_a_recorded_check_date_cannot_move_a_deadline(app):
    """The team of a check on 16 March, overdue since 23 March, cannot clear its own "overdue" by
    dating the check later — neither while drafting nor once submitted; a leader's correction with a
    reason may bring the deadlines forward, never later."""
    with app.app_context():
        ids = handed_out()
        chief, member, leader = user_named("yjj_inspector"), user_named("yjj_inspector2"), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]), frozen_at(date(2026, 4, 30)):
            results.record_result(visit(ids).id, {"checked_on": "2026-03-16"}, actor=member)
            db.session.commit()
            first = _dates(ids)
            # Qingming 4–6 April off
            assert first[2:] == (date(2026, 3, 23), date(2026, 4, 14)) and listing.flag_of(visit(ids)) == "overdue"
            results.record_result(
                visit(ids).id, {"checked_on": "2026-04-29", "checked_until": "2026-04-29"}, actor=member
            )
            db.session.commit()
            assert _dates(ids)[2:] == first[2:] and listing.flag_of(visit(ids)) == "overdue"  # still overdue
            results.record_result(
                visit(ids).id, complete_result(ids, checked_on="2026-03-13", checked_until="2026-03-13"), actor=chief
            )  # an earlier end brings them forward
            results.submit_result(visit(ids).id, actor=chief)
            db.session.commit()
            fixed = _dates(ids)
            assert fixed == (date(2026, 3, 13), date(2026, 3, 13), date(2026, 3, 20), date(2026, 4, 13))
            results.return_result(visit(ids).id, {"reason": "笔录不全，请补充。"}, actor=leader)
            db.session.commit()
            with pytest.raises(InvalidInputError) as team:
                results.record_result(visit(ids).id, {"checked_on": "2026-04-29"}, actor=chief)
            assert "领导" in str(team.value.errors["checked_on"][0]) and _dates(ids) == fixed
            results.record_result(
                visit(ids).id, {"checked_on": "2026-03-13", "record": "补充笔录。"}, actor=chief
            )  # unchanged: fine
            for who in (chief, planner_of(user_named("yjj_admin"))):
                with pytest.raises(ForbiddenError):
                    results.correct_check_dates(
                        ids["visit"],
                        {"checked_on": "2026-03-13", "checked_until": "2026-04-29", "reason": "改期"},
                        actor=who,
                    )
            with pytest.raises(InvalidInputError) as reasonless:
                results.correct_check_dates(
                    ids["visit"], {"checked_on": "2026-03-13", "checked_until": "2026-04-29"}, actor=leader
                )
            assert set(reasonless.value.errors) == {"reason"} and _dates(ids) == fixed
            later = results.correct_check_dates(
                ids["visit"],
                {"checked_on": "2026-03-13", "checked_until": "2026-04-29", "reason": "检查延续至4月29日"},
                actor=leader,
            )
            db.session.commit()
            assert (later.checked_until, later.report_due, later.publish_due) == (date(2026, 4, 29), fixed[2], fixed[3])
            earlier = results.correct_check_dates(
                ids["visit"],
                {"checked_on": "2026-03-11", "checked_until": "2026-03-12", "reason": "以现场笔录日期为准"},
                actor=leader,
            )
            db.session.commit()
            assert (earlier.report_due, earlier.publish_due) == (date(2026, 3, 19), date(2026, 4, 10))
            assert earlier.dates_correction_reason == "以现场笔录日期为准"
        with system_access("test"):
            corrections = db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == "result.dates_corrected").order_by(AuditEntry.id)
            ).all()
        assert [e.details["reason"] for e in corrections] == ["检查延续至4月29日", "以现场笔录日期为准"]
        assert (
            corrections[0].details["due_moved"] == {}
            and corrections[1].details["before"]["checked_until"] == "2026-04-29"
        )


def test_a_published_result_is_corrected_before_its_dates(app):
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
            with pytest.raises(ConflictError):
                results.correct_check_dates(
                    ids["visit"],
                    {"checked_on": "2026-04-29", "checked_until": "2026-04-30", "reason": "改正"},
                    actor=user_named("yjj_leader"),
                )


@pytest.mark.seconds(5)
def test_a_deadline_in_a_year_not_entered_is_provisional_everywhere_and_exact_once_entered(app):
    with app.app_context():
        ids = handed_out(**DECEMBER)
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]), frozen_at(date(2026, 12, 29)):
            results.record_result(visit(ids).id, complete_result(ids, checked_on="2026-12-28"), actor=chief)
            other = db.session.scalars(sa.select(Visit).where(Visit.id != ids["visit"]).order_by(Visit.id)).first()
            other.checked_on = other.checked_until = date(2026, 12, 1)
            other.report_due, other.publish_due = date(2026, 12, 8), date(2026, 12, 29)  # counted in 2026: exact
            db.session.commit()
            one = visit(ids)
            # 29–31 December, Friday 1 January 2027 off by law (元旦), then Monday–Friday: provisional, as
            # the year's 调休 is not known
            assert (one.report_due, one.publish_due) == (date(2027, 1, 5), date(2027, 1, 26))
            assert one.report_due_provisional and one.publish_due_provisional and listing.due_provisional(one)
            lines = reminders.due_lines(date(2026, 12, 31))
            assert any("暂按周一至周五计算" in line for line in lines[chief.id])
            order = results.open_follow_up(
                visit(ids).id,
                {"kind": "rectification", "details": "限期整改危化品储存", "deadline_days": 30},
                actor=chief,
            )  # 限30个工作日内改正
            db.session.commit()
            # 除夕 to 初三 (5–8 February 2027) off by law
            assert (order.deadline, order.deadline_provisional) == (date(2027, 2, 12), True)
            # the business's answer given on 15 February: late against the provisional deadline
            answer = rectification_answers.submit(
                order, "已整改。", [], person_id=None, by_name="王法务", on=date(2027, 2, 15)
            )
            db.session.commit()
            assert answer.late
    with frozen_at(datetime(2026, 12, 29, 10)):
        client = signed_in(app, "yjj_inspector")
        page = client.get(f"/visits/{ids['visit']}").get_data(as_text=True)
        assert page.count("暂按周一至周五计算") >= 2  # the report's and publication's due dates
        assert "暂按周一至周五计算" in client.get("/visits/mine").get_data(as_text=True)
        assert "暂按周一至周五计算" in client.get("/").get_data(as_text=True)
        api = client.get(f"/api/v1/visits/{ids['visit']}").get_json()
        assert api["report_due_provisional"] and api["publish_due_provisional"] and api["due_provisional"]
        _supervision_shows_provisional(app, ids, 1)
    with app.app_context():
        official_calendar.load_year(
            FILE_2027, notice="国务院办公厅关于2027年部分节假日安排的通知", actor=user_named("admin")
        )
        with tenant_scope(ids["tenant"]):
            one, untouched = visit(ids), db.session.get(Visit, other.id)
            # 1 January 2027 is a holiday as the law had it: the same days, exact now
            assert (one.report_due, one.publish_due) == (date(2027, 1, 5), date(2027, 1, 26))
            assert not one.report_due_provisional and not one.publish_due_provisional
            assert (untouched.report_due, untouched.publish_due) == (date(2026, 12, 8), date(2026, 12, 29))
            order = db.session.get(FollowUp, order.id)  # the Spring Festival week off, Sunday 31 January worked
            assert (order.deadline, order.deadline_provisional) == (date(2027, 2, 16), False)
            assert not db.session.get(RectificationAnswer, answer.id).late  # in time against the deadline in force
        with system_access("test"):
            [recounted] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "deadlines.recounted"))
        assert recounted.tenant_id == ids["tenant"]
        assert {c.get("visit") or c.get("follow_up") for c in recounted.details["changes"]} == {ids["visit"], order.id}
    with frozen_at(datetime(2026, 12, 29, 10)):
        assert "暂按周一至周五计算" not in client.get(f"/visits/{ids['visit']}").get_data(as_text=True)
        _supervision_shows_provisional(app, ids, 0)


def _supervision_shows_provisional(app, ids, count: int) -> None:
    """The justice bureau's figure 期限暂定户次, its drill-down, the dashboard's note and the 001-2 table's
    footnote, for the fourth quarter of 2026 (on the clock the caller set)."""
    with app.app_context():
        supervisor = user_named("sfj_supervisor")
        with tenant_scope(supervisor.tenant_id), system_access("test"):
            [yjj] = figures.compute(Period(2026, "quarter", 4), figures.departments([ids["tenant"]]))
            rows = drill_down.rows_of("provisional", ids["tenant"], Period(2026, "quarter", 4))
        assert yjj.provisional == count and rows.total == count
        if count:
            assert rows.rows[0][4] == "2027-01-05（调休安排未公布，法定节假日外暂按周一至周五计算）"
        db.session.remove()
    bureau = signed_in(app, "sfj_supervisor")
    count_figures(bureau, "2026Q4")  # 立即重新统计: the dashboard reads the figures as counted
    page = bureau.get("/supervision?period=2026Q4").get_data(as_text=True)
    assert ('id="provisional-deadlines"' in page) == bool(count)
    if count:
        assert "其中1户次的报送或公示期限落在尚未录入国家法定节假日安排的年份" in page
        drill = bureau.get(f"/supervision/departments/{ids['tenant']}/provisional?period=2026Q4").get_data(as_text=True)
        assert "期限暂定户次" in drill and "2027-01-26（调休安排未公布，法定节假日外暂按周一至周五计算）" in drill
    with app.app_context():
        supervisor = user_named("sfj_supervisor")
        with tenant_scope(supervisor.tenant_id):
            job = supervision_commands.request_table("progress", "2026Q4", actor=supervisor)
            data, _ = supervision_queries.table_file(job.id, supervisor)
        cells = [
            c for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True) for c in row if c
        ]
        assert any("暂按周一至周五计算" in str(c) for c in cells) == bool(count)
        db.session.remove()


def test_the_result_form_says_the_deadlines_of_its_departments_rules_and_none_it_leaves_open(app):
    """The form's hint says each due date as the rules in force set it, with the document: 应急管理局's 细则
    sets the report's 5 working days, and the national floor the publication's 20; 市场监督管理局 under
    宁安市's rulebook has no report deadline, and the hint says so (the campaign's last day bounding the report)
    rather than borrowing another's 5."""
    with app.app_context():
        emergency = deadlines.due_rules_words(tenant_id("YJJ"), date(2026, 11, 2))
        market = deadlines.due_rules_words(tenant_id("SCJ"), date(2026, 11, 2))
        bounded = deadlines.due_rules_words(tenant_id("SCJ"), date(2026, 11, 2), date(2026, 11, 30))
    assert emergency.startswith("检查结束后5个工作日内报送检查结果（《") and "四（三）" in emergency
    assert "检查结束后20个工作日内公示（《企业信息公示暂行条例》第六条、第七条）" in emergency
    assert market.startswith("报送检查结果的期限，现行规则未规定；") and "5个工作日" not in market
    assert "检查结束后20个工作日内公示" in market
    assert bounded.startswith("报送检查结果的期限现行规则未规定，不晚于检查期最后一天（2026年11月30日）；")
