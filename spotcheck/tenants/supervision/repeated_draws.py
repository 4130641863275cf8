"""重复抽中提示: a department cannot shield a business — nor single one out — by drawing it again and again.

For each business a department drew (selected, or selected then replaced) in two or more of its own random
campaigns of a year, the chance of being drawn that often is computed from the frames the business was in:
in each such campaign it was drawn with probability n / N (the cell's drawn number over its candidates, as the
published proof and frame counts say), independently, so the number of draws follows a
Poisson-binomial law. A business drawn so often that the chance is below the rules' level
(``repeat_draw_alpha``) is flagged, with the campaigns. From a version 1 proof anyone can recompute it; a blinded
draw's proof (``spotcheck-draw/3``) names the business by a token only, so the bureau recomputes it with the draw's
blinding key (the cell counts and drawn numbers stay public), each reading of a key recorded in the drawing
department's trail and the bureau's (``draw.key_read``), and the business with its own salt. A
region's bureau reads it for the businesses located in its region, whichever department of whatever level drew them
(the draws read are what the portal publishes; :mod:`.burden`), each department named with its level.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.campaigns import draws as draw_steps
from spotcheck.tenants.campaigns.inspection_counts import level_labels
from spotcheck.tenants.campaigns.models import Campaign, CampaignKind, CampaignTarget, Draw, DrawKind, TargetStatus
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.supervision.commands.draw_checks import tokens_for_repeats

DRAWN = (TargetStatus.selected, TargetStatus.replaced)


def tail(chances: list[float], k: int) -> float:
    """P(X ≥ k) for X the number of successes of independent trials with the given chances (Poisson-binomial)."""
    ways = [1.0] + [0.0] * len(chances)  # ways[j]: P(j successes so far)
    for p in chances:
        for j in range(len(ways) - 1, 0, -1):
            ways[j] = ways[j] * (1 - p) + ways[j - 1] * p
        ways[0] *= 1 - p
    return min(1.0, max(0.0, sum(ways[k:])))


@dataclass(frozen=True)
class Flagged:
    """A business drawn ``drawn`` times by one department where ``expected`` draws were likely."""

    entity: Entity
    department: str  # with its level (``inspection_counts.level_label``)
    drawn: int
    expected: float
    chance: float  # P(drawn at least that often)
    campaigns: tuple[str, ...]  # the campaigns whose frames held it (those that drew it marked)


def _cell_of(frame: bytes, code: str) -> tuple[str, str] | None:
    """The (group, stratum) of ``code``'s line in a frame file, or None when it is not a candidate."""
    at = frame.find(b"\t" + code.encode() + b"\n")
    while at >= 0:
        start = frame.rfind(b"\n", 0, at) + 1
        group, _, stratum = frame[start:at].decode().partition("\t")
        if "\t" not in stratum:
            return group, stratum
        at = frame.find(b"\t" + code.encode() + b"\n", at + 1)
    return None


def flagged(year: int, alpha: float, within: sa.ColumnElement[bool] | None = None, *, reader: Actor) -> list[Flagged]:
    """Every department's businesses drawn in its own random campaigns of ``year`` more often than chance allows
    (``within``: of the businesses matching the condition on :class:`Entity` only — a region's, whichever
    department, of whatever level, drew them). A blinded draw's key is read for ``reader`` through a command that
    records it (``draw.key_read``, :func:`~spotcheck.tenants.supervision.commands.draw_checks.tokens_for_repeats`),
    once a draw."""
    own = sa.and_(
        Campaign.year == year,
        Campaign.kind == CampaignKind.random,
        Campaign.joint.is_(False),
        Campaign.joint_id.is_(None),
    )
    query = (
        sa.select(Campaign.tenant_id, CampaignTarget.entity_id)
        .join(Campaign, Campaign.id == CampaignTarget.campaign_id)
        .where(own, CampaignTarget.status.in_(DRAWN))
    )
    if within is not None:
        query = query.join(Entity, Entity.id == CampaignTarget.entity_id).where(within)
    repeats = db.session.execute(
        query.group_by(Campaign.tenant_id, CampaignTarget.entity_id).having(sa.func.count() > 1)
    ).all()
    wanted: dict[int, set[int]] = defaultdict(set)
    for tenant_id, entity_id in repeats:
        wanted[tenant_id].add(entity_id)
    found = []
    for tenant_id, entity_ids in sorted(wanted.items()):
        found += _department(tenant_id, entity_ids, own, alpha, reader)
    return sorted(found, key=lambda f: (f.chance, f.department, f.entity.code))


def _department(
    tenant_id: int, entity_ids: set[int], own: sa.ColumnElement[bool], alpha: float, reader: Actor
) -> list[Flagged]:
    draws = db.session.execute(
        sa.select(Campaign.id, Campaign.code, Draw)
        .join(Draw, Draw.campaign_id == Campaign.id)
        .options(undefer(Draw.frame_file), undefer(Draw.proof))
        .where(own, Campaign.tenant_id == tenant_id, Draw.kind == DrawKind.targets, Draw.drawn_at.is_not(None))
        .order_by(Draw.drawn_at)
    ).all()
    entities = {e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_(entity_ids)))}
    drawn = set(
        db.session.execute(
            sa.select(CampaignTarget.campaign_id, CampaignTarget.entity_id).where(
                CampaignTarget.campaign_id.in_([c for c, *_ in draws]),
                CampaignTarget.entity_id.in_(entity_ids),
                CampaignTarget.status.in_(DRAWN),
            )
        ).all()
    )
    # each cell's drawn number, as the published proof lists the drawn (a replacement keeps it)
    sizes = {
        (campaign_id, group, stratum): len(codes)
        for campaign_id, _, record in draws
        for group, strata in ((record.proof or {}).get("selected") or {}).items()
        for stratum, codes in strata.items()
    }
    name = level_labels([tenant_id]).get(tenant_id, "")
    codes = sorted(entities[entity_id].code for entity_id in entity_ids)
    public = {  # each business's id in each draw's proof: a blinded draw's tokens, read with its key (audited)
        record.id: tokens_for_repeats(record, codes, actor=reader) if record.blinded else {c: c for c in codes}
        for _, _, record in draws
    }
    out = []
    for entity_id in sorted(entity_ids):
        entity, chances, codes, times = entities[entity_id], [], [], 0
        for campaign_id, code, record in draws:
            cell = _cell_of(draw_steps.frame_of(record) if record.frame_digest else b"", public[record.id][entity.code])
            if cell is None:
                continue
            candidates = (record.counts or {}).get(cell[0], {}).get(cell[1]) or 0
            chances.append(min(1.0, sizes.get((campaign_id, *cell), 0) / candidates) if candidates else 0.0)
            hit = (campaign_id, entity_id) in drawn
            times += hit
            codes.append(f"{code}{'（抽中）' if hit else ''}")
        chance = tail(chances, times)
        if times > 1 and chance < alpha:
            out.append(Flagged(entity, name, times, round(sum(chances), 2), chance, tuple(codes)))
    return out
