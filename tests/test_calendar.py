"""Deadlines in working days on the official calendar (holidays off, make-up workdays on), with
Monday–Friday assumed — and said so — for a year without an official calendar yet."""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

from spotcheck.core import calendar, clock


def test_five_working_days_skip_mid_autumn_and_national_day():
    deadline = calendar.add_working_days(date(2026, 9, 24), 5)
    assert deadline.due == date(2026, 10, 9) and deadline.official


def test_a_make_up_saturday_is_a_working_day():
    assert calendar.add_working_days(date(2026, 10, 9), 1).due == date(2026, 10, 10)  # Saturday, 调休上班
    assert not calendar.is_working_day(date(2026, 10, 11)) and not calendar.is_working_day(date(2026, 10, 1))


def test_twenty_working_days_to_publish_across_spring_festival():
    # Spring Festival 2026: 16–23 February off; Saturdays 14 and 28 February are make-up workdays.
    # After Tuesday 10 February: 11, 12, 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat) February, then
    # 2–6, 9–13 and 16 March: the 20th working day is Monday 16 March.
    deadline = calendar.add_working_days(date(2026, 2, 10), 20)
    assert deadline.official and calendar.working_days_between(date(2026, 2, 10), deadline.due) == 20
    assert deadline.due == date(2026, 3, 16)


def test_a_year_without_an_official_calendar_counts_monday_to_friday_and_says_so():
    far = date(2099, 12, 1)  # a Tuesday
    assert not calendar.official_calendar_known(2099)
    deadline = calendar.add_working_days(far, 5)
    assert deadline.due == date(2099, 12, 8) and deadline.assumed_years == (2099,) and not deadline.official
    crossing = calendar.add_working_days(date(2026, 12, 28), 10)
    assert 2027 in crossing.assumed_years or calendar.official_calendar_known(2027)


@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2099, 6, 1)), st.integers(0, 40))
@settings(max_examples=300, deadline=None)
def test_a_deadline_is_a_working_day_that_many_working_days_later(start, days):
    deadline = calendar.add_working_days(start, days)
    assert calendar.working_days_between(start, deadline.due) == days
    if days:
        assert calendar.is_working_day(deadline.due) and deadline.due > start
        assert calendar.add_working_days(start, days - 1).due < deadline.due
    else:
        assert deadline.due == start


def test_the_clock_can_be_set_for_deadlines():
    with clock.frozen_at(date(2026, 9, 24)):
        assert clock.today() == date(2026, 9, 24)
        assert calendar.add_working_days(clock.today(), 5).due == date(2026, 10, 9)
    assert abs((clock.today() - date.today()).days) <= 1  # the clock runs again after the block
