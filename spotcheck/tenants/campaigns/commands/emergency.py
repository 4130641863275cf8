"""紧急检查事后登记: a check of named businesses made at once, before it could be registered (an accident, an
imminent danger), registered afterwards by a leader — within the rules' days after the check
(``named_late_days``), with the reason and the team that went. That team was not drawn: the campaign says so
everywhere, and it is public at once (the check is over: nothing is announced ahead).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now, today
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.campaigns import named, transitions
from spotcheck.tenants.campaigns.checking import check_plan, clean_campaign, issue_code
from spotcheck.tenants.campaigns.in_force import keep_rules
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TeamMember
from spotcheck.tenants.campaigns.vocabulary import REASON_MAX, REASON_MIN, CampaignKind, CampaignStatus
from spotcheck.tenants.common import validators
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors import eligibility
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.rules.rulebook import Rules, rules_for


def _day(data: dict, rules: Rules, errors: dict) -> date | None:
    """The day the check was made: not after today, and within the rules' days before it."""
    day = validators.parse_date(data.get("checked_on"), "checked_on", errors)
    if day is None:
        errors.setdefault("checked_on", [_l("Enter the day the check was made, as YYYY-MM-DD.")])
    elif day > today():
        errors["checked_on"] = [_l("A check registered afterwards was made today or before.")]
    elif (today() - day).days > rules.named_late_days:
        errors["checked_on"] = [
            _l(
                "%(rule)sa check made before it was registered is registered within %(days)d days "
                "after it; this one was made on %(day)s.",
                rule=rules.under("named_late_days"),
                days=rules.named_late_days,
                day=day.isoformat(),
            )
        ]
    return day


#: Why an inspector could not have made the check that day (the draw's eligibility, in the words of a check made).
CANNOT_INSPECT = {
    eligibility.INACTIVE: _l("not active in the inspector directory"),
    eligibility.CERTIFICATE_EXPIRED: _l("no enforcement certificate valid that day"),
    eligibility.NOT_QUALIFIED: _l("not qualified for the items' enforcement categories"),
    "expert": _l("an expert advises, and never inspects as an officer"),
}


def _team(data: dict, day: date | None, categories: set[str], rules: Rules, errors: dict) -> list[Inspector]:
    """The inspectors who went, the 组长 first: the rules' least team, each listed, active, certified that day
    and qualified for the items (the draw's own eligibility: only certified officers inspect)."""
    ids = list(dict.fromkeys(data.get("team") or []))
    if not all(is_row_id(i) for i in ids):
        errors["team"] = [_l("Choose the inspectors of your directory who made the check.")]
        return []
    found = {i.id: i for i in db.session.scalars(sa.select(Inspector).where(Inspector.id.in_(ids)))}
    team = [found[i] for i in ids if i in found]
    problems: list[Any] = []
    if len(team) != len(ids):
        problems.append(_l("Choose the inspectors of your directory who made the check."))
    if len(team) < rules.min_team_size:
        problems.append(
            _l(
                "%(rule)sat least %(n)d inspectors make a check.",
                rule=rules.under("min_team_size"),
                n=rules.min_team_size,
            )
        )
    for inspector in team:
        why = eligibility.not_drawable_because(inspector, day, categories) if day else None
        if inspector.is_expert or why is not None:
            problems.append(
                _l(
                    "%(name)s (%(cert)s) could not inspect on that day: %(why)s.",
                    name=inspector.name,
                    cert=inspector.cert_no,
                    why=CANNOT_INSPECT[why or "expert"],
                )
            )
    if problems:
        errors["team"] = problems
    return team


def _conflicts(team: list[Inspector], targets: list[dict], errors: dict) -> None:
    """An inspector with a declared conflict (回避) with a business checked could not lawfully check it."""
    codes = {row["entity_code"] for row in targets}
    found = db.session.execute(
        sa.select(Inspector.name, Entity.name)
        .join(Recusal, Recusal.inspector_id == Inspector.id)
        .join(Entity, Entity.id == Recusal.entity_id)
        .where(Inspector.id.in_([i.id for i in team]), Entity.code.in_(codes))
    ).all()
    if found:
        errors["team"] = [
            _l(
                "%(name)s declared a conflict of interest with %(business)s (回避) and could not check it.",
                name=name,
                business=business,
            )
            for name, business in found
        ]


def _outside_plan(clean: dict, refused: set[str], rules: Rules, errors: dict) -> None:
    """A check made at once is seldom one the plan foresaw: where the plan refused it (its items, its month or its
    method) and no kind outside the plan was chosen, each refusal says what to do when the check was one."""
    if clean.get("exempt_kind") or not refused:
        return
    kinds = "、".join(rules.exempt_kinds.values())
    for key in refused:
        errors[key] = [
            *errors[key],
            _l(
                "If the check was made on a cause outside the plan (an accident, a complaint, an order from above…), "
                "choose its kind under “Outside the annual plan?” (%(kinds)s) and state the reason: such a check needs "
                "no plan.",
                kinds=kinds,
            ),
        ]


@command(Permission.CAMPAIGNS_APPROVE)
def register_emergency(data: dict, *, actor: Actor) -> Campaign:
    """A leader registers a check of named businesses already made (``data``: the campaign's fields and
    ``named_targets``, ``checked_on``, ``late_reason`` and ``team``: the inspectors' ids, the 组长 first). The
    businesses are counted as their causes say (one at its yearly cap is refused for a cause that counts); the
    check's code is issued, its team recorded as it went (not drawn), and it is public at once."""
    rules = rules_for(current_tenant_id())
    errors: dict[str, list] = {}
    day = _day(data, rules, errors)
    fields = {**data, "kind": CampaignKind.named.value, "window_start": day, "window_end": day}
    clean, found = clean_campaign(
        {key: value for key, value in fields.items() if key not in ("checked_on", "late_reason", "team")},
        rules,
        after_the_fact=True,
    )
    errors = {**found, **errors}
    before = set(errors)
    check_plan(clean, errors, rules)
    _outside_plan(clean, set(errors) - before, rules, errors)
    reason = str(data.get("late_reason") or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        errors["late_reason"] = [
            _l(
                "State why the check was made before it was registered (%(low)d to %(high)d characters).",
                low=REASON_MIN,
                high=REASON_MAX,
            )
        ]
    needed = {c for item in clean.get("items") or [] for c in item.inspector_categories or ()}
    team = _team(data, day, needed, rules, errors)
    if day is not None and clean.get("year") is not None and clean["year"] != day.year:
        errors["year"] = [_l("A check made on %(day)s is of the year %(year)d.", day=day.isoformat(), year=day.year)]
    if team and not errors:
        _conflicts(team, clean["named_targets"], errors)
    if errors:
        raise InvalidInputError(errors)
    clean["team_size"] = len(team)
    items = clean.pop("items")
    campaign = Campaign(code=None, late_reason=reason, **clean)  # a draft until registered
    campaign.items = items
    db.session.add(campaign)
    db.session.flush()
    named.recheck(campaign, rules, errors)  # the yearly cap, as at an approval
    if errors:
        raise InvalidInputError(errors)
    issue_code(campaign, campaign.tenant)  # a named check: 查
    campaign.approved_at, campaign.approved_by_name = now(), actor.display_name
    keep_rules(campaign)
    registered = named.register(campaign, actor=actor, by="campaigns.register_emergency", draw=False)
    targets = db.session.scalars(sa.select(CampaignTarget.entity_id).where(CampaignTarget.campaign_id == campaign.id))
    db.session.execute(
        sa.insert(TeamMember),
        [
            {
                "tenant_id": campaign.tenant_id,
                "campaign_id": campaign.id,
                "entity_id": entity_id,
                "inspector_id": i.id,
                "inspector_name": i.name,
                "cert_no": i.cert_no,
                "group_code": campaign.tenant_code,
                "position": position,
                "is_leader": position == 1,
                "active": True,
                "replacement_reason": "",
            }
            for entity_id in targets
            for position, i in enumerate(team, 1)
        ],
    )
    transitions.move(campaign, CampaignStatus.inspectors_drawn, actor=actor, by="campaigns.register_emergency")
    campaign.disclosed_at = now()
    audit.record(
        "campaign.registered_late",
        "campaign",
        campaign.id,
        actor=actor,
        details={
            "code": campaign.code,
            "checked_on": day.isoformat() if day else None,
            "reason": reason,
            "targets": registered,
            "team": [i.cert_no for i in team],
        },
    )
    return campaign
