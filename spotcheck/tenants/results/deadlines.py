"""The deadlines of a visit (时限), in working days on the official calendar (core calendar).

The report is due 5 working days after the check (seed 002: 检查结束后5个工作日内); publication
is due 20 working days after the result is approved (企业信息公示暂行条例: 20 个工作日). Each due
date is counted and stored when its event happens (the check date recorded, the approval), so
a later change of the calendar or of these numbers does not move a date already given.
"""
from __future__ import annotations

from datetime import date

from spotcheck.core.calendar import Deadline, add_working_days, working_days_between
from spotcheck.core.clock import today

#: 检查结果 due this many working days after the check.
REPORT_DAYS = 5
#: 公示 due this many working days after approval.
PUBLISH_DAYS = 20
#: A deadline this many working days away or fewer is "due soon".
DUE_SOON_DAYS = 2


def report_due(checked_on: date) -> Deadline:
    return add_working_days(checked_on, REPORT_DAYS)


def publish_due(approved_on: date) -> Deadline:
    return add_working_days(approved_on, PUBLISH_DAYS)


def flag(due: date | None, on: date | None = None) -> str | None:
    """``overdue`` once ``due`` has passed, ``due_soon`` within :data:`DUE_SOON_DAYS` working days
    of it, else ``None`` (also for no due date)."""
    if due is None:
        return None
    on = on or today()
    if on > due:
        return "overdue"
    return "due_soon" if working_days_between(on, due) <= DUE_SOON_DAYS else None
