"""Recording a result (录入) and submitting it (组长提交), as commands; a result entered offline is
imported (导入): by the visit's 组长, recorded and submitted at once; by anyone else (a clerk), recorded
on the team's behalf (代为录入) as a draft that its 组长 confirms by submitting it (谁检查、谁录入). Who
acts and when come from the actor and the clock, never from the input."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, bulk, statistics
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import transitions
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.results import deadlines, disclosure, visit_transitions
from spotcheck.tenants.results.checks import clean_result, methods_without_reason, missing_for_submission
from spotcheck.tenants.results.commands._visits import locked_visit, locked_visits, one_of
from spotcheck.tenants.results.inputs import CHECK_DATES, TEXTS
from spotcheck.tenants.results.models import ItemResult, ResultCategory, Visit
from spotcheck.tenants.results.policy import VISIT_ACTIONS, awaits_confirmation
from spotcheck.tenants.results.present_teams import leads_team, teams_read_together
from spotcheck.tenants.results.vocabulary import VisitStatus

#: The most visits one workbook imports at once (a campaign's whole part, with room to spare).
IMPORTED_AT_ONCE = 20_000


@command(Permission.RESULTS_ENTER)
def record_result(visit_id: int, data: dict, *, actor: Actor) -> Visit:
    """A team member records (part of) the result: check date, method, record, and per item its
    categories and findings. Saved as a draft; nothing is chosen for anyone."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "record")
    clean = _checked(visit, data)
    _apply(visit, clean, actor, by="results.record_result")
    if visit.status == VisitStatus.assigned:
        visit_transitions.move(visit, VisitStatus.drafting)
    db.session.flush()
    audit.record(
        "result.recorded",
        "visit",
        visit.id,
        actor=actor,
        details={"entity": visit.entity.code, "items": sorted(clean["items"]), **_method_change(visit)},
    )
    return visit


@command(Permission.CAMPAIGNS_EDIT)
def import_result(visit_id: int, data: dict, *, actor: Actor) -> Visit:
    """A result entered offline and imported (Excel), complete or refused, and never approved: a
    leader who did not import it reviews it like any other. A result is the team's (谁检查、谁录入):
    imported by the visit's 组长 it is submitted at once; by anyone else it is recorded on the team's
    behalf (代为录入, the importer named) as a draft, submitted only when the 组长 confirms it
    (:func:`submit_result`)."""
    visit = locked_visit(visit_id)
    _, details = _imported(visit, data, actor, "results.import_result")
    audit.record("result.imported", "visit", visit.id, actor=actor, details=details)
    return visit


@command(Permission.CAMPAIGNS_EDIT)
def import_results(
    visit_ids: list[int], data: object, *, actor: Actor, progress: Callable[[float], None] | None = None
) -> list[Visit]:
    """The results of a workbook (检查结果导入), each recorded (and, by its 组长, submitted) as
    :func:`import_result` does it, all or nothing, in one step: the visits locked in one query and
    their teams read at once, so that thousands take seconds (on SQLite, the one writer is held that
    long only).
    ``data["results"]``: visit id → its result. The first refusal undoes everything and names its
    visit (``refusal.visit_id``: the import reports it at its row). ``progress``: told the fraction done."""
    ids = bulk.require_selection(visit_ids, most=IMPORTED_AT_ONCE)
    given = data.get("results") if isinstance(data, dict) else None
    if not isinstance(given, dict):
        raise InvalidInputError({"results": [_l("Give the result of each visit.")]})
    visits = locked_visits(ids)
    entries = []
    with teams_read_together(list(visits.values())):  # an import changes no team, and the visits are locked
        for done, visit_id in enumerate(ids, start=1):
            try:
                entries.append(
                    _imported(one_of(visits, visit_id), given.get(visit_id), actor, "results.import_results")
                )
            except bulk.REFUSALS as refusal:
                refusal.visit_id = visit_id
                raise
            if progress is not None and done % 100 == 0:
                progress(done / len(ids))
    audit.record_many("result.imported", "visit", entries, actor=actor)
    statistics.refresh_after_commit("visit", "item_result", "result_category", rows=len(entries))
    return [visits[visit_id] for visit_id in ids]


def _imported(visit: Visit, data: object, actor: Actor, by: str) -> tuple[int, dict]:
    """One imported result written, checked as the form checks it and complete as a submission must
    be; submitted when the importer leads the visit's team, else a draft recorded on the team's behalf
    for its 组长 to confirm (``by``: the importing command). Its audit entry."""
    VISIT_ACTIONS.require(visit, actor, "import")
    if not isinstance(data, dict):
        raise InvalidInputError({"results": [_l("Give the result of each visit.")]})
    _apply(visit, _checked(visit, data), actor, by)
    if errors := missing_for_submission(visit):
        raise InvalidInputError(errors)
    visit.source = "imported"
    submitted = leads_team(visit, actor)
    if submitted:
        _submitted(visit, actor)
    else:
        visit_transitions.move(visit, VisitStatus.drafting)
        visit.recorded_for_team_by_id, visit.recorded_for_team_by_name = actor.id, actor.display_name
        visit.recorded_for_team_at = now()
    return visit.id, {"entity": visit.entity.code, "submitted": submitted, **_method_change(visit)}


@command(Permission.RESULTS_ENTER)
def submit_result(visit_id: int, data: object = None, *, actor: Actor) -> Visit:
    """The 组长 submits the complete result for review — which confirms a result a clerk imported on
    the team's behalf (代为录入): until then it is a draft, in no review list."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "submit")
    if errors := missing_for_submission(visit):
        raise InvalidInputError(errors)
    confirmed = {"recorded_for_team_by": visit.recorded_for_team_by_name} if awaits_confirmation(visit) else {}
    _submitted(visit, actor)
    audit.record(
        "result.submitted",
        "visit",
        visit.id,
        actor=actor,
        details={"entity": visit.entity.code, **confirmed, **_method_change(visit)},
    )
    return visit


def _method_change(visit: Visit) -> dict:
    """A method the campaign (and its plan) did not set, and the reason given (方式变更理由), for the audit entry."""
    if visit.method and visit.method not in methods_without_reason(visit):
        return {"method": visit.method, "method_change_reason": visit.method_change_reason}
    return {}


def _submitted(visit: Visit, actor: Actor) -> None:
    visit_transitions.move(visit, VisitStatus.submitted)
    visit.submitted_at = now()
    visit.first_submitted_at = visit.first_submitted_at or visit.submitted_at
    visit.submitted_by_id, visit.submitted_by_name = actor.id, actor.display_name
    disclosure.disclose_when_done(visit, actor=actor)


def _checked(visit: Visit, data: dict) -> dict:
    clean, errors = clean_result(visit, data)
    if errors:
        raise InvalidInputError(errors)
    return clean


def _result_for(visit: Visit, item_id: int) -> ItemResult:
    for result in visit.results:
        if result.item_id == item_id:
            return result
    result = ItemResult(item_id=item_id, findings="")
    visit.results.append(result)
    return result


def _apply(visit: Visit, clean: dict, actor: Actor, by: str) -> None:
    """Write a checked result onto the visit (a draft): its due dates given from the end of the check; the
    first result of a campaign's visits moves it on (进行中), by the recording command ``by``."""
    for name in CHECK_DATES:
        if name in clean:
            setattr(visit, name, clean[name])
    deadlines.give(visit, visit.checked_until)
    for name in ("method", *TEXTS):
        if name in clean:
            setattr(visit, name, clean[name])
    for item_id, value in clean["items"].items():
        result = _result_for(visit, item_id)
        result.findings = value["findings"]
        kept = {row.code: row for row in result.categories}
        result.categories = [kept.get(code) or ResultCategory(code=code) for code in value["categories"]]
    visit.entered_by = sorted(set(visit.entered_by or []) | {cast(int, actor.id)})  # a person records
    if visit.campaign.status == CampaignStatus.notified:
        transitions.move(visit.campaign, CampaignStatus.in_progress, actor=actor, by=by)
