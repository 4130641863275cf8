"""补录入企离企: where the code could not be scanned at the door (an outage, an emergency), the 组长
records the times of 入企 and 离企 afterwards, with the reason, within the rules' days after the check
ended (:func:`~spotcheck.tenants.results.codes.late_entry_until`); after them only a leader corrects
the register, with the reason. Every late record is audited, and the code's page marks it 补录."""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import SHANGHAI, as_utc, now, today
from spotcheck.core.commands import command
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.tenants.results import disclosure
from spotcheck.tenants.results.codes import CODE_ACTIONS, late_entry_until
from spotcheck.tenants.results.commands._visits import locked_visit
from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.results.vocabulary import REASON_LENGTH

#: A time of day in a date-time (``T09:30`` or `` 09:30``).
TIME_OF_DAY = re.compile(r"[T ]\d{1,2}:\d{2}")


def _moment(raw: object, name: str, errors: dict) -> datetime | None:
    """A time as a page's ``datetime-local`` sends it (Beijing time), as UTC; a day without its time is refused
    (it would be taken as midnight)."""
    text = str(raw or "").strip()
    if TIME_OF_DAY.search(text) is None:
        errors[name] = [_l("Give the date and the time (for example 2026-04-01 09:30), not the date alone.")]
        return None
    try:
        moment = datetime.fromisoformat(text)
        moment = moment.replace(tzinfo=SHANGHAI) if moment.tzinfo is None else moment
        moment = as_utc(moment)  # stored in UTC (SQLite keeps no time zone); a year at the calendar's edge fails here
    except (ValueError, OverflowError):
        errors[name] = [_l("Give the date and time (for example 2026-04-01 09:30).")]
        return None
    return moment


@command(Permission.SIGNED_IN)  # the 组长's RESULTS_ENTER or a leader's RESULTS_REVIEW: CODE_ACTIONS says which
def record_late_entry(visit_id: int, data: object, *, actor: Actor) -> InspectionCode:
    """补录: the times the team arrived and left (``data["arrived_at"]``, ``data["left_at"]``, Beijing
    time) and why they were not recorded at the door (``data["reason"]``). The 组长 within the rules'
    days after the check ended; after them a leader (更正)."""
    visit = locked_visit(visit_id)
    late = visit.code is not None and today() > late_entry_until(visit)
    # after the days, a leader corrects; a 组长 is told that the time has passed
    CODE_ACTIONS.require(
        visit, actor, "correct_entry" if late and has_permission(actor, Permission.RESULTS_REVIEW) else "record_late"
    )
    data = data if isinstance(data, dict) else {}
    errors: dict[str, list] = {}
    at_the_door = visit.code.arrived_at if visit.code is not None and not late else None  # recorded: kept
    arrived = as_utc(at_the_door) if at_the_door is not None else _moment(data.get("arrived_at"), "arrived_at", errors)
    left = _moment(data.get("left_at"), "left_at", errors)
    reason = str(data.get("reason") or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        errors["reason"] = [
            _l("Say why the arrival was not recorded at the door (2 to %(n)d characters).", n=REASON_LENGTH)
        ]
    if arrived and left and not arrived < left <= now():
        errors["left_at"] = [
            _l("The departure comes after the arrival (not at the same minute), and neither after now.")
        ]
    if arrived and arrived.astimezone(SHANGHAI).date() < visit.campaign.window_start:
        errors["arrived_at"] = [
            _l(
                "The arrival is within the campaign's window, from %(day)s.",
                day=visit.campaign.window_start.isoformat(),
            )
        ]
    if errors:
        raise InvalidInputError(errors)
    code = visit.code
    assert code is not None and arrived is not None and left is not None  # the action and the checks above
    if at_the_door is None:  # the arrival is written now (补录 or 更正), whatever time it states
        code.arrival_recorded_at = now()
    code.arrived_at, code.left_at = arrived, left
    code.arrived_by_name = code.left_by_name = actor.display_name
    code.late_reason, code.late_by_name, code.late_at = reason, actor.display_name, now()
    audit.record(
        "visit.entry_recorded_late",
        "visit",
        visit.id,
        actor=actor,
        details={"arrived": arrived.isoformat(), "left": left.isoformat(), "reason": reason, "after_the_window": late},
    )
    disclosure.disclose_when_done(visit, actor=actor)
    return code
