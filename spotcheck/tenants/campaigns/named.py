"""特定对象检查 (非随机): a campaign whose targets are named one by one, each with its cause — a complaint, an
accident, a failed test, a referral or an order from above with its 文号 — rather than drawn. Only its
inspectors are drawn, with the usual inspector proof.

Here: cleaning a draft's list of targets (each business in the department's target directory, once), and
registering the targets at the approval (登记检查对象), which stands where a random campaign's target draw
does: the targets are counted in the yearly register (:mod:`.inspection_counts`, as their cause says), and
the inspector draw is committed. The commands call these; none checks permissions.

A business's cause is its own and the supervising bureau's to read, never the public's (《政府信息公开条例》第十五条:
a complaint beside a business's name is what a blinded draw hides in its flagged stratum): the public reads that
the check had a cause (有因检查) and its legal basis (:func:`public_grounds`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.campaigns import draws, inspection_counts, transitions
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.inputs import NAMED_TARGET
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget
from spotcheck.tenants.campaigns.vocabulary import (
    CAUSE_REFERENCES,
    MAX_NAMED_TARGETS,
    NAMED_CAUSES,
    NAMED_STRATUM,
    CampaignKind,
    CampaignStatus,
)
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory import jurisdiction
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.rules.rulebook import Rules, rules_for
from spotcheck.tenants.rules.vocabulary import EXEMPT_KIND_NAMES, FIELD_BOUND_KINDS


def clean_kind(data: Mapping[str, object], errors: dict) -> CampaignKind:
    """Random (随机抽查) unless ``data["kind"]`` says named (特定对象检查)."""
    kind = str(data.get("kind") or CampaignKind.random.value)
    if kind not in CampaignKind.__members__:
        errors["kind"] = [_l("Choose how the targets are chosen: drawn at random, or named with the cause of each.")]
        return CampaignKind.random
    return CampaignKind(kind)


def _row_problem(number: int, row: Any, rules: Rules) -> tuple[dict | None, str | None]:
    """One target as the command keeps it, or why not (naming its line)."""
    if not isinstance(row, dict):
        return None, str(_l("Target %(n)d: give the business's code, the cause and its reference.", n=number))
    code = str(row.get("entity_code") or "").strip().upper()
    cause = reference.code_for(NAMED_CAUSES, str(row.get("cause") or "").strip())
    ref = str(row.get("reference") or "").strip()
    if not code:
        return None, str(_l("Target %(n)d: give the business's unified social credit code.", n=number))
    if cause is None:
        return None, str(
            _l(
                "Target %(n)d (%(code)s): %(rule)sa business is checked without a draw only for one of these causes: "
                "%(causes)s.",
                n=number,
                code=code,
                rule=rules.under("named_causes_only"),
                causes="、".join(NAMED_CAUSES.values()),
            )
        )
    if not NAMED_TARGET["reference"].fits(ref):
        return None, str(
            _l(
                "Target %(n)d (%(code)s): give the %(what)s (%(low)d to %(high)d characters).",
                n=number,
                code=code,
                what=CAUSE_REFERENCES[cause],
                low=NAMED_TARGET["reference"].least,
                high=NAMED_TARGET["reference"].longest,
            )
        )
    return {"entity_code": code, "cause": cause, "reference": ref}, None


def clean_targets(rows: Any, errors: dict, rules: Rules | None = None) -> list[dict]:
    """A named check's targets, each checked as the single one: a business of the department's target
    directory and of its jurisdiction (管辖: :mod:`spotcheck.tenants.directory.jurisdiction`), named once, with a
    cause and its reference; every problem is listed under ``named_targets``. A cause not listed is refused citing the
    rules in force (``rules``: the current department's today by default)."""
    rules = rules or rules_for(current_tenant_id())
    problems: list = []
    if not isinstance(rows, list) or not rows:
        errors["named_targets"] = [_l("A named check names at least one business, with the cause of each.")]
        return []
    if len(rows) > MAX_NAMED_TARGETS:
        errors["named_targets"] = [
            _l("At most %(n)d businesses in one named check; a larger check is drawn at random.", n=MAX_NAMED_TARGETS)
        ]
        return []
    clean: list[dict] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, 1):
        target, problem = _row_problem(number, row, rules)
        if problem:
            problems.append(problem)
        elif target is not None and target["entity_code"] in seen:
            problems.append(_l("Target %(n)d (%(code)s) is named twice.", n=number, code=target["entity_code"]))
        elif target is not None:
            seen.add(target["entity_code"])
            clean.append(target)
    listed = (
        list(
            db.session.scalars(
                sa.select(Entity)
                .join(DirectoryEntry, DirectoryEntry.entity_id == Entity.id)
                .where(Entity.code.in_(sorted(seen)))
                .order_by(Entity.code)
            )
        )
        if seen
        else []
    )
    known = {entity.code for entity in listed}
    problems += [
        _l("%(code)s is not in your target directory: add the business to the directory first.", code=code)
        for code in sorted(seen - known)
    ]
    tenant_id = current_tenant_id()
    if listed and tenant_id is not None:  # 管辖: an entry kept from before the rule names no new check
        branch = jurisdiction.of_department(tenant_id)
        problems += [
            f"{entity.code}：{branch.refusal(entity.name, entity.region_code)}"
            for entity in listed
            if not branch.reaches(entity)
        ]
    if problems:
        errors["named_targets"] = problems
    return clean


@dataclass(frozen=True)
class NamedBusiness:
    """A business a draft names, as the leader approving it reads it: its name (empty when it is not in the
    directory), its cause, and this year's checks that count toward its yearly cap (``checks``: every department's,
    against ``cap``, its region's; ``department_checks``: this department's), with whether its cause counts
    (``counts``: toward its region's cap; ``counts_own``: toward the department's own)."""

    code: str
    name: str
    cause: str
    reference: str
    counts: bool
    checks: int
    department_checks: int
    cap: int | None = None
    counts_own: bool = False
    region: str = ""  # the business's region, whose rules set its yearly cap


@dataclass(frozen=True)
class NamedDraft:
    """A draft's businesses and the caps that apply: each business's own (its region's), and the department's
    (``None``: no cap of that kind)."""

    businesses: list[NamedBusiness]
    department_cap: int | None
    #: The caps in words, each with the document and article that sets it (:func:`.inspection_counts.cap_lines`):
    #: the department's, then each business's region's yearly cap, once each.
    caps: list[str]

    @property
    def cap(self) -> int | None:
        """A yearly cap some named business has (its region's): the column of every department's checks shows."""
        return next((b.cap for b in self.businesses if b.cap is not None), None)

    def at_cap(self, business: NamedBusiness) -> bool:
        """The approval will refuse ``business``: its cause counts toward a cap it is at."""
        return (business.counts and business.cap is not None and business.checks >= business.cap) or (
            business.counts_own
            and self.department_cap is not None
            and business.department_checks >= self.department_cap
        )


def draft(campaign: Campaign, rules: Rules) -> NamedDraft:
    """The businesses a draft of a named check names, each with its name, its cause and its count of this year's
    checks against its yearly cap (its region's) and the department's of ``rules`` (those the approval will refuse
    at the cap)."""
    rows = campaign.named_targets or []  # as the drafting command cleaned them
    found: dict[str, tuple[int, str]] = (
        {
            code: (entity_id, name)
            for code, entity_id, name in db.session.execute(
                sa.select(Entity.code, Entity.id, Entity.name)
                .join(DirectoryEntry, DirectoryEntry.entity_id == Entity.id)
                .where(Entity.code.in_([row["entity_code"] for row in rows]))
            )
        }
        if rows
        else {}
    )
    causes = {found[row["entity_code"]][0]: row["cause"] for row in rows if row["entity_code"] in found}
    standings = inspection_counts.standing(campaign, causes, campaign.tenant_id)
    businesses = []
    lines = [inspection_counts.cap_line(rules, inspection_counts.OWN)]
    for row in rows:
        entity_id, name = found.get(row["entity_code"], (0, ""))
        at = standings.get(entity_id)
        if at is not None:
            lines.append(inspection_counts.cap_line(at.rules, inspection_counts.TOTAL))
        businesses.append(
            NamedBusiness(
                code=row["entity_code"],
                name=name,
                cause=row["cause"],
                reference=row["reference"],
                counts=at.counts if at is not None else False,
                checks=at.checks if at is not None else 0,
                department_checks=at.department_checks if at is not None else 0,
                cap=at.cap if at is not None else None,
                counts_own=at.counts_own if at is not None else False,
                region=at.region.name if at is not None and at.region is not None else "",
            )
        )
    return NamedDraft(businesses, rules.department_inspection_cap, [line for line in dict.fromkeys(lines) if line])


def entity_ids(campaign: Campaign) -> dict[str, int]:
    codes = [row["entity_code"] for row in campaign.named_targets or []]
    return (
        dict(
            db.session.execute(
                sa.select(Entity.code, Entity.id)
                .join(DirectoryEntry, DirectoryEntry.entity_id == Entity.id)
                .where(Entity.code.in_(codes))
            ).all()
        )
        if codes
        else {}
    )


def recheck(campaign: Campaign, rules: Rules, errors: dict) -> None:
    """At approval: each business still in the directory, and none of those whose cause counts toward the
    yearly cap already at it (the business's region's or the department's own: 国办发〔2024〕54号); a refusal cites
    the rule of the cap reached."""
    clean_targets(campaign.named_targets, errors, rules)
    if errors.get("named_targets"):
        return
    ids = entity_ids(campaign)
    causes = {ids[row["entity_code"]]: row["cause"] for row in campaign.named_targets or []}
    capped = inspection_counts.at_cap(campaign, causes, campaign.tenant_id)
    if capped:
        standings = inspection_counts.standing(campaign, {i: causes[i] for i in capped}, campaign.tenant_id)
        names = dict(db.session.execute(sa.select(Entity.id, Entity.name).where(Entity.id.in_(sorted(capped)))).all())
        errors["named_targets"] = []
        for entity_id in sorted(capped):
            at = standings[entity_id]
            cap_rules, key = (at.rules, inspection_counts.TOTAL) if at.at_total else (rules, inspection_counts.OWN)
            errors["named_targets"].append(
                _l(
                    "%(rule)s%(name)s has reached its yearly cap on inspections; only a check of a kind the rules "
                    "leave out of the cap (%(kinds)s) may still be made.",
                    rule=cap_rules.under(key),
                    name=names[entity_id],
                    kinds="、".join(NAMED_CAUSES[c] for c in cap_rules.cap_exempt_kinds if c in NAMED_CAUSES)
                    or _l("none"),
                )
            )


def register(campaign: Campaign, *, actor: Actor, by: str, draw: bool = True) -> int:
    """At approval: the named targets become the campaign's targets (登记检查对象), counted in the yearly
    register as their causes say; the inspector draw is committed (``draw``; a check registered after it was
    made has its team already); ``by``: the command registering them. Returns how many."""
    ids = entity_ids(campaign)
    rows = [
        {
            "tenant_id": campaign.tenant_id,
            "campaign_id": campaign.id,
            "entity_id": ids[row["entity_code"]],
            "group_code": campaign.tenant_code,
            "stratum": NAMED_STRATUM,
            "rank": rank,
            "replacement_reason": "",
            "cause": row["cause"],
            "cause_reference": row["reference"],
        }
        for rank, row in enumerate(campaign.named_targets or [], 1)
    ]
    draws.add_selected(rows)
    for cause in sorted({row["cause"] for row in rows}):  # withheld until disclosed: no frame may tell whom it checks
        inspection_counts.record(
            campaign,
            [row["entity_id"] for row in rows if row["cause"] == cause],
            campaign.tenant_id,
            counts=inspection_counts.counts_toward_cap(campaign, cause),
            kind=inspection_counts.kind_of(campaign, cause),
            withheld=draw,
        )
    transitions.move(campaign, CampaignStatus.targets_drawn, actor=actor, by=by)
    if draw:
        draws.commit_draw(campaign, "inspectors", actor=actor)
    return len(rows)


def causes_of(campaign: Campaign, entity_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """The cause and reference of each given target of a named campaign (``{}`` for a random one)."""
    wanted = list(entity_ids)
    if not campaign.named or not wanted:
        return {}
    return {
        entity_id: (cause, ref)
        for entity_id, cause, ref in db.session.execute(
            sa.select(CampaignTarget.entity_id, CampaignTarget.cause, CampaignTarget.cause_reference).where(
                CampaignTarget.campaign_id == campaign.id, CampaignTarget.entity_id.in_(wanted)
            )
        )
    }


@dataclass(frozen=True)
class PublicGrounds:
    """What the public reads of why a named check is made (有因检查): that it has a cause, never which, nor the
    reason the department wrote for checking outside the plan — each item's legal basis (检查依据), and, made outside
    the annual plan, the rule that allows it (its field, where the kind is one: 食品药品安全…; a kind that is a cause,
    投诉举报 or 发生事故, is not named)."""

    legal_bases: list[tuple[str, str]]  # (item, its legal basis)
    outside_plan: bool
    rule: str  # the document and article allowing a check outside the plan (empty when none)
    field: str  # the field of a field-bound kind outside the plan (empty otherwise)


def public_grounds(campaign: Campaign) -> PublicGrounds:
    """The grounds of a named check as the public reads them (:class:`PublicGrounds`)."""
    kind = campaign.exempt_kind or ""
    return PublicGrounds(
        legal_bases=[(item.name, item.legal_basis) for item in campaign.items if item.legal_basis],
        outside_plan=bool(kind),
        rule=rules_of(campaign).cite("exempt_kinds") if kind else "",
        field=EXEMPT_KIND_NAMES.get(kind, "") if kind in FIELD_BOUND_KINDS else "",
    )
