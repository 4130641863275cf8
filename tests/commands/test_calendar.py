"""The official calendar (法定节假日与调休) kept in the database, one year at a time, and the deadlines
counted on it: holidays off, make-up workdays on, Monday–Friday assumed — and said so everywhere —
for a year not entered yet, and counted again when it is entered."""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from spotcheck.core import calendar, clock, official_calendar
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.scoping import system_access
from tests.support.calendar_files import FILE_2027
from tests.support.helpers import bearer, csrf_token, post_form, signed_in, user_named

# --- counting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # 2026: Mid-Autumn 25–27 September and National Day 1–7 October off; Saturday 10 October worked.
        (date(2026, 9, 24), 5, date(2026, 10, 9)),
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # a make-up Saturday
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # a make-up Sunday (for National Day)
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # New Year 1–3 January off, Sunday 4 January worked
        # Spring Festival 2026: 15–23 February off; Saturdays 14 and 28 February worked.
        (date(2026, 2, 10), 20, date(2026, 3, 16)),
        (date(2026, 2, 12), 5, date(2026, 2, 26)),
        # 2025: Sunday 28 September and Saturday 11 October worked, 1–8 October off.
        (date(2025, 9, 26), 1, date(2025, 9, 28)),
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 10, 10), 1, date(2025, 10, 11)),
        (date(2025, 1, 24), 2, date(2025, 1, 27)),  # Sunday 26 January worked: 24 (Fri) → 26 (Sun), 27 (Mon)
        (date(2025, 4, 25), 1, date(2025, 4, 27)),  # Sunday 27 April worked before Labour Day
    ],
)
def test_the_2025_and_2026_schedules_on_the_calendar_in_the_database(app, start, days, due):
    with app.app_context():
        counted = calendar.add_working_days(start, days)
        assert counted.due == due and counted.official
        assert calendar.working_days_between(start, counted.due) == days


def test_the_package_years_are_loaded_with_their_names(app):
    with app.app_context():
        entered = {row.year: row for row in official_calendar.years()}
        assert set(entered) >= set(range(2004, 2027)) and 2027 not in entered
        assert entered[2026].source == "package" and entered[2026].workdays == 6
        days = {d.day: (d.kind, d.name) for d in official_calendar.days_of(2026)}
        assert days[date(2026, 10, 1)] == ("holiday", "国庆节") and days[date(2026, 2, 14)] == ("workday", "春节")


@pytest.mark.seconds(1.8)
@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2099, 6, 1)), st.integers(0, 40))
@settings(max_examples=300, deadline=None)
def test_a_deadline_is_a_working_day_that_many_working_days_later(start, days):
    with calendar.counting_on(official_calendar.package_calendar()):
        deadline = calendar.add_working_days(start, days)
        assert calendar.working_days_between(start, deadline.due) == days
        if days:
            assert calendar.is_working_day(deadline.due) and deadline.due > start
            assert calendar.add_working_days(start, days - 1).due < deadline.due
        else:
            assert deadline.due == start
        assert deadline.provisional == (days > 0 and deadline.due.year > 2026)  # 2027 is not in the package


def test_a_year_not_entered_counts_the_statutory_holidays_and_says_which_year(package_calendar):
    """2027 is not entered: 1 January (the law's 元旦) is off, the rest Monday–Friday, and provisional."""
    crossing = calendar.add_working_days(date(2026, 12, 28), 5)
    assert crossing.due == date(2027, 1, 5) and crossing.provisional and crossing.assumed_years == (2027,)
    national_day = calendar.add_working_days(date(2027, 9, 30), 5)  # 1–3 October off by law, not the week
    assert national_day.due == date(2027, 10, 8) and national_day.provisional


def test_the_clock_can_be_set_for_deadlines(package_calendar):
    with clock.frozen_at(date(2026, 9, 24)):
        assert clock.today() == date(2026, 9, 24)
        assert calendar.add_working_days(clock.today(), 5).due == date(2026, 10, 9)
    assert abs((clock.today() - date.today()).days) <= 1  # the clock runs again after the block


# --- entering a year -------------------------------------------------------------------------


def test_entering_a_year_makes_its_deadlines_exact_and_replaces_it_whole(app):
    with app.app_context():
        assert calendar.add_working_days(date(2026, 12, 31), 1).provisional
        admin = user_named("admin")
        loaded = official_calendar.load_year(
            FILE_2027, notice="国务院办公厅关于2027年部分节假日安排的通知", actor=admin
        )
        assert (loaded.year, loaded.holidays, loaded.workdays) == (2027, 8, 2)
        after_new_year = calendar.add_working_days(date(2026, 12, 31), 1)
        assert after_new_year.due == date(2027, 1, 4) and after_new_year.official  # Friday 1 January off
        assert calendar.add_working_days(date(2027, 1, 29), 1).due == date(2027, 1, 31)  # a make-up Sunday
        # Entered again from a corrected file: the year is replaced whole, not merged.
        official_calendar.load_year("2027-01-01\tholiday\t元旦\n", notice="更正", actor=admin)
        assert [d.day for d in official_calendar.days_of(2027)] == [date(2027, 1, 1)]
        assert calendar.is_working_day(date(2027, 2, 8))
        with system_access("test"):
            entries = db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == "calendar.loaded").order_by(AuditEntry.id)
            ).all()
        assert [e.tenant_id for e in entries] == [None, None] and entries[0].actor_login == "admin"
        assert entries[1].details["replaced"]["holidays"] == 8 and entries[1].details["notice"] == "更正"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (FILE_2027 + "2027-02-30\tholiday\t春节\n", "第11行"),  # no such day
        (FILE_2027.replace("2027-02-20\tworkday", "2027-02-22\tworkday"), "第10行"),  # a Monday is no make-up day
        (FILE_2027.replace("\tholiday\t元旦", "\tvacation\t元旦"), "第1行"),
        (FILE_2027 + "2027-01-01\tholiday\t元旦\n", "第11行"),  # listed twice
        (FILE_2027 + "2028-01-01\tholiday\t元旦\n", "2027、2028"),  # one year a file
        (FILE_2027.replace("2027-01-01\tholiday", "2027-01-01\tholliday"), "第1行"),  # neither 放假 nor 上班
        (FILE_2027.replace("2027-01-01\tholiday\t元旦", "holiday\t元旦"), "第1行"),  # no date
        ("# only a comment\n\n", "没有"),
    ],
)
def test_a_malformed_file_is_refused_whole_naming_the_line(app, text, line):
    with app.app_context():
        with pytest.raises(InvalidInputError) as refused:
            official_calendar.load_year(text, actor=user_named("admin"))
        messages = [str(m) for m in refused.value.errors["file"]]
        assert any(line in m for m in messages), messages
        assert official_calendar.days_of(2027) == [] and not calendar.official_calendar_known(2027)


def test_only_the_platform_administrator_enters_a_year(app):
    with app.app_context():
        for login in ("scj_admin", "sfj_supervisor", "scj_leader"):
            with pytest.raises(ForbiddenError):
                official_calendar.load_year(FILE_2027, actor=user_named(login))
        assert not calendar.official_calendar_known(2027)


def test_the_console_enters_a_year_and_counts_a_due_date(app, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        crossing = runner.invoke(args=["calendar", "due", "2026-12-28", "5"])
        assert crossing.exit_code == 3 and crossing.stdout == ""
        assert "2027年的法定节假日和调休安排尚未录入" in crossing.stderr and "2027-01-05" in crossing.stderr
        exact = runner.invoke(args=["calendar", "due", "2026-09-24", "5"])
        assert exact.exit_code == 0 and exact.stdout.strip() == "2026-10-09"
        bad = tmp_path / "bad.txt"
        bad.write_text(FILE_2027 + "2027-13-01\tholiday\t元旦\n", encoding="utf-8")
        refused = runner.invoke(args=["calendar", "load", str(bad)])
        assert refused.exit_code == 2 and "第11行" in refused.stderr and not calendar.official_calendar_known(2027)
        good = tmp_path / "2027.txt"
        good.write_text(FILE_2027, encoding="utf-8")
        loaded = runner.invoke(
            args=["calendar", "load", str(good), "--notice", "国务院办公厅关于2027年部分节假日安排的通知"]
        )
        assert loaded.exit_code == 0, loaded.output
        assert "2027" in loaded.stdout and "放假8天" in loaded.stdout
        now_exact = runner.invoke(args=["calendar", "due", "2026-12-28", "5"])
        assert now_exact.exit_code == 0 and now_exact.stdout.strip() == "2027-01-05"  # 1 January off
        assert "2027" in runner.invoke(args=["calendar", "years"]).stdout


def test_the_administrator_is_told_from_1_october_and_enters_the_year_on_a_page(app):
    client = signed_in(app, "admin")
    with clock.frozen_at(datetime(2026, 9, 30, 10)):
        assert 'id="home-calendar-missing"' not in client.get("/").get_data(as_text=True)
    with clock.frozen_at(datetime(2026, 10, 1, 10)):
        home = client.get("/").get_data(as_text=True)
        assert 'id="home-calendar-missing"' in home and "2027年的法定节假日和调休安排尚未录入" in home
    bad = post_form(
        client,
        "/platform/calendar",
        {"text": FILE_2027.replace("2027-01-31", "2027-01-32"), "step": "load"},
        token_from="/platform/calendar",
    )
    assert bad.status_code == 422 and "第2行" in bad.get_data(as_text=True)
    with app.app_context():
        assert not calendar.official_calendar_known(2027)
    done = post_form(
        client,
        "/platform/calendar",
        {"text": FILE_2027, "notice": "国务院办公厅通知", "step": "load"},
        token_from="/platform/calendar",
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/platform/calendar/2027")
    page = client.get("/platform/calendar/2027").get_data(as_text=True)
    assert "2027-02-20" in page and "调休上班" in page and "星期六" in page
    assert 'id="home-calendar-missing"' not in client.get("/").get_data(as_text=True)
    assert signed_in(app, "scj_admin").get("/platform/calendar").status_code == 403
    # where each year came from, in words: not the name and version of a software package
    years = client.get("/platform/calendar").get_data(as_text=True).split('id="calendar-years"')[1]
    assert "国务院办公厅通知（随软件提供的数据）" in years
    assert "chinesecalendar" not in years and "软件包" not in years
    assert "chinesecalendar" not in client.get("/platform/calendar/2026").get_data(as_text=True)


def test_a_file_not_in_utf8_is_refused_naming_its_lines_on_the_page_and_the_console(app, tmp_path):
    """A year saved in GBK (as Notepad and Excel save by default) is refused whole, naming the lines
    that are not UTF-8 — never entered with its holiday names garbled; a UTF-8 file with a BOM is
    entered."""
    gbk = FILE_2027.encode("gbk")  # every line has a Chinese name: 元旦 on line 1
    client = signed_in(app, "admin")
    refused = client.post(
        "/platform/calendar",
        content_type="multipart/form-data",
        data={
            "file": (io.BytesIO(gbk), "2027.txt"),
            "notice": "",
            "csrf_token": csrf_token(client, "/platform/calendar"),
        },
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "第1行不是UTF-8编码" in page and "第5行" in page and "另有5行" in page
    with app.app_context():
        assert not calendar.official_calendar_known(2027) and official_calendar.days_of(2027) == []
    path = tmp_path / "2027-gbk.txt"
    path.write_bytes(gbk)
    runner = app.test_cli_runner()
    with app.app_context():
        console = runner.invoke(args=["calendar", "load", str(path)])
        assert console.exit_code == 2 and "第1行不是UTF-8编码" in console.stderr, console.output
        assert not calendar.official_calendar_known(2027)
    loaded = client.post(
        "/platform/calendar",
        content_type="multipart/form-data",
        data={
            "file": (io.BytesIO(b"\xef\xbb\xbf" + FILE_2027.encode()), "2027.txt"),
            "notice": "",
            "step": "load",
            "csrf_token": csrf_token(client, "/platform/calendar"),
        },
    )
    assert loaded.status_code == 302
    with app.app_context():
        assert {day.name for day in official_calendar.days_of(2027)} == {"元旦", "春节"}


def test_a_due_date_past_the_year_9999_is_a_field_error(app):
    client, headers = app.test_client(), bearer(app, "scj_planner")
    answer = client.get("/api/v1/calendar/due", query_string={"from": "9999-12-20", "days": 366}, headers=headers)
    assert answer.status_code == 422 and "9999" in str(answer.json["errors"]["query"]["from"]), answer.json
    assert "更早的日期" in str(answer.json["errors"]["query"]["from"])
    fine = client.get("/api/v1/calendar/due", query_string={"from": "2026-09-24", "days": 5}, headers=headers)
    assert fine.status_code == 200 and fine.json["due"] == "2026-10-09"
    with app.app_context():
        console = app.test_cli_runner().invoke(args=["calendar", "due", "9999-12-20", "366"])
        assert console.exit_code == 2 and "超出9999年" in console.stderr


def test_a_year_typed_as_the_notice_reads_is_previewed_before_it_is_entered(app):
    """The administrator types lines as the notice reads (a date or a range, 放假 or 上班, spaces) with
    the year chosen on the form: the page shows what will be stored — and which days the law fixes
    are missing — and stores nothing until the preview's own button is pressed."""
    client = signed_in(app, "admin")
    typed = "元旦 1月1日 放假\n2月5日 至 2月13日 放假\n2月14日 上班\n2月20日 上班\n"
    preview = post_form(
        client,
        "/platform/calendar",
        {"text": typed, "year": "2027", "notice": "国务院办公厅通知"},
        token_from="/platform/calendar",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="calendar-preview"' in page
    assert "将录入的2027年安排" in page and "放假10天，调休上班2天" in page
    assert "2027-02-20" in page and "星期六" in page and "确认录入2027年安排" in page
    assert 'id="calendar-preview-statutory"' in page and "2027-10-01" in page  # 国庆 not typed yet
    with app.app_context():
        assert not calendar.official_calendar_known(2027)
    done = post_form(
        client,
        "/platform/calendar",
        {"text": typed, "year": "2027", "notice": "国务院办公厅通知", "step": "load"},
        token_from="/platform/calendar",
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/platform/calendar/2027")
    with app.app_context():
        days = {d.day: (d.kind, d.name) for d in official_calendar.days_of(2027)}
        assert days[date(2027, 1, 1)] == ("holiday", "元旦") and days[date(2027, 2, 5)] == ("holiday", "春节")
        assert days[date(2027, 2, 14)] == ("workday", "春节") and len(days) == 12


def test_the_notice_pasted_is_previewed_and_a_line_that_cannot_be_read_is_refused_in_chinese(app):
    client = signed_in(app, "admin")
    notice = (
        "国务院办公厅关于2027年部分节假日安排的通知\n"
        "一、元旦：1月1日（周五）放假，与周末连休。\n"
        "二、春节：2月5日（农历除夕）至13日（农历正月初八）放假调休，共9天。2月14日（周日）、2月20日（周六）上班。\n"
    )
    preview = post_form(client, "/platform/calendar", {"text": notice, "year": ""}, token_from="/platform/calendar")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "放假10天，调休上班2天" in page and "1行未录入" in page
    assert page.count("<td>春节</td>") == 11  # 9 days off and 2 worked, named from the section's heading
    wrong = notice.replace("2月14日（周日）", "2月15日（周一）") + "2027-03-01\n"
    refused = post_form(client, "/platform/calendar", {"text": wrong, "year": "2027"}, token_from="/platform/calendar")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="calendar-preview"' not in page
    assert "第3行：2027-02-15是工作日（周一至周五），调休上班日只能是周六或周日。" in page
    assert "第4行：请写明“2027-03-01”中的日期是“放假”还是“上班”" in page
    assert "2月15日（周一）" in page  # the text is kept in the box, to be corrected
    year = post_form(client, "/platform/calendar", {"text": notice, "year": "20x7"}, token_from="/platform/calendar")
    assert year.status_code == 422 and "请选择2000至2100之间的年份" in year.get_data(as_text=True)
    with app.app_context():
        assert not calendar.official_calendar_known(2027)


def test_an_uploaded_file_is_previewed_then_entered_from_the_preview(app):
    client = signed_in(app, "admin")
    preview = client.post(
        "/platform/calendar",
        content_type="multipart/form-data",
        data={
            "file": (io.BytesIO(FILE_2027.encode()), "2027.txt"),
            "notice": "通知",
            "csrf_token": csrf_token(client, "/platform/calendar"),
        },
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "放假8天，调休上班2天" in page
    carried = re.search(r'name="text" value="([^"]*)"', page).group(1)
    assert html.unescape(carried).replace("\r\n", "\n") == FILE_2027  # the preview's form carries the file's lines
    with app.app_context():
        assert not calendar.official_calendar_known(2027)
    done = post_form(
        client,
        "/platform/calendar",
        {"text": html.unescape(carried), "notice": "通知", "step": "load"},
        token_from="/platform/calendar",
    )
    assert done.status_code == 302
    with app.app_context():
        assert len(official_calendar.days_of(2027)) == 10
