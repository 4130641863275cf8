"""Campaigns (抽查任务): drafting within a filed plan (or an exempt kind), approval by a leader.

The draws themselves are in :mod:`spotcheck.tenants.campaigns.ceremony`.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.core.clock import now
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.database import db, is_row_id
from spotcheck.tenants import numbering, reference, validators
from spotcheck.tenants.campaigns import fields, risk, schedule
from spotcheck.tenants.campaigns.lifecycle import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.plans.queries import filed_plans_for

#: Checks that need no annual plan (seed 001), each needing a stated reason.
EXEMPT_KINDS = {
    "food_drug": "食品药品安全",
    "production_safety": "安全生产",
    "public_safety": "公共安全",
    "environment": "环境保护",
    "accident": "发生事故",
    "failed_test": "依法检验检查不合格",
    "complaint": "投诉举报",
    "order": "上级临时部署",
}

#: Strata a campaign samples: the risk classes, and flagged entities when a rule is given for them.
RISK_STRATA = ("A", "B", "C", "D")
FLAGGED = "flagged"

FILTER_KEYS = ("categories", "industries", "regions", "entity_types", "flags")


def list_campaigns(year: int | None = None) -> list[Campaign]:
    """The department's campaigns, newest first: its own and its parts of joint campaigns (the joint
    campaigns it leads are listed with the joint campaigns)."""
    query = sa.select(Campaign).where(Campaign.joint.is_(False)).order_by(Campaign.id.desc())
    if year:
        query = query.where(Campaign.year == year)
    return list(db.session.scalars(query))


def get_campaign(campaign_id: int, *, for_update: bool = False) -> Campaign:
    """The campaign (``for_update``: locked, and read afresh)."""
    query = sa.select(Campaign).where(Campaign.id == campaign_id)
    if for_update:
        query = query.with_for_update(of=Campaign).execution_options(populate_existing=True)
    campaign = db.session.scalar(query)
    if campaign is None:
        raise NotFound(_l("No such campaign."))
    return campaign


def issue_code(tenant, year: int) -> str:
    """The public code (文号) ``<short name>抽〔<year>〕<n>号``: the department's next number of the
    year, issued in the approving command's transaction (:mod:`spotcheck.tenants.numbering`)."""
    prefix = tenant.short_name or tenant.code
    return f"{prefix}抽〔{year}〕{numbering.issue(tenant.id, 'campaign', year)}号"


def clean_rules(strata: dict) -> tuple[dict, list]:
    """Each stratum's rule: ``{"count": c}`` or ``{"ratio_bp": r, "min": m}`` (DRAW-SPEC)."""
    clean, problems = {}, []
    for stratum in (*RISK_STRATA, FLAGGED):
        rule = (strata or {}).get(stratum)
        if rule is None:
            if stratum != FLAGGED:
                problems.append(_l("Give a rule for risk class %(s)s (a count, or a ratio with a minimum).", s=stratum))
            continue
        try:
            if rule.get("count") not in (None, ""):
                count = int(rule["count"])
                if count < 0:
                    raise ValueError
                clean[stratum] = {"count": count}
            else:
                ratio, minimum = int(rule["ratio_bp"]), int(rule.get("min") or 0)
                if not 0 <= ratio <= 10000 or minimum < 0:
                    raise ValueError
                clean[stratum] = {"ratio_bp": ratio, "min": minimum}
        except (KeyError, TypeError, ValueError, AttributeError):
            problems.append(_l("The rule for %(s)s is a whole count, or a ratio of 0–10000 basis points with a minimum.",
                               s=stratum))
    return clean, problems


def clean_campaign(data: dict) -> tuple[dict, dict[str, list]]:
    clean, errors = {}, {}
    title = (data.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = [_l("Enter the campaign's title.")]
    clean["title"] = title
    try:
        clean["year"] = int(data.get("year"))
    except (TypeError, ValueError):
        errors["year"] = [_l("Enter the year, e.g. 2026.")]
    try:
        item_ids = {int(i) for i in data.get("item_ids") or []}
    except (TypeError, ValueError):
        item_ids = {0}
    known = {i for i in item_ids if is_row_id(i)}
    items = list(db.session.scalars(sa.select(Item).where(Item.id.in_(known)))) if known else []
    if not items or len(items) != len(item_ids) or any(i.status != ItemStatus.published for i in items):
        errors["item_ids"] = [_l("Choose one or more published items of your item list.")]
    clean["items"] = items
    exempt = data.get("exempt_kind") or None
    if exempt is not None and exempt not in EXEMPT_KINDS:
        errors["exempt_kind"] = [_l("Unknown exempt kind.")]
    clean["exempt_kind"] = exempt
    clean["exempt_reason"] = (data.get("exempt_reason") or "").strip()
    if exempt and not clean["exempt_reason"]:
        errors["exempt_reason"] = [_l("State why this check is made outside the annual plan.")]
    target_filter = {key: sorted({str(v).strip() for v in (data.get("target_filter") or {}).get(key) or [] if str(v).strip()})
                     for key in FILTER_KEYS}
    for code in target_filter["industries"]:
        try:
            validators.industry_code(code)
        except validators.Invalid as invalid:
            errors["target_filter"] = [invalid.message]
    clean["target_filter"] = target_filter
    clean["strata"], problems = clean_rules(data.get("strata") or {})
    if problems or (problems := risk.problems(clean["strata"])):
        errors["strata"] = problems
    for key, low, high in (("reserve_size", 0, 50), ("team_size", 2, 10)):
        try:
            clean[key] = int(data.get(key, 3 if key == "reserve_size" else 2))
            if not low <= clean[key] <= high:
                raise ValueError
        except (TypeError, ValueError):
            errors[key] = [_l("Enter a whole number from %(low)d to %(high)d.", low=low, high=high)]
    if clean.get("team_size", 2) < 2:
        errors["team_size"] = [_l("A team has at least 2 inspectors.")]
    capacity = data.get("capacity")
    try:
        clean["capacity"] = int(capacity) if capacity not in (None, "") else None
        if clean["capacity"] is not None and clean["capacity"] < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors["capacity"] = [_l("The capacity is the most visits per inspector: a whole number of 1 or more, or empty.")]
    for key in ("window_start", "window_end"):
        clean[key] = validators.parse_date(data.get(key), key, errors)
        if clean[key] is None and key not in errors:
            errors[key] = [_l("Enter a date as YYYY-MM-DD.")]
    if clean.get("window_start") and clean.get("window_end") and clean["window_end"] < clean["window_start"]:
        errors["window_end"] = [_l("The window ends before it starts.")]
    method = reference.code_for(reference.CHECK_METHODS, data.get("method") or "onsite")
    if method is None:
        errors["method"] = [_l("Unknown check method.")]
    clean["method"] = method
    return clean, errors


def _check_plan(clean: dict, errors: dict) -> None:
    """A campaign uses items of a filed plan of its year and follows it — its window in the months
    the plan sets for each item, its method among the plan's (:mod:`.schedule`) — unless it is of
    an exempt kind, with its stated reason (seed 001)."""
    clean["plan_id"] = None
    if errors.get("item_ids") or "year" not in clean:
        return
    plans = filed_plans_for(clean["year"], {item.id for item in clean["items"]})
    if not plans:
        if not clean["exempt_kind"]:
            errors["item_ids"] = [_l("These items are not all in a filed plan of %(year)d. Add them to the plan and "
                                     "have it filed, or choose an exempt kind and state the reason.",
                                     year=clean["year"])]
        return
    found = [(plan, schedule.differences(plan, clean["items"], clean.get("window_start"), clean.get("window_end"),
                                         clean.get("method"))) for plan in plans]
    following = next((plan for plan, differs in found if not differs), None)
    if following is not None:
        clean["plan_id"] = following.id
    elif not clean["exempt_kind"]:
        for key, messages in found[0][1].items():
            if key not in errors:
                errors[key] = messages


def _recheck(campaign: Campaign) -> dict:
    """At approval: the plan and the order of the rules again (they may have changed since the draft)."""
    errors: dict = {}
    clean = {"year": campaign.year, "items": list(campaign.items), "exempt_kind": campaign.exempt_kind,
             "window_start": campaign.window_start, "window_end": campaign.window_end, "method": campaign.method}
    _check_plan(clean, errors)
    if problems := risk.problems(campaign.strata or {}):
        errors["strata"] = problems
    return errors


@command(Permission.CAMPAIGNS_EDIT)
def create_campaign(data: dict, *, actor) -> Campaign:
    """Draft a campaign: its items must all be in a filed plan of its year, unless it is of an exempt
    kind. A draft has no code yet (未编号): the code is issued when a leader approves it."""
    clean, errors = clean_campaign(data)
    _check_plan(clean, errors)
    if errors:
        raise ValidationFailed(errors)
    items = clean.pop("items")
    campaign = Campaign(code=None, status=CampaignStatus.draft, **clean)
    campaign.items = items
    db.session.add(campaign)
    db.session.flush()
    audit.record("campaign.created", "campaign", campaign.id, actor=actor,
                 details={"title": campaign.title, "items": [i.code for i in items], "plan_id": campaign.plan_id,
                          "exempt_kind": campaign.exempt_kind})
    return campaign


@command(Permission.CAMPAIGNS_EDIT)
def update_campaign(campaign: Campaign, data: dict, *, actor) -> Campaign:
    """Change a draft campaign (an approved one is committed and cannot change)."""
    CAMPAIGN_ACTIONS.require(campaign, actor, "edit")
    clean, errors = clean_campaign({**fields.values_of(campaign), **data})
    _check_plan(clean, errors)
    if errors:
        raise ValidationFailed(errors)
    campaign.items = clean.pop("items")
    for key, value in clean.items():
        setattr(campaign, key, value)
    audit.record("campaign.changed", "campaign", campaign.id, actor=actor, details={"fields": sorted(data)})
    return campaign


@command(Permission.CAMPAIGNS_APPROVE)
def approve(campaign: Campaign, *, actor) -> Campaign:
    """A leader approves (批准): the plan rule is checked again, the campaign's code (文号) is issued
    and the target draw is committed."""
    from spotcheck.tenants.campaigns import ceremony

    CAMPAIGN_ACTIONS.require(campaign, actor, "approve")
    if errors := _recheck(campaign):
        raise ValidationFailed(errors)
    if campaign.code is None:
        campaign.code = issue_code(campaign.tenant, campaign.year)
    campaign.status, campaign.approved_at, campaign.approved_by_name = CampaignStatus.approved, now(), actor.display_name
    ceremony.commit_draw(campaign, "targets", actor=actor)
    audit.record("campaign.approved", "campaign", campaign.id, actor=actor, details={"code": campaign.code})
    return campaign

