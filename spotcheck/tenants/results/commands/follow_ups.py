"""Follow-up (后续处置) of a problem found, as commands, and finishing a visit (办结).

Each follow-up is a state with its own trail: opened (责令改正 with its deadline, 立案 with the
case number, 移送 to another department, 移送公安 with the record), then closed by its own step —
the re-check (复查), the case's conclusion (结案), the receiving department's acknowledgement
(签收), the police's acceptance (受理). A visit with an open follow-up cannot be closed, nor one whose
result found a problem until a follow-up is recorded or a leader records, with the reason, that
none is needed (无需后续处置). A transfer carries a copy of what the receiver may read.
"""

from __future__ import annotations

from datetime import date
from typing import cast

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core import audit, bulk, events
from spotcheck.core.actor import Actor
from spotcheck.core.calendar import add_working_days
from spotcheck.core.clock import now, today
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.core.text import whole_number
from spotcheck.tenants.accounts.models import tenant_of
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import categories, rectification_answers
from spotcheck.tenants.results.commands._visits import locked_visit
from spotcheck.tenants.results.models import FollowUp, RectificationAnswer, Visit
from spotcheck.tenants.results.policy import FOLLOW_UP_ACTIONS, VISIT_ACTIONS
from spotcheck.tenants.results.queries.follow_ups import get_follow_up, receivers
from spotcheck.tenants.results.vocabulary import (
    CASE_NUMBER_LENGTH,
    DETAILS_LENGTH,
    MAX_DEADLINE_DAYS,
    NOTE_LENGTH,
    ORGAN_LENGTH,
    FollowUpKind,
)


def _day(data: dict, field: str, errors: dict, *, required: bool) -> date | None:
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors[field] = [_l("Give the date.")]
        return None
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [_l("Give the date as YYYY-MM-DD.")]
        return None


def _text(
    data: dict, field: str, errors: dict, *, limit: int, required: bool, message: LazyString | None = None
) -> str:
    value = str(data.get(field) or "").strip()
    if required and len(value) < 2:
        errors[field] = [message or _l("Fill in this field (at least 2 characters).")]
    elif len(value) > limit:
        errors[field] = [_l("At most %(n)d characters.", n=limit)]
    return value


def _transferred(visit: Visit, details: str) -> dict:
    """What the receiving department may read of a transfer: a copy, not a reference."""
    found = categories.problem_codes()
    problems = [
        {
            "item": result.item.name,
            "categories": [categories.published_name(code) for code in result.category_codes],
            "findings": result.findings,
        }
        for result in visit.results
        if set(result.category_codes) & found
    ]
    return {
        "from_department": visit.campaign.tenant.full_name,
        "from_code": visit.campaign.tenant.code,
        "campaign_code": visit.campaign.code,
        "campaign_title": visit.campaign.title,
        "entity_name": visit.entity.name,
        "entity_code": visit.entity.code,
        "entity_address": visit.entity.address,
        "checked_on": visit.checked_on.isoformat() if visit.checked_on else "",
        "details": details,
        "problems": problems,
    }


def _rectification_deadline(follow_up: FollowUp, data: dict, errors: dict) -> None:
    """改正期限: a date, or so many working days from today (限N个工作日内改正), counted on the official
    calendar — provisional while a year it runs into has no official calendar."""
    raw_days = data.get("deadline_days")
    if raw_days not in (None, ""):
        days = whole_number(raw_days, digits=3) or 0
        if not 1 <= days <= MAX_DEADLINE_DAYS:
            errors["deadline_days"] = [_l("Give the working days to correct it in: 1 to %(n)d.", n=MAX_DEADLINE_DAYS)]
            return
        counted = add_working_days(today(), days)
        follow_up.deadline, follow_up.deadline_days, follow_up.deadline_provisional = (
            counted.due,
            days,
            counted.provisional,
        )
        return
    deadline = _day(data, "deadline", errors, required=True)
    if deadline is not None and deadline < today():
        errors["deadline"] = [_l("The deadline cannot be in the past.")]
    follow_up.deadline = deadline


@command(Permission.RESULTS_FOLLOW_UP)
def open_follow_up(visit_id: int, data: dict, *, actor: Actor) -> FollowUp:
    """Open a follow-up of a problem the visit found: ``kind`` and what that kind needs —
    rectification: ``details`` (what to correct) and ``deadline`` (a date) or ``deadline_days``
    (working days from today); case: ``case_number`` and
    ``details`` (案由); transfer: ``receiver_tenant_id`` and ``details`` (what is transferred);
    police: ``police_organ`` and ``details`` (the record)."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "follow_up")
    errors: dict[str, list] = {}
    try:
        kind = FollowUpKind(data.get("kind") or "")  # none, or not a kind: ValueError
    except ValueError:
        raise InvalidInputError({"kind": [_l("Choose the kind of follow-up.")]}) from None
    details = _text(data, "details", errors, limit=DETAILS_LENGTH, required=True)
    follow_up = FollowUp(
        visit_id=visit.id,
        kind=kind,
        details=details,
        opened_on=today(),
        opened_at=now(),
        opened_by_name=actor.display_name,
    )
    if kind == FollowUpKind.rectification:
        _rectification_deadline(follow_up, data, errors)
    elif kind == FollowUpKind.case:
        number = _text(
            data,
            "case_number",
            errors,
            limit=CASE_NUMBER_LENGTH,
            required=True,
            message=_l("Give the case number (立案号)."),
        )
        if (
            number
            and "case_number" not in errors
            and db.session.scalar(
                sa.select(FollowUp.id).where(FollowUp.tenant_id == visit.tenant_id, FollowUp.case_number == number)
            )
        ):
            errors["case_number"] = [_l("This case number is already used.")]
        follow_up.case_number = number
    elif kind == FollowUpKind.transfer:
        receiver_id = data.get("receiver_tenant_id")
        receiver_id = whole_number(receiver_id, digits=10) if is_row_id(whole_number(receiver_id, digits=10)) else None
        if receiver_id not in {tenant.id for tenant in receivers(visit.tenant_id)}:
            errors["receiver_tenant_id"] = [_l("Choose the department the matter is transferred to.")]
        follow_up.receiver_tenant_id = receiver_id
    else:
        follow_up.police_organ = _text(
            data,
            "police_organ",
            errors,
            limit=ORGAN_LENGTH,
            required=True,
            message=_l("Name the public security organ."),
        )
    if errors:
        raise InvalidInputError(errors)
    if kind == FollowUpKind.transfer:
        follow_up.transferred = _transferred(visit, details)
    db.session.add(follow_up)
    db.session.flush()
    audit.record(
        "follow_up.opened",
        "visit",
        visit.id,
        actor=actor,
        details={
            "follow_up": follow_up.id,
            "kind": kind.value,
            "entity": visit.entity.code,
            **({"to": follow_up.receiver_tenant_id} if follow_up.receiver_tenant_id else {}),
            **({"case_number": follow_up.case_number} if follow_up.case_number else {}),
        },
    )
    if kind == FollowUpKind.transfer:
        events.emit("follow_up.transferred", actor=actor, follow_up=follow_up)
    return follow_up


@command(Permission.RESULTS_FOLLOW_UP)
def close_follow_up(follow_up_id: int, data: dict, *, actor: Actor) -> FollowUp:
    """Close a follow-up by its own step: a rectification by its re-check (``closed_on`` the
    re-check date, ``outcome`` rectified / not_rectified); a case by its conclusion; a transfer
    to the police by their acceptance (``outcome_note`` the receipt). A transfer to another
    department is closed by that department's acknowledgement, not here."""
    follow_up = get_follow_up(follow_up_id, for_update=True)
    FOLLOW_UP_ACTIONS.require(follow_up, actor, "close")
    errors: dict[str, list] = {}
    closed_on = _day(data, "closed_on", errors, required=True)
    if closed_on is not None and closed_on > today():
        errors["closed_on"] = [_l("The date cannot be in the future.")]
    elif closed_on is not None and closed_on < follow_up.opened_on:
        errors["closed_on"] = [
            _l("The date cannot be before the follow-up was opened (%(day)s).", day=follow_up.opened_on.isoformat())
        ]
    note = _text(data, "outcome_note", errors, limit=NOTE_LENGTH, required=follow_up.kind != FollowUpKind.rectification)
    if follow_up.kind == FollowUpKind.rectification:
        outcome = data.get("outcome") or ""
        if outcome not in reference.RECHECK_OUTCOMES:
            errors["outcome"] = [_l("Say whether the problem was corrected.")]
    else:
        outcome = "concluded" if follow_up.kind == FollowUpKind.case else "accepted"
    if errors:
        raise InvalidInputError(errors)
    _close(follow_up, cast(date, closed_on), outcome, note, actor)  # checked above
    audit.record(
        "follow_up.closed",
        "visit",
        follow_up.visit_id,
        actor=actor,
        details={"follow_up": follow_up.id, "kind": follow_up.kind.value, "outcome": outcome},
    )
    return follow_up


@command(Permission.RESULTS_FOLLOW_UP)
def review_rectification_answer(follow_up_id: int, data: dict, *, actor: Actor) -> FollowUp:
    """审核整改答复: the department reviews the business's answer waiting on a rectification order — ``decision``
    ``accept`` closes the order as corrected (已改正) today, with the note (optional); ``return`` sends it back with the
    reason (``note``, required), and the business answers again."""
    follow_up = get_follow_up(follow_up_id, for_update=True)
    FOLLOW_UP_ACTIONS.require(follow_up, actor, "review_answer")
    answer = cast(RectificationAnswer, follow_up.pending_answer)  # the policy asked for one
    errors: dict[str, list] = {}
    decision = data.get("decision")
    if decision not in ("accept", "return"):
        errors["decision"] = [_l("Choose: accept the answer, or return it.")]
    note = _text(
        data,
        "note",
        errors,
        limit=NOTE_LENGTH,
        required=decision == "return",
        message=_l("Say why the answer is returned (at least 2 characters): the business reads it."),
    )
    if errors:
        raise InvalidInputError(errors)
    accepted = decision == "accept"
    rectification_answers.review(answer, accepted=accepted, note=note, by_name=actor.display_name)
    if accepted:
        _close(follow_up, today(), "rectified", note, actor)
    audit.record(
        "rectification.answer_accepted" if accepted else "rectification.answer_returned",
        "visit",
        follow_up.visit_id,
        actor=actor,
        details={"follow_up": follow_up.id, "answer": answer.id, **({"reason": note} if not accepted else {})},
    )
    return follow_up


def _close(follow_up: FollowUp, closed_on: date, outcome: str, note: str, actor: Actor) -> None:
    follow_up.closed_on, follow_up.closed_at, follow_up.closed_by_name = closed_on, now(), actor.display_name
    follow_up.outcome, follow_up.outcome_note = outcome, note


@command(Permission.TRANSFERS_RECEIVE)
def acknowledge_transfer(follow_up_id: int, data: dict | None = None, *, actor: Actor) -> FollowUp:
    """签收: the receiving department acknowledges a transfer (``data["note"]``, optional); the sender's
    follow-up is then closed."""
    follow_up = get_follow_up(follow_up_id, for_update=True)
    FOLLOW_UP_ACTIONS.require(follow_up, actor, "acknowledge")
    errors: dict[str, list] = {}
    note = _text(data if isinstance(data, dict) else {}, "note", errors, limit=NOTE_LENGTH, required=False)
    if errors:
        raise InvalidInputError(errors)
    _close(follow_up, today(), "acknowledged", note, actor)
    follow_up.closed_by_name = f"{tenant_of(actor).name} {actor.display_name}"
    audit.record(
        "transfer.acknowledged",
        "follow_up",
        follow_up.id,
        actor=actor,
        details={"from": follow_up.tenant_id, "entity": (follow_up.transferred or {}).get("entity_code")},
    )
    return follow_up


@command(Permission.TRANSFERS_RECEIVE)
def acknowledge_transfers(follow_up_ids: list[int], data: dict | None = None, *, actor: Actor) -> list[FollowUp]:
    """签收 of several transfers at once, each exactly as :func:`acknowledge_transfer` would, with one
    note (``data["note"]``, optional). All or nothing, each refused transfer named."""
    ids = bulk.require_selection(follow_up_ids)
    note = {"note": (data or {}).get("note", "")} if isinstance(data, dict) else {}
    return bulk.each(
        ids, lambda follow_up_id: acknowledge_transfer(follow_up_id, note, actor=actor), name=_transfer_named
    )


def _transfer_named(follow_up_id: int) -> str:
    transferred = getattr(db.session.get(FollowUp, follow_up_id), "transferred", None) or {}
    if not transferred:
        return str(_l("Transfer %(id)s", id=follow_up_id))
    return f"{transferred.get('entity_name', '')}（{transferred.get('from_department', '')}）"


@command(Permission.RESULTS_REVIEW)
def decide_no_follow_up(visit_id: int, data: object, *, actor: Actor) -> Visit:
    """无需后续处置: a leader decides that the problem a visit found needs no follow-up, with the
    reason (``data["reason"]``, e.g. corrected on the spot and confirmed); kept in the department's
    record (the visit's page, the API, the audit trail), not published. The visit can then be closed."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "decide_no_follow_up")
    errors: dict[str, list] = {}
    reason = _text(
        data if isinstance(data, dict) else {},
        "reason",
        errors,
        limit=NOTE_LENGTH,
        required=True,
        message=_l("Say why no follow-up is needed (at least 2 characters)."),
    )
    if errors:
        raise InvalidInputError(errors)
    visit.no_follow_up_reason, visit.no_follow_up_by_name, visit.no_follow_up_at = reason, actor.display_name, now()
    audit.record(
        "visit.no_follow_up_decided",
        "visit",
        visit.id,
        actor=actor,
        details={"entity": visit.entity.code, "reason": reason},
    )
    return visit


@command(Permission.RESULTS_PUBLISH)
def close_visit(visit_id: int, data: object = None, *, actor: Actor) -> Visit:
    """办结: a published visit with no open follow-up is finished; one whose result found a problem
    only once a follow-up is recorded or a leader decided that none is needed."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "close")
    visit.closed_at = now()
    audit.record("visit.closed", "visit", visit.id, actor=actor, details={"entity": visit.entity.code})
    return visit
