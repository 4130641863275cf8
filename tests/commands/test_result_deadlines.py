"""Deadlines on the official calendar (法定节假日和调休): working days counted with its holidays and
make-up workdays, due-soon and overdue flags by working days, and a year without a calendar flagged."""

from __future__ import annotations

from datetime import date

import pytest

from spotcheck.core.calendar import add_working_days
from spotcheck.tenants.results import deadlines


@pytest.mark.parametrize(
    ("event", "days", "due"),
    [
        (date(2026, 9, 24), 5, date(2026, 10, 9)),  # Mid-Autumn (25–27 Sep) and National Day (1–7 Oct) off
        (date(2026, 9, 30), 5, date(2026, 10, 13)),  # Saturday 10 October is a make-up workday
        (date(2026, 2, 12), 5, date(2026, 2, 26)),  # Saturday 14 Feb worked, Spring Festival 15–23 Feb off
        (date(2026, 2, 13), 5, date(2026, 2, 27)),
        (date(2026, 9, 30), 20, date(2026, 11, 3)),
    ],
)
def test_deadlines_count_working_days_of_the_official_calendar(package_calendar, event, days, due):
    """A report due 5 working days after the check (乌审旗's rules), publication due 20 (企业信息公示暂行条例)."""
    counted = add_working_days(event, days)
    assert counted.due == due and counted.official


def test_due_soon_and_overdue_flags_follow_working_days(package_calendar):
    due, soon = date(2026, 10, 9), 2  # a Friday after the National Day week; the platform's default warning
    assert deadlines.flag(due, date(2026, 9, 29), soon=soon) is None  # 3 working days left: 30 Sep, 8 and 9 Oct
    assert deadlines.flag(due, date(2026, 9, 30), soon=soon) == "due_soon"  # nine days away, two working days
    assert deadlines.flag(due, date(2026, 10, 7), soon=soon) == "due_soon"
    assert deadlines.flag(due, date(2026, 10, 9), soon=soon) == "due_soon"
    assert deadlines.flag(due, date(2026, 10, 10), soon=soon) == "overdue"
    assert deadlines.flag(None) is None


def test_a_year_without_an_official_calendar_is_flagged_as_assumed(package_calendar):
    far = add_working_days(date(2099, 3, 2), 5)
    assert not far.official and far.assumed_years == (2099,) and far.due == date(2099, 3, 9)
