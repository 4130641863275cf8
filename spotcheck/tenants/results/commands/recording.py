"""Recording a result (录入) and submitting it (组长提交), as commands; a result entered offline is
imported (导入) recorded and submitted at once. Who acts and when come from the actor and the clock,
never from the input."""
from __future__ import annotations

from spotcheck.core import audit
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.results.checks import clean_result, missing_for_submission
from spotcheck.tenants.results.commands._visits import locked_visit
from spotcheck.tenants.results.models import ItemResult, ResultCategory, Visit
from spotcheck.tenants.results.policy import VISIT_ACTIONS
from spotcheck.tenants.results.vocabulary import CHECK_DATES, VisitStatus


@command(Permission.RESULTS_ENTER)
def record_result(visit_id: int, data: dict, *, actor) -> Visit:
    """A team member records (part of) the result: check date, method, record, and per item its
    categories and findings. Saved as a draft; nothing is chosen for anyone."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "record")
    clean = _checked(visit, data)
    _apply(visit, clean, actor)
    visit.status = VisitStatus.drafting if visit.status == VisitStatus.assigned else visit.status
    db.session.flush()
    audit.record("result.recorded", "visit", visit.id, actor=actor,
                 details={"entity": visit.entity.code, "items": sorted(clean["items"])})
    return visit


@command(Permission.CAMPAIGNS_EDIT)
def import_result(visit_id: int, data: dict, *, actor) -> Visit:
    """A result entered offline and imported (Excel): recorded and submitted at once in the
    importer's name, complete or refused — and never approved: a leader who did not import it
    reviews it like any other."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "import")
    _apply(visit, _checked(visit, data), actor)
    db.session.flush()
    if errors := missing_for_submission(visit):
        raise ValidationFailed(errors)
    visit.source = "imported"
    _submitted(visit, actor)
    audit.record("result.imported", "visit", visit.id, actor=actor, details={"entity": visit.entity.code})
    return visit


@command(Permission.RESULTS_ENTER)
def submit_result(visit_id: int, data=None, *, actor) -> Visit:
    """The 组长 submits the complete result for review."""
    visit = locked_visit(visit_id)
    VISIT_ACTIONS.require(visit, actor, "submit")
    if errors := missing_for_submission(visit):
        raise ValidationFailed(errors)
    _submitted(visit, actor)
    audit.record("result.submitted", "visit", visit.id, actor=actor, details={"entity": visit.entity.code})
    return visit


def _submitted(visit: Visit, actor) -> None:
    visit.status, visit.submitted_at = VisitStatus.submitted, now()
    visit.first_submitted_at = visit.first_submitted_at or visit.submitted_at
    visit.submitted_by_id, visit.submitted_by_name = actor.id, actor.display_name


def _checked(visit: Visit, data: dict) -> dict:
    clean, errors = clean_result(visit, data)
    if errors:
        raise ValidationFailed(errors)
    return clean


def _result_for(visit: Visit, item_id: int) -> ItemResult:
    for result in visit.results:
        if result.item_id == item_id:
            return result
    result = ItemResult(item_id=item_id, findings="")
    visit.results.append(result)
    return result


def _apply(visit: Visit, clean: dict, actor) -> None:
    """Write a checked result onto the visit (a draft): its due dates given from the end of the check."""
    for name in CHECK_DATES:
        if name in clean:
            setattr(visit, name, clean[name])
    deadlines.give(visit, visit.checked_until)
    for name in ("method", "record"):
        if name in clean:
            setattr(visit, name, clean[name])
    for item_id, value in clean["items"].items():
        result = _result_for(visit, item_id)
        result.findings = value["findings"]
        kept = {row.code: row for row in result.categories}
        result.categories = [kept.get(code) or ResultCategory(code=code) for code in value["categories"]]
    visit.entered_by = sorted(set(visit.entered_by or []) | {actor.id})
    if visit.campaign.status == CampaignStatus.notified:
        visit.campaign.status = CampaignStatus.in_progress
