"""The official calendar (法定节假日与调休) kept in the database, one year at a time, and the deadlines
counted on it: holidays off, make-up workdays on, Monday–Friday assumed — and said so everywhere —
for a year not entered yet, and counted again when it is entered."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from tests.support.calendar_files import FILE_2027
from tests.support.helpers import bearer, csrf_token, post_form, signed_in, user_named
from spotcheck.core import calendar, clock, official_calendar
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import Forbidden, ValidationFailed
from spotcheck.core.scoping import system_access



# --- counting --------------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "days", "due"), [
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
])
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


def test_a_year_not_entered_is_counted_monday_to_friday_and_says_which(package_calendar):
    crossing = calendar.add_working_days(date(2026, 12, 28), 5)
    assert crossing.due == date(2027, 1, 4) and crossing.provisional and crossing.assumed_years == (2027,)
    national_day = calendar.add_working_days(date(2027, 9, 30), 5)  # would land in the holiday week
    assert national_day.due == date(2027, 10, 7) and national_day.provisional


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
        loaded = official_calendar.load_year(FILE_2027, notice="国务院办公厅关于2027年部分节假日安排的通知", actor=admin)
        assert (loaded.year, loaded.holidays, loaded.workdays) == (2027, 8, 2)
        after_new_year = calendar.add_working_days(date(2026, 12, 31), 1)
        assert after_new_year.due == date(2027, 1, 4) and after_new_year.official  # Friday 1 January off
        assert calendar.add_working_days(date(2027, 1, 29), 1).due == date(2027, 1, 31)  # a make-up Sunday
        # Entered again from a corrected file: the year is replaced whole, not merged.
        official_calendar.load_year("2027-01-01\tholiday\t元旦\n", notice="更正", actor=admin)
        assert [d.day for d in official_calendar.days_of(2027)] == [date(2027, 1, 1)]
        assert calendar.is_working_day(date(2027, 2, 8))
        with system_access("test"):
            entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "calendar.loaded")
                                         .order_by(AuditEntry.id)).all()
        assert [e.tenant_id for e in entries] == [None, None] and entries[0].actor_login == "admin"
        assert entries[1].details["replaced"]["holidays"] == 8 and entries[1].details["notice"] == "更正"


@pytest.mark.parametrize(("text", "line"), [
    (FILE_2027 + "2027-02-30\tholiday\t春节\n", "第11行"),  # no such day
    (FILE_2027.replace("2027-02-20\tworkday", "2027-02-22\tworkday"), "第10行"),  # a Monday is no make-up day
    (FILE_2027.replace("\tholiday\t元旦", "\tvacation\t元旦"), "第1行"),
    (FILE_2027 + "2027-01-01\tholiday\t元旦\n", "第11行"),  # listed twice
    (FILE_2027 + "2028-01-01\tholiday\t元旦\n", "2027、2028"),  # one year a file
    (FILE_2027.replace("2027-01-01\tholiday\t元旦", "2027-01-01 holiday 元旦"), "第1行"),  # no tabs
    (FILE_2027.replace("\t元旦", "\t"), "第1行"),  # no name
    ("# only a comment\n\n", "没有"),
])
def test_a_malformed_file_is_refused_whole_naming_the_line(app, text, line):
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            official_calendar.load_year(text, actor=user_named("admin"))
        messages = [str(m) for m in refused.value.errors["file"]]
        assert any(line in m for m in messages), messages
        assert official_calendar.days_of(2027) == [] and not calendar.official_calendar_known(2027)


def test_only_the_platform_administrator_enters_a_year(app):
    with app.app_context():
        for login in ("scj_admin", "sfj_supervisor", "scj_leader"):
            with pytest.raises(Forbidden):
                official_calendar.load_year(FILE_2027, actor=user_named(login))
        assert not calendar.official_calendar_known(2027)


def test_the_console_enters_a_year_and_counts_a_due_date(app, tmp_path):
    runner = app.test_cli_runner()
    with app.app_context():
        crossing = runner.invoke(args=["calendar", "due", "2026-12-28", "5"])
        assert crossing.exit_code == 3 and crossing.stdout == ""
        assert "2027年的法定节假日和调休安排尚未录入" in crossing.stderr and "2027-01-04" in crossing.stderr
        exact = runner.invoke(args=["calendar", "due", "2026-09-24", "5"])
        assert exact.exit_code == 0 and exact.stdout.strip() == "2026-10-09"
        bad = tmp_path / "bad.txt"
        bad.write_text(FILE_2027 + "2027-13-01\tholiday\t元旦\n", encoding="utf-8")
        refused = runner.invoke(args=["calendar", "load", str(bad)])
        assert refused.exit_code == 2 and "第11行" in refused.stderr and not calendar.official_calendar_known(2027)
        good = tmp_path / "2027.txt"
        good.write_text(FILE_2027, encoding="utf-8")
        loaded = runner.invoke(args=["calendar", "load", str(good), "--notice", "国务院办公厅关于2027年部分节假日安排的通知"])
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
    bad = post_form(client, "/platform/calendar", {"text": FILE_2027.replace("2027-01-31", "2027-01-32")},
                    token_from="/platform/calendar")
    assert bad.status_code == 422 and "第2行" in bad.get_data(as_text=True)
    with app.app_context():
        assert not calendar.official_calendar_known(2027)
    done = post_form(client, "/platform/calendar", {"text": FILE_2027, "notice": "国务院办公厅通知"},
                     token_from="/platform/calendar")
    assert done.status_code == 302 and done.headers["Location"].endswith("/platform/calendar/2027")
    page = client.get("/platform/calendar/2027").get_data(as_text=True)
    assert "2027-02-20" in page and "调休上班" in page and "星期六" in page
    assert 'id="home-calendar-missing"' not in client.get("/").get_data(as_text=True)
    assert signed_in(app, "scj_admin").get("/platform/calendar").status_code == 403


def test_a_file_not_in_utf8_is_refused_naming_its_lines_on_the_page_and_the_console(app, tmp_path):
    """A year saved in GBK (as Notepad and Excel save by default) is refused whole, naming the lines
    that are not UTF-8 — never entered with its holiday names garbled; a UTF-8 file with a BOM is
    entered."""
    gbk = FILE_2027.encode("gbk")  # every line has a Chinese name: 元旦 on line 1
    client = signed_in(app, "admin")
    refused = client.post("/platform/calendar", content_type="multipart/form-data", data={
        "file": (io.BytesIO(gbk), "2027.txt"), "notice": "", "csrf_token": csrf_token(client, "/platform/calendar")})
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
    loaded = client.post("/platform/calendar", content_type="multipart/form-data", data={
        "file": (io.BytesIO(b"\xef\xbb\xbf" + FILE_2027.encode()), "2027.txt"), "notice": "",
        "csrf_token": csrf_token(client, "/platform/calendar")})
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
