"""The dates of a check (检查日期): its start and its end, inside the campaign's window and not in
the future. The deadlines run from the end (:mod:`~spotcheck.tenants.results.deadlines`). Once the
result has been submitted the dates are fixed: a leader corrects them, giving the reason
(:func:`spotcheck.tenants.results.commands.review.correct_check_dates`), and no correction makes a due date
later than the one first given.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from spotcheck.core.clock import today
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.results.inputs import CHECK_DATES
from spotcheck.tenants.results.models import Visit


def _rule(visit: Visit) -> str:
    """The refusal's opening: the rule that the check's dates lie in its window and not in the future, as the
    campaign's rules cite it (``check_dates_in_window``; seed 002 四（三）: 检查报告应当包括检查时间)."""
    return rules_of(visit.campaign).under("check_dates_in_window")


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
            errors[name] = [
                _l(
                    "%(rule)sthe check date cannot be in the future (today is %(today)s).",
                    rule=_rule(visit),
                    today=today().isoformat(),
                )
            ]
        elif not window.window_start <= day <= window.window_end:
            errors[name] = [
                _l(
                    "%(rule)sthe check date must be inside the campaign's window (%(start)s to %(end)s).",
                    rule=_rule(visit),
                    start=window.window_start.isoformat(),
                    end=window.window_end.isoformat(),
                )
            ]
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
