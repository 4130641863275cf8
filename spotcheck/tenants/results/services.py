"""Visits and their results as commands: hand the visits to the teams (检查任务下达), record a
result (录入), submit it (组长提交), review it (审核: approve or return), publish it (公示) and
correct a published one (更正). Who acts and when always come from the actor and the clock,
never from the input.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import joint_scope
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, CampaignTarget, TargetStatus, TeamMember
from spotcheck.tenants.exports import outbox
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.results import attachments, categories, deadlines, teams
from spotcheck.tenants.results.check_dates import CHECK_DATES, clean_check_dates
from spotcheck.tenants.results.models import (
    ItemResult, PublishedEntity, PublishedResult, ResultCategory, Visit, VisitStatus,
)
from spotcheck.tenants.results.rules import VISIT_ACTIONS, team_query
from spotcheck.tenants.results.vocabulary import FINDINGS_LENGTH, REASON_LENGTH, RECORD_LENGTH


def get_visit(visit_id: int, *, for_update: bool = False) -> Visit:
    """The department's visit (``for_update``: locked and read afresh)."""
    return get_row(Visit, visit_id, _l("No such visit."), for_update=for_update)


# --- handing the visits to the teams ----------------------------------------------------------


@command(Permission.CAMPAIGNS_EDIT)
def hand_out(campaign: Campaign, *, actor) -> list[Visit]:
    """检查任务下达: a visit for every selected target, each with its team and 组长; the campaign is
    then ``notified`` and its teams may record results."""
    CAMPAIGN_ACTIONS.require(campaign, actor, "hand_out")
    targets = db.session.scalars(sa.select(CampaignTarget).where(
        CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
        .order_by(CampaignTarget.stratum, CampaignTarget.rank)).all()
    visits = []
    for target in targets:
        visit = Visit(campaign_id=campaign.id, entity_id=target.entity_id)
        db.session.add(visit)
        visits.append(visit)
    campaign.status = CampaignStatus.notified
    db.session.flush()
    audit.record("campaign.handed_out", "campaign", campaign.id, actor=actor, details={"visits": len(visits)})
    events.emit("campaign.handed_out", actor=actor, campaign=campaign)
    return visits


@command(Permission.CAMPAIGNS_EDIT)
def close_campaign(campaign: Campaign, *, actor) -> Campaign:
    """办结: a campaign whose every result is published and no follow-up open is closed, and its visits with it."""
    CAMPAIGN_ACTIONS.require(campaign, actor, "close")
    campaign.status = CampaignStatus.closed
    db.session.execute(sa.update(Visit).where(Visit.campaign_id == campaign.id, Visit.closed_at.is_(None))
                       .values(closed_at=now()))
    audit.record("campaign.closed", "campaign", campaign.id, actor=actor)
    events.emit("campaign.closed", actor=actor, campaign=campaign)
    return campaign


# --- recording and submitting -----------------------------------------------------------------


def clean_result(visit: Visit, data: dict) -> tuple[dict, dict]:
    """The recorded result, checked field by field: (clean values, errors by field)."""
    errors: dict[str, list] = {}
    clean: dict = clean_check_dates(visit, data, errors)
    if visit.first_submitted_at is not None and any(
            name in clean and clean[name] != getattr(visit, name) for name in CHECK_DATES):
        for name in CHECK_DATES:
            errors.setdefault(name, []).append(_l(
                "The check dates were submitted with the result: only a leader corrects them, giving the reason "
                "(a recorded check date cannot move a deadline)."))
    if "method" in data:
        method = data["method"] or ""
        if method and method not in reference.CHECK_METHODS:
            errors["method"] = [_l("Choose a check method from the list.")]
        else:
            clean["method"] = method
    if "record" in data:
        record = str(data["record"] or "")
        if len(record) > RECORD_LENGTH:
            errors["record"] = [_l("At most %(n)d characters.", n=RECORD_LENGTH)]
        clean["record"] = record
    items = {item.id: item for item in visit.campaign.items}
    offered = categories.offered()
    clean["items"] = {}
    for key, value in (data.get("items") or {}).items():
        item_id = int(key) if str(key).isdigit() and is_row_id(int(key)) else None
        if item_id not in items:
            errors[f"items.{key}"] = [_l("This item is not checked in this campaign.")]
            continue
        value = value or {}
        codes = list(dict.fromkeys(value.get("categories") or []))
        unknown = [c for c in codes if c not in offered]
        if unknown:
            errors[f"items.{key}.categories"] = [_l("Unknown result category: %(codes)s.", codes=", ".join(map(str, unknown)))]
        elif "no_problem" in codes and len(codes) > 1:
            errors[f"items.{key}.categories"] = [_l("“No problem found” cannot be combined with another category.")]
        findings = str(value.get("findings") or "")
        if len(findings) > FINDINGS_LENGTH:
            errors[f"items.{key}.findings"] = [_l("At most %(n)d characters.", n=FINDINGS_LENGTH)]
        clean["items"][item_id] = {"categories": codes, "findings": findings}
    return clean, errors


def _result_for(visit: Visit, item_id: int) -> ItemResult:
    for result in visit.results:
        if result.item_id == item_id:
            return result
    result = ItemResult(item_id=item_id, findings="")
    visit.results.append(result)
    return result


@command(Permission.RESULTS_ENTER)
def record_result(visit: Visit, data: dict, *, actor) -> Visit:
    """A team member records (part of) the result: check date, method, record, and per item its
    categories and findings. Saved as a draft; nothing is chosen for anyone."""
    VISIT_ACTIONS.require(visit, actor, "record")
    clean = _checked(visit, data)
    _apply(visit, clean, actor)
    visit.status = VisitStatus.drafting if visit.status == VisitStatus.assigned else visit.status
    db.session.flush()
    audit.record("result.recorded", "visit", visit.id, actor=actor,
                 details={"entity": visit.entity.code, "items": sorted(clean["items"])})
    return visit


@command(Permission.CAMPAIGNS_EDIT)
def import_result(visit: Visit, data: dict, *, actor) -> Visit:
    """A result entered offline and imported (Excel): recorded and submitted at once in the
    importer's name, complete or refused — and never approved: a leader who did not import it
    reviews it like any other."""
    VISIT_ACTIONS.require(visit, actor, "import")
    _apply(visit, _checked(visit, data), actor)
    db.session.flush()
    if errors := missing_for_submission(visit):
        raise ValidationFailed(errors)
    visit.source = "imported"
    visit.status, visit.submitted_at = VisitStatus.submitted, now()
    visit.first_submitted_at = visit.first_submitted_at or visit.submitted_at
    visit.submitted_by_id, visit.submitted_by_name = actor.id, actor.display_name
    audit.record("result.imported", "visit", visit.id, actor=actor, details={"entity": visit.entity.code})
    return visit


def _checked(visit: Visit, data: dict) -> dict:
    clean, errors = clean_result(visit, data)
    if errors:
        raise ValidationFailed(errors)
    return clean


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


def missing_for_submission(visit: Visit) -> dict[str, list]:
    """What must be filled before the result can be submitted, by field (empty: complete)."""
    errors: dict[str, list] = {}
    if visit.checked_on is None:
        errors["checked_on"] = [_l("Give the check date.")]
    elif visit.checked_until is None:
        errors["checked_until"] = [_l("Give the date the check ended.")]
    if not visit.method:
        errors["method"] = [_l("Choose the check method.")]
    if not (visit.record or "").strip() and not attachments.any_for(visit):
        errors["record"] = [_l("Following “检查报告应当包括检查时间、检查内容、现场检查笔录”, a result is submitted only with "
                               "its inspection record (检查记录/现场笔录): write it, or attach it as a file.")]
    results = {result.item_id: result for result in visit.results}
    problems = categories.problem_codes()
    for item in visit.campaign.items:
        result = results.get(item.id)
        if result is None or not result.categories:
            errors[f"items.{item.id}.categories"] = [_l("Choose at least one result category for %(item)s.",
                                                        item=item.name)]
        elif set(result.category_codes) & problems and not result.findings.strip():
            errors[f"items.{item.id}.findings"] = [_l("Say what was found for %(item)s.", item=item.name)]
    return errors


@command(Permission.RESULTS_ENTER)
def submit_result(visit: Visit, *, actor) -> Visit:
    """The 组长 submits the complete result for review."""
    VISIT_ACTIONS.require(visit, actor, "submit")
    if errors := missing_for_submission(visit):
        raise ValidationFailed(errors)
    visit.status, visit.submitted_at = VisitStatus.submitted, now()
    visit.first_submitted_at = visit.first_submitted_at or visit.submitted_at
    visit.submitted_by_id, visit.submitted_by_name = actor.id, actor.display_name
    audit.record("result.submitted", "visit", visit.id, actor=actor, details={"entity": visit.entity.code})
    return visit


# --- review ----------------------------------------------------------------------------------


@command(Permission.RESULTS_REVIEW)
def approve_result(visit: Visit, *, actor) -> Visit:
    """A leader approves (审核通过); publication stays due 20 working days after the check ended."""
    VISIT_ACTIONS.require(visit, actor, "approve")
    visit.status, visit.approved_at = VisitStatus.approved, now()
    visit.approved_by_id, visit.approved_by_name = actor.id, actor.display_name
    visit.returned_reason = ""
    _advance(visit.campaign)
    audit.record("result.approved", "visit", visit.id, actor=actor,
                 details={"entity": visit.entity.code,
                          "publish_due": visit.publish_due.isoformat() if visit.publish_due else None})
    return visit


@command(Permission.RESULTS_REVIEW)
def return_result(visit: Visit, reason: str, *, actor) -> Visit:
    """A leader returns the result to the team with the reasons (退回)."""
    VISIT_ACTIONS.require(visit, actor, "return")
    reason = (reason or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        raise ValidationFailed({"reason": [_l("Say why the result is returned (2 to %(n)d characters).",
                                              n=REASON_LENGTH)]})
    visit.status, visit.returned_reason, visit.returned_by_name = VisitStatus.returned, reason, actor.display_name
    visit.submitted_at, visit.submitted_by_id, visit.submitted_by_name = None, None, ""
    audit.record("result.returned", "visit", visit.id, actor=actor,
                 details={"entity": visit.entity.code, "reason": reason})
    return visit


# --- publication and correction -------------------------------------------------------------


@command(Permission.RESULTS_PUBLISH)
def publish_results(visit_ids: list[int], *, actor) -> list[Visit]:
    """Publish approved results (公示), one or many at once: each becomes a version in the public
    register; a correction's new version replaces the old one there, marked as corrected."""
    ids = sorted({int(v) for v in visit_ids or [] if isinstance(v, int) or str(v).isdigit()})
    if not ids:
        raise ValidationFailed({"visit_ids": [_l("Choose at least one result to publish.")]})
    visits = [get_visit(visit_id, for_update=True) for visit_id in ids]
    for visit in visits:
        VISIT_ACTIONS.require(visit, actor, "publish")
    moment = now()
    for visit in visits:
        db.session.execute(sa.update(PublishedResult).where(PublishedResult.visit_id == visit.id)
                           .values(current=False))
        visit.version += 1
        published = PublishedResult(
            tenant_id=visit.tenant_id, visit_id=visit.id, campaign_id=visit.campaign_id, entity_id=visit.entity_id,
            version=visit.version, current=True, corrected=visit.version > 1,
            correction_reason=visit.correction_reason if visit.version > 1 else "", checked_on=visit.checked_on,
            checked_until=visit.checked_until,
            published_at=moment, content=public_content(visit))
        db.session.add(published)
        outbox.enqueue(visit, published)  # exported to the credit system exactly once (same transaction)
        _count_in_register(visit, moment)
        visit.status, visit.published_at, visit.published_by_name = VisitStatus.published, moment, actor.display_name
        visit.entered_by = []
        _advance(visit.campaign)
        audit.record("result.published", "visit", visit.id, actor=actor,
                     details={"entity": visit.entity.code, "version": visit.version})
    return visits


def _count_in_register(visit: Visit, moment) -> None:
    """The entity's line of the register: one more current result for a first publication (a
    correction replaces its version), published last at ``moment``."""
    line = db.session.get(PublishedEntity, visit.entity_id, with_for_update=True)
    if line is None:
        line = PublishedEntity(entity_id=visit.entity_id, results=0)
        db.session.add(line)
    line.results += 1 if visit.version == 1 else 0
    line.last_published_at = moment


@command(Permission.RESULTS_PUBLISH)
def start_correction(visit: Visit, reason: str, *, actor) -> Visit:
    """更正: a published result is reopened for a new version, with the reason; the public keeps
    the published version until the corrected one is approved and published."""
    VISIT_ACTIONS.require(visit, actor, "correct")
    reason = (reason or "").strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        raise ValidationFailed({"reason": [_l("Say why the result is corrected (2 to %(n)d characters).",
                                              n=REASON_LENGTH)]})
    visit.status, visit.correction_reason, visit.closed_at = VisitStatus.drafting, reason, None
    if visit.campaign.status == CampaignStatus.closed:
        visit.campaign.status = CampaignStatus.published  # to be closed again once the correction is published
    visit.submitted_at = visit.submitted_by_id = visit.approved_at = visit.approved_by_id = None
    visit.submitted_by_name = visit.approved_by_name = ""
    audit.record("result.correction_started", "visit", visit.id, actor=actor,
                 details={"entity": visit.entity.code, "reason": reason})
    return visit


def public_content(visit: Visit) -> dict:
    """What the public register keeps of a result: no draft, no personal data (inspectors by name
    and certificate number only; experts 专家 by name and organisation, marked ``expert``)."""
    team = db.session.scalars(team_query(visit)).all()
    return {
        **_joint_of(visit),
        "department": visit.campaign.tenant.name,
        "department_code": visit.campaign.tenant.code,
        "campaign_code": visit.campaign.code,
        "campaign_title": visit.campaign.title,
        "method": reference.CHECK_METHODS.get(visit.method, visit.method),
        "items": [{"name": result.item.name,
                   "categories": [categories.published_name(code) for code in result.category_codes],
                   "findings": result.findings} for result in visit.results],
        "team": [{"name": member.inspector.name, "cert_no": member.inspector.cert_no, "leader": member.is_leader}
                 for member in team]
        + [teams.public_expert(expert) for expert in teams.experts_of_visit(visit)],  # 专家, in addition
    }


def _joint_of(visit: Visit) -> dict:
    """A department's part of a joint campaign (联合抽查): the joint campaign the public reads the
    result under (its id, code and title), read through the participant's joint scope."""
    joint_id = visit.campaign.joint_id
    if joint_id is None:
        return {}
    with joint_scope(visit.tenant_id, joint_id):
        code, title = db.session.execute(sa.select(Campaign.code, Campaign.title).where(Campaign.id == joint_id)).one()
    return {"joint_id": joint_id, "joint_code": code, "joint_title": title}


def _advance(campaign: Campaign) -> None:
    """Move the campaign on once all its visits are approved (results in) or published."""
    statuses = set(db.session.scalars(sa.select(Visit.status).where(Visit.campaign_id == campaign.id)))
    if statuses and statuses <= {VisitStatus.published}:
        campaign.status = CampaignStatus.published
    elif statuses and statuses <= {VisitStatus.approved, VisitStatus.published}:
        campaign.status = CampaignStatus.results_in


# --- the inspector's link to a user account ------------------------------------------------


@command(Permission.USERS_MANAGE)
def link_inspector(inspector: Inspector, user_id: int | None, *, actor) -> Inspector:
    """Link an inspector entry to the person's user account (one person, one link), or unlink it
    with ``None``. The account must be an inspector of the same department."""
    if user_id is None:
        inspector.user_id = None
        audit.record("inspector.unlinked", "inspector", inspector.id, actor=actor, details={"cert": inspector.cert_no})
        return inspector
    user = db.session.scalar(sa.select(User).where(User.id == user_id)) if is_row_id(user_id) else None
    if user is None or user.tenant_id != inspector.tenant_id:
        raise ValidationFailed({"user_id": [_l("No such user in this department.")]})
    if not user.has_role("inspector"):
        raise ValidationFailed({"user_id": [_l("Only a user with the inspector role can be linked.")]})
    taken = db.session.scalar(sa.select(Inspector).where(Inspector.user_id == user.id, Inspector.id != inspector.id))
    if taken is not None:
        raise ValidationFailed({"user_id": [_l("This user is already linked to %(name)s (%(cert)s).",
                                               name=taken.name, cert=taken.cert_no)]})
    inspector.user_id = user.id
    audit.record("inspector.linked", "inspector", inspector.id, actor=actor,
                 details={"cert": inspector.cert_no, "login": user.login})
    return inspector


def linked_user(inspector: Inspector) -> User | None:
    return db.session.get(User, inspector.user_id) if inspector.user_id else None


def linkable_users(inspector: Inspector) -> list[User]:
    """The department's active inspectors' accounts not linked to another entry."""
    taken = sa.select(Inspector.user_id).where(Inspector.user_id.is_not(None), Inspector.id != inspector.id)
    users = db.session.scalars(sa.select(User).where(User.active.is_(True), User.id.not_in(taken))
                               .order_by(User.login)).all()
    return [user for user in users if user.has_role("inspector")]


def team_of(visit: Visit) -> list[TeamMember]:
    return list(db.session.scalars(team_query(visit)))
