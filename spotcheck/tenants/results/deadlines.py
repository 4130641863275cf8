"""The deadlines of a visit (时限), in working days on the official calendar (core calendar).

Both run from the end of the check, by the rules in force for the department on that day
(:func:`spotcheck.tenants.rules.rulebook.rules_for`): the report is due the rules' ``report_days``
after it (a department's 细则 may set it; where no document does, there is no report deadline and
the campaign's window bounds the report), publication ``publish_days`` after it (企业信息公示暂行条例:
自产生之日起20个工作日内, a rulebook or 细则 may only shorten it — the result is formed when the check
ends, so the leader's review counts inside). A due date is given when the end of the check is first
recorded and never becomes later: a check date recorded afterwards (the team's, while drafting; a
leader's correction once submitted) can only bring it forward (:func:`give`), and rules that take
effect later leave it where it was. A due date counted through a year without an official calendar
is provisional (暂按周一至周五计算) and is counted again when that year is entered (:func:`recount`).
A report first submitted after its due date is marked late (逾期提交, :func:`report_lateness`), for good.

How late is counted here alone (:func:`working_days_late`, :func:`overdue`): the working days of the official
calendar after the due date up to the day in question — today, for a result still not published
(逾期N个工作日, :func:`publication_overdue`), or the day it was first published, which a result published late
keeps (逾期N个工作日公示, :func:`published_late`; a correction's later version does not move it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.calendar import (
    PROVISIONAL_NOTE,
    Deadline,
    add_working_days,
    official_calendar_known,
    working_days_between,
)
from spotcheck.core.clock import local, today
from spotcheck.core.database import db
from spotcheck.core.scoping import current_tenant_id, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.results import rectification_answers
from spotcheck.tenants.results.models import FollowUp, Visit
from spotcheck.tenants.results.vocabulary import OPEN_STATUSES
from spotcheck.tenants.rules.rulebook import Rules, rules_for, rules_for_region

#: A visit's two due dates, and the parameter of the rules that counts each.
DUE_FIELDS = {"report_due": "report_days", "publish_due": "publish_days"}


def days_for(rules: Rules, field: str) -> int | None:
    """How many working days after the check ``field`` falls under ``rules`` (None: no such deadline)."""
    return rules.values[DUE_FIELDS[field]]


def counted(tenant_id: int | None, check_ended: date, field: str) -> Deadline | None:
    """The due date ``field`` of a check of department ``tenant_id`` that ended on ``check_ended``, by the
    rules in force that day (None: the rules set no such deadline)."""
    days = days_for(
        (rules_for(tenant_id, check_ended) if tenant_id is not None else rules_for_region(None, check_ended)), field
    )
    return None if days is None else add_working_days(check_ended, days)


def report_due(check_ended: date, tenant_id: int | None = None) -> Deadline | None:
    return counted(tenant_id if tenant_id is not None else current_tenant_id(), check_ended, "report_due")


def publish_due(check_ended: date, tenant_id: int | None = None) -> Deadline | None:
    return counted(tenant_id if tenant_id is not None else current_tenant_id(), check_ended, "publish_due")


def rule_of(visit: Visit, field: str) -> str:
    """Where the visit's due date ``field`` comes from, in words: 检查结束后5个工作日（《……》四（三））."""
    if visit.checked_until is None:
        return ""
    return _after_check(rules_for(visit.tenant_id, visit.checked_until), field)


def _after_check(rules: Rules, field: str, doing: str = "") -> str:
    """检查结束后5个工作日[内报送检查结果]（《……》四（三））: the due date ``field`` under ``rules`` in words,
    with the document that sets it; empty where the rules set none."""
    days, citation = days_for(rules, field), rules.cite(DUE_FIELDS[field])
    if days is None:
        return ""
    return f"检查结束后{days}个工作日" + (f"内{doing}" if doing else "") + (f"（{citation}）" if citation else "")


#: What each due date is for, in the words of the form's hint.
DUE_WORDS = {"report_due": "报送检查结果", "publish_due": "公示"}


def due_rules_words(tenant_id: int, day: date, window_end: date | None = None) -> str:
    """The due dates a check ending on ``day`` is given, in words with their documents
    (检查结束后5个工作日内报送检查结果（《……》四（三））；检查结束后20个工作日内公示（《企业信息公示暂行条例》……)),
    and a deadline the rules leave open said to be open — never another place's number; a report with no
    deadline of its own is bounded by the campaign's last day (``window_end``), as its due date is."""
    rules = rules_for(tenant_id, day)
    parts = []
    for field, words in DUE_WORDS.items():
        if said := _after_check(rules, field, words):
            parts.append(said)
        elif field == "report_due" and window_end is not None:
            parts.append(
                f"{words}的期限现行规则未规定，不晚于检查期最后一天（{window_end.year}年{window_end.month}月"
                f"{window_end.day}日）"
            )
        else:
            parts.append(f"{words}的期限，现行规则未规定")
    return "；".join(parts)


def report_by(visit: Visit) -> date | None:
    """The day the result is to be reported by while it is not (报送期限): its report's due date, else — the rules
    setting none — the campaign's last day; ``None`` once it is submitted and no due date was given."""
    if visit.report_due is not None:
        return visit.report_due
    return visit.campaign.window_end if visit.status in OPEN_STATUSES else None


def in_order(visit: Visit) -> list[tuple[str, date]]:
    """The visit's due dates (:data:`DUE_FIELDS`: the report's as :func:`report_by` gives it), earliest first (the
    report's first on the same day), each with its field, as a page lists them."""
    given = {"report_due": report_by(visit), "publish_due": visit.publish_due}
    order = list(DUE_FIELDS)
    return sorted(
        ((field, day) for field, day in given.items() if day is not None),
        key=lambda pair: (pair[1], order.index(pair[0])),
    )


def report_after_publication(visit: Visit) -> bool:
    """报送期限晚于公示期限: the result, not yet submitted, may be reported (:func:`report_by`) after its publication is
    due — a team reporting on its last day leaves it published late: a risk for the leader."""
    report = report_by(visit)
    return (
        visit.status in OPEN_STATUSES
        and report is not None
        and visit.publish_due is not None
        and report > visit.publish_due
    )


def give(visit: Visit, check_ended: date | None) -> dict[str, tuple]:
    """Count the visit's due dates from the end of its check: set when none was given yet, else only
    brought forward — no check date ever makes a due date later than the one first given. Returns
    what changed: ``{field: (before, after)}``."""
    changed: dict[str, tuple] = {}
    if check_ended is None:
        return changed
    for field in DUE_FIELDS:
        found = counted(visit.tenant_id, check_ended, field)
        if found is None:
            continue  # the rules set no such deadline
        given = getattr(visit, field)
        if given is None or found.due < given:
            setattr(visit, field, found.due)
            setattr(visit, f"{field}_provisional", found.provisional)
            changed[field] = (given, found.due)
        elif found.due == given and getattr(visit, f"{field}_provisional") and not found.provisional:
            setattr(visit, f"{field}_provisional", False)  # the same day, now on the official calendar
    return changed


def provisional(visit: Visit, field: str) -> bool:
    """Whether the visit's due date ``field`` (report_due / publish_due) is provisional."""
    return bool(getattr(visit, field) and getattr(visit, f"{field}_provisional"))


def note(is_provisional: bool) -> str:
    """What a due date says after it: ``（暂按周一至周五计算）`` when provisional, else nothing."""
    return f"（{PROVISIONAL_NOTE}）" if is_provisional else ""


@events.subscribe("calendar.loaded")
def recount(*, actor: Actor, year: int) -> int:
    """A year of the official calendar was entered: every provisional due date of every department
    is counted again — a visit's from its check, a rectification's from its order (it may move either
    way: it was only assumed) — each department's changes one entry in its audit trail. The due dates
    that were not provisional never move."""
    moved = 0
    for tenant_id in db.session.scalars(sa.select(Tenant.id).order_by(Tenant.id)).all():
        with tenant_scope(tenant_id):
            changes = []
            for visit in db.session.scalars(
                sa.select(Visit)
                .where(
                    Visit.checked_until.is_not(None),
                    sa.or_(Visit.report_due_provisional.is_(True), Visit.publish_due_provisional.is_(True)),
                )
                .order_by(Visit.id)
            ):
                for field in DUE_FIELDS:
                    if not provisional(visit, field):
                        continue
                    found = counted(tenant_id, cast(date, visit.checked_until), field)  # due: checked
                    if found is None:
                        continue
                    before = getattr(visit, field)
                    setattr(visit, field, found.due)
                    setattr(visit, f"{field}_provisional", found.provisional)
                    changes.append(
                        {
                            "visit": visit.id,
                            "field": field,
                            "before": before.isoformat(),
                            "after": found.due.isoformat(),
                            "provisional": found.provisional,
                        }
                    )
            for follow_up in db.session.scalars(
                sa.select(FollowUp)
                .where(
                    FollowUp.deadline_provisional.is_(True),
                    FollowUp.deadline_days.is_not(None),
                    FollowUp.closed_at.is_(None),
                )
                .order_by(FollowUp.id)
            ):
                again = add_working_days(follow_up.opened_on, cast(int, follow_up.deadline_days))  # selected: has them
                changes.append(
                    {
                        "follow_up": follow_up.id,
                        "field": "deadline",
                        "before": cast(date, follow_up.deadline).isoformat(),
                        "after": again.due.isoformat(),
                        "provisional": again.provisional,
                    }
                )
                follow_up.deadline, follow_up.deadline_provisional = again.due, again.provisional
                rectification_answers.deadline_moved(follow_up)
            if changes:
                db.session.flush()
                audit.record(
                    "deadlines.recounted",
                    "calendar_year",
                    year,
                    actor=actor,
                    details={"year": year, "changes": changes},
                )
                moved += len(changes)
    return moved


def flag(
    due: date | None, on: date | None = None, *, tenant_id: int | None = None, soon: int | None = None
) -> str | None:
    """``overdue`` once ``due`` has passed, ``due_soon`` within ``soon`` working days of it (by default the
    rules' ``due_soon_days``: the department's, ``tenant_id`` or the current one), else ``None`` (also for
    no due date)."""
    if due is None:
        return None
    on = on or today()
    if on > due:
        return "overdue"
    if soon is None:
        soon = rules_for(tenant_id if tenant_id is not None else current_tenant_id(), on).due_soon_days
    return "due_soon" if working_days_between(on, due) <= soon else None


def due_soon_until(on: date | None = None, *, tenant_id: int | None = None) -> date:
    """The last due date :func:`flag` calls ``due_soon`` on ``on`` (today): the day before the working day
    that is the rules' ``due_soon_days`` + 1st after it — for a list to count those due soon in SQL."""
    on = on or today()
    soon = rules_for(tenant_id if tenant_id is not None else current_tenant_id(), on).due_soon_days
    return add_working_days(on, soon + 1).due - timedelta(days=1)


def working_days_late(due: date, day: date) -> int | None:
    """How many working days ``day`` is past ``due`` on the official calendar (None: not past it). A rest
    day after the due day is one working day late: it reaches the next one."""
    if day <= due:
        return None
    return max(working_days_between(due, day), 1)


@dataclass(frozen=True)
class Overdue:
    """A due date passed (逾期): ``days`` working days past it — by today while the work is still to do, or
    by the day it was done (``published``: a result published late, which keeps it) — and whether a year
    counted through has no official calendar yet (``provisional``: its 调休 assumed away)."""

    days: int
    provisional: bool = False
    published: bool = False

    @property
    def words(self) -> str:
        """逾期3个工作日 (or 逾期3个工作日公示, published so), as every page and list says it."""
        said = (
            _l("Published %(n)d working day(s) late", n=self.days)
            if self.published
            else _l("%(n)d working day(s) overdue", n=self.days)
        )
        if self.provisional:
            return str(_l("%(late)s (provisional)", late=said))
        return str(said)


def overdue(due: date | None, on: date | None = None, *, published: bool = False) -> Overdue | None:
    """How far past ``due`` the day ``on`` (today) is, in working days (None: no due date, or not past it)."""
    if due is None:
        return None
    on = on or today()
    days = working_days_late(due, on)
    if days is None:
        return None
    assumed = any(not official_calendar_known(year) for year in range(due.year, on.year + 1))
    return Overdue(days, assumed, published)


def publication_overdue(visit: Visit, on: date | None = None) -> Overdue | None:
    """逾期未公示: how many working days the visit's result is past its publication due date today (or
    ``on``) and still not published, whatever step it waits at (None: not due yet, published, or no due date)."""
    if visit.published_at is not None:
        return None
    return overdue(visit.publish_due, on)


def published_late(visit: Visit) -> Overdue | None:
    """逾期公示: how many working days after its publication due date the result was first published, by the
    Beijing day of that first publication (None: not published, published in time, or no due date). A
    correction published later does not change it."""
    if visit.first_published_at is None:
        return None
    return overdue(visit.publish_due, local(visit.first_published_at).date(), published=True)


@dataclass(frozen=True)
class Late:
    """A report made after its due date (逾期提交): ``days`` past it — working days past the rules' report
    deadline (``working``), else calendar days past the campaign's last day, which bounds the report
    where no rule sets a deadline."""

    days: int
    working: bool
    due: date

    @property
    def words(self) -> str:
        """逾期提交（超过报送期限3个工作日）, as the pages and the drill-down say it."""
        if self.working:
            return str(_l("Submitted late: %(n)d working day(s) after the report was due", n=self.days))
        return str(_l("Submitted late: %(n)d day(s) after the campaign's last day", n=self.days))


def lateness(submitted_at: datetime | None, report_due: date | None, window_end: date | None) -> Late | None:
    """How late a report first submitted at ``submitted_at`` was (``None``: on time, or not submitted):
    by the Beijing day it was made against its report deadline, or the campaign's last day where the
    rules set none — the due date :func:`spotcheck.tenants.results.queries.listing.due_of` shows. Made on
    a rest day after its due day, it is one working day late (it reaches the next one)."""
    due = report_due or window_end
    if submitted_at is None or due is None:
        return None
    made_on = local(submitted_at).date()
    if made_on <= due:
        return None
    if report_due is not None:
        return Late(cast(int, working_days_late(due, made_on)), True, due)  # made after it: a number
    return Late((made_on - due).days, False, due)


def report_lateness(visit: Visit) -> Late | None:
    """Whether (and how late) the visit's report was first submitted after its due date (逾期提交): a
    return and a new submission, or a correction, never clear it."""
    return lateness(visit.first_submitted_at, visit.report_due, visit.campaign.window_end)
