"""The deadlines of a visit (时限), in working days on the official calendar (core calendar).

Both run from the end of the check: the report is due 5 working days after it (seed 002: 检查结束后
5个工作日内), publication 20 working days after it (企业信息公示暂行条例 arts. 6–7: 自产生之日起20个
工作日内 — the result is formed when the check ends, so the leader's review counts inside the 20
days). A due date is given when the end of the check is first recorded and never becomes later: a
check date recorded afterwards (the team's, while drafting; a leader's correction once submitted) can
only bring it forward (:func:`give`). A due date counted through a year without an official calendar
is provisional (暂按周一至周五计算) and is counted again when that year is entered (:func:`recount`).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core import audit, events
from spotcheck.core.calendar import PROVISIONAL_NOTE, Deadline, add_working_days, working_days_between
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.results.models import FollowUp, Visit

#: 检查结果 due this many working days after the check ended.
REPORT_DAYS = 5
#: 公示 due this many working days after the check ended.
PUBLISH_DAYS = 20
#: A deadline this many working days away or fewer is "due soon".
DUE_SOON_DAYS = 2
#: A visit's two due dates: the field and how many working days after the check it falls.
DUE_FIELDS = {"report_due": REPORT_DAYS, "publish_due": PUBLISH_DAYS}


def report_due(check_ended: date) -> Deadline:
    return add_working_days(check_ended, REPORT_DAYS)


def publish_due(check_ended: date) -> Deadline:
    return add_working_days(check_ended, PUBLISH_DAYS)


def give(visit: Visit, check_ended: date | None) -> dict[str, tuple]:
    """Count the visit's due dates from the end of its check: set when none was given yet, else only
    brought forward — no check date ever makes a due date later than the one first given. Returns
    what changed: ``{field: (before, after)}``."""
    changed: dict[str, tuple] = {}
    if check_ended is None:
        return changed
    for field, days in DUE_FIELDS.items():
        counted = add_working_days(check_ended, days)
        given = getattr(visit, field)
        if given is None or counted.due < given:
            setattr(visit, field, counted.due)
            setattr(visit, f"{field}_provisional", counted.provisional)
            changed[field] = (given, counted.due)
        elif counted.due == given and getattr(visit, f"{field}_provisional") and not counted.provisional:
            setattr(visit, f"{field}_provisional", False)  # the same day, now on the official calendar
    return changed


def provisional(visit: Visit, field: str) -> bool:
    """Whether the visit's due date ``field`` (report_due / publish_due) is provisional."""
    return bool(getattr(visit, field) and getattr(visit, f"{field}_provisional"))


def note(is_provisional: bool) -> str:
    """What a due date says after it: ``（暂按周一至周五计算）`` when provisional, else nothing."""
    return f"（{PROVISIONAL_NOTE}）" if is_provisional else ""


@events.subscribe("calendar.loaded")
def recount(*, actor, year: int) -> int:
    """A year of the official calendar was entered: every provisional due date of every department
    is counted again — a visit's from its check, a rectification's from its order (it may move either
    way: it was only assumed) — each department's changes one entry in its audit trail. The due dates
    that were not provisional never move."""
    moved = 0
    for tenant_id in db.session.scalars(sa.select(Tenant.id).order_by(Tenant.id)).all():
        with tenant_scope(tenant_id):
            changes = []
            for visit in db.session.scalars(sa.select(Visit).where(
                    Visit.checked_until.is_not(None),
                    sa.or_(Visit.report_due_provisional.is_(True), Visit.publish_due_provisional.is_(True)))
                    .order_by(Visit.id)):
                for field, days in DUE_FIELDS.items():
                    if not provisional(visit, field):
                        continue
                    counted = add_working_days(visit.checked_until, days)
                    before = getattr(visit, field)
                    setattr(visit, field, counted.due)
                    setattr(visit, f"{field}_provisional", counted.provisional)
                    changes.append({"visit": visit.id, "field": field, "before": before.isoformat(),
                                    "after": counted.due.isoformat(), "provisional": counted.provisional})
            for follow_up in db.session.scalars(sa.select(FollowUp).where(
                    FollowUp.deadline_provisional.is_(True), FollowUp.deadline_days.is_not(None),
                    FollowUp.closed_at.is_(None)).order_by(FollowUp.id)):
                counted = add_working_days(follow_up.opened_on, follow_up.deadline_days)
                changes.append({"follow_up": follow_up.id, "field": "deadline", "before": follow_up.deadline.isoformat(),
                                "after": counted.due.isoformat(), "provisional": counted.provisional})
                follow_up.deadline, follow_up.deadline_provisional = counted.due, counted.provisional
            if changes:
                db.session.flush()
                audit.record("deadlines.recounted", "calendar_year", year, actor=actor,
                             details={"year": year, "changes": changes})
                moved += len(changes)
    return moved


def flag(due: date | None, on: date | None = None) -> str | None:
    """``overdue`` once ``due`` has passed, ``due_soon`` within :data:`DUE_SOON_DAYS` working days
    of it, else ``None`` (also for no due date)."""
    if due is None:
        return None
    on = on or today()
    if on > due:
        return "overdue"
    return "due_soon" if working_days_between(on, due) <= DUE_SOON_DAYS else None
