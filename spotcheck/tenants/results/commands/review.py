"""Review of a result (审核), as commands: a leader approves it or returns it with the reasons, and
corrects its check dates once submitted (检查日期更正), giving the reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, bulk, events, jobs, statistics
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.results import deadlines, visit_transitions
from spotcheck.tenants.results.check_dates import clean_check_dates
from spotcheck.tenants.results.commands._visits import advance, locked_visit, locked_visits, named, one_of
from spotcheck.tenants.results.inputs import CHECK_DATES
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import VISIT_ACTIONS, found_problem
from spotcheck.tenants.results.vocabulary import APPROVAL_JOB, APPROVAL_TASK, REASON_LENGTH, VisitStatus


@command(Permission.RESULTS_REVIEW)
def approve_result(visit_id: int, data: object = None, *, actor: Actor) -> Visit:
    """A leader approves (审核通过); publication stays due 20 working days after the check ended."""
    visit = locked_visit(visit_id)
    visit_id, details = _approve(visit, actor)
    audit.record("result.approved", "visit", visit_id, actor=actor, details=details)
    advance(visit.campaign, actor=actor, by="results.approve_result")
    return visit


@command(Permission.RESULTS_REVIEW)
def approve_results(visit_ids: list[int], data: object = None, *, actor: Actor) -> list[Visit]:
    """A leader approves a chosen set of results in one step (批量审核通过), each checked as
    :func:`approve_result` checks it; a result that found a problem is never approved unseen: it is
    approved on its own page. All or nothing, each refused result named."""
    ids = bulk.require_selection(visit_ids)
    visits = locked_visits(ids)

    def approve(visit_id: int) -> tuple[Visit, tuple[int, dict]]:
        visit = one_of(visits, visit_id)
        if found_problem(visit):
            raise ConflictError(_l("It found a problem: open it and approve it on its own page."))
        return visit, _approve(visit, actor)

    approved = bulk.each(ids, approve, name=named)
    audit.record_many("result.approved", "visit", [entry for _, entry in approved], actor=actor)
    statistics.refresh_after_commit("visit", rows=len(approved))
    for campaign in {visit.campaign for visit, _ in approved}:
        advance(campaign, actor=actor, by="results.approve_results")
    return [visit for visit, _ in approved]


def _approve(visit: Visit, actor: Actor) -> tuple[int, dict]:
    """The approval of one result (checked as the single command checks it); returns its audit entry."""
    VISIT_ACTIONS.require(visit, actor, "approve")
    visit_transitions.move(visit, VisitStatus.approved)
    visit.approved_at = now()
    visit.approved_by_id, visit.approved_by_name = actor.id, actor.display_name
    visit.returned_reason = ""
    return visit.id, {
        "entity": visit.entity.code,
        "publish_due": visit.publish_due.isoformat() if visit.publish_due else None,
    }


@command(Permission.RESULTS_REVIEW)
def return_result(visit_id: int, data: object, *, actor: Actor) -> Visit:
    """A leader returns the result to the team with the reasons (退回, ``data["reason"]``)."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "return")
    reason = str((data if isinstance(data, dict) else {}).get("reason") or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        raise InvalidInputError(
            {"reason": [_l("Say why the result is returned (2 to %(n)d characters).", n=REASON_LENGTH)]}
        )
    visit_transitions.move(visit, VisitStatus.returned)
    visit.returned_reason, visit.returned_by_name = reason, actor.display_name
    visit.submitted_at, visit.submitted_by_id, visit.submitted_by_name = None, None, ""
    audit.record(
        "result.returned", "visit", visit.id, actor=actor, details={"entity": visit.entity.code, "reason": reason}
    )
    events.emit("result.returned", actor=actor, visit=visit, reason=reason)  # the team is told, with the reason
    return visit


@command(Permission.RESULTS_REVIEW)
def correct_check_dates(visit_id: int, data: dict, *, actor: Actor) -> Visit:
    """检查日期更正: once a result has been submitted its check dates change only here, by a leader
    giving the reason; the due dates never become later than those first given."""
    visit = locked_visit(visit_id)
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
        raise InvalidInputError(errors)
    before = {
        name: getattr(visit, name).isoformat() for name in (*CHECK_DATES, *deadlines.DUE_FIELDS) if getattr(visit, name)
    }
    for name in CHECK_DATES:
        setattr(visit, name, clean[name])
    moved = deadlines.give(visit, visit.checked_until)
    visit.dates_correction_reason, visit.dates_corrected_by_name, visit.dates_corrected_at = (
        reason,
        actor.display_name,
        now(),
    )
    audit.record(
        "result.dates_corrected",
        "visit",
        visit.id,
        actor=actor,
        details={
            "entity": visit.entity.code,
            "reason": reason,
            "before": before,
            "checked_on": clean["checked_on"].isoformat(),
            "checked_until": clean["checked_until"].isoformat(),
            "due_moved": {k: [a.isoformat() if a else None, b.isoformat()] for k, (a, b) in moved.items()},
        },
    )
    return visit


@command(Permission.RESULTS_REVIEW)
def submit_approval(visit_ids: list[int], data: dict | None = None, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Ask for the approval of many results at once in the background; returns the job to watch. The
    job calls :func:`approve_results`, all or nothing, each row checked again under its lock."""
    return jobs.submit(APPROVAL_TASK, APPROVAL_JOB, actor, visit_ids=bulk.require_selection(visit_ids), locale=locale)
