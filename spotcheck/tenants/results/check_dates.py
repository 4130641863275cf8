"""The dates of a check (检查日期): its start and its end, inside the campaign's window and not in
the future. The deadlines run from the end (:mod:`~spotcheck.tenants.results.deadlines`). Once the
result has been submitted the dates are fixed: a leader corrects them, giving the reason
(:func:`correct_check_dates`), and no correction makes a due date later than the one first given.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.clock import now, today
from spotcheck.core.commands import command
from spotcheck.core.database import get_row
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.rules import VISIT_ACTIONS
from spotcheck.tenants.results.vocabulary import REASON_LENGTH


#: The two dates of a check: its start (检查开始日期) and end (检查结束日期; a one-day check ends when it starts).
CHECK_DATES = ("checked_on", "checked_until")


def clean_check_dates(visit: Visit, data: dict, errors: dict) -> dict:
    """The check's start and end from ``data`` (either may be missing: the stored one stands; a start
    without an end ends the check that day unless a later end is stored), each a valid date inside
    the campaign's window and not in the future, the end not before the start."""
    clean: dict = {}
    for name in CHECK_DATES:
        if name not in data:
            continue
        value = data[name]
        if value in (None, ""):
            clean[name] = None
            continue
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            errors[name] = [_l("Give the check date as YYYY-MM-DD.")]
            continue
        window = visit.campaign
        if day > today():
            errors[name] = [_l("The check date cannot be in the future.")]
        elif not window.window_start <= day <= window.window_end:
            errors[name] = [_l("The check date must be inside the campaign's window (%(start)s to %(end)s).",
                               start=window.window_start.isoformat(), end=window.window_end.isoformat())]
        else:
            clean[name] = day
    if errors or not clean:
        return clean
    start = clean.get("checked_on", visit.checked_on)
    if "checked_on" in clean and "checked_until" not in data:
        kept = visit.checked_until
        clean["checked_until"] = kept if kept and start and kept >= start else start
    end = clean.get("checked_until", visit.checked_until)
    if start and end and end < start:
        errors["checked_until"] = [_l("The check cannot end before it starts (%(start)s).", start=start.isoformat())]
    elif end and not start:
        errors["checked_on"] = [_l("Give the date the check started.")]
    return clean


@command(Permission.RESULTS_REVIEW)
def correct_check_dates(visit_id: int, data: dict, *, actor) -> Visit:
    """检查日期更正: once a result has been submitted its check dates change only here, by a leader
    giving the reason; the due dates never become later than those first given."""
    visit = get_row(Visit, visit_id, _l("No such visit."), for_update=True)
    VISIT_ACTIONS.require(visit, actor, "correct_dates")
    errors: dict = {}
    reason = str(data.get("reason") or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        errors["reason"] = [_l("Say why the check dates are corrected (2 to %(n)d characters).", n=REASON_LENGTH)]
    wanted = {name: data.get(name) for name in CHECK_DATES if name in data}
    for name in CHECK_DATES:
        if not wanted.get(name):
            errors.setdefault(name, []).append(_l("Give the check date as YYYY-MM-DD."))
    clean = clean_check_dates(visit, wanted, errors)
    if errors:
        raise ValidationFailed(errors)
    before = {name: getattr(visit, name).isoformat() for name in (*CHECK_DATES, *deadlines.DUE_FIELDS)
              if getattr(visit, name)}
    for name in CHECK_DATES:
        setattr(visit, name, clean[name])
    moved = deadlines.give(visit, visit.checked_until)
    visit.dates_correction_reason, visit.dates_corrected_by_name, visit.dates_corrected_at = (
        reason, actor.display_name, now())
    audit.record("result.dates_corrected", "visit", visit.id, actor=actor,
                 details={"entity": visit.entity.code, "reason": reason, "before": before,
                          "checked_on": visit.checked_on.isoformat(), "checked_until": visit.checked_until.isoformat(),
                          "due_moved": {k: [a.isoformat() if a else None, b.isoformat()] for k, (a, b) in moved.items()}})
    return visit


def span(start: date | None, end: date | None) -> str:
    """The check's dates as a page shows them: ``2026-09-15`` for one day, else both (``—``: none)."""
    if start is None:
        return "—"
    if end is None or end == start:
        return start.isoformat()
    return str(_l("%(start)s to %(end)s", start=start.isoformat(), end=end.isoformat()))
