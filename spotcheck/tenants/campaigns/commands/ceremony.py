"""The draw ceremony (抽取仪式) as commands, DRAW-SPEC "Sequence": commit → freeze → inputs → draw → reveal.

Each step is a command taking the campaign's id; each is audited and refused out of order. A draw
happens once per campaign and kind: the campaign and its draw row are locked (``SELECT … FOR
UPDATE``) and checked before each step, and a unique constraint allows one draw row per campaign
and kind. The steps themselves are in :mod:`spotcheck.tenants.campaigns.draws`.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, jobs
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.draw import targets as target_engine
from spotcheck.tenants.campaigns import draws, frames, inspection_counts, redaction, transitions
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.queries import get_campaign, ready_to_draw
from spotcheck.tenants.campaigns.vocabulary import DRAW_KINDS, DRAW_TASKS, CampaignStatus, TargetStatus
from spotcheck.tenants.directory.models import Entity


def _locked(campaign_id: int, kind: str, actor: Actor, action: str) -> tuple[Campaign, Draw]:
    """The campaign and its draw of ``kind``, locked and read afresh, once ``action`` is allowed: two
    requests for the same step take turns, and the second finds the step done."""
    campaign = get_campaign(campaign_id, for_update=True)
    record = draw_of(campaign, kind, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, action)
    return campaign, cast(Draw, record)  # the step is possible: the draw is committed


# --- targets ------------------------------------------------------------------------------


@command(Permission.CAMPAIGNS_EDIT)
def freeze_targets(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Step 2: fix the frame (exclusions applied first) and publish its digest and counts."""
    campaign, record = _locked(campaign_id, "targets", actor, "freeze_targets")
    try:
        frame = frames.target_frame([frames.FramePart.of(campaign)], today())
    except ValueError as bad:
        raise InvalidInputError(
            {"target_filter": [_l("The directory holds a code the draw cannot take (%(why)s).", why=str(bad))]}
        ) from None
    draws.freeze(record, frame, actor=actor)
    return record


@command(Permission.CAMPAIGNS_EDIT)
def draw_targets(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Steps 3–5: take the observers' inputs (``data["public_inputs"]``) — with none, the reason
    (``data["no_input_reason"]``, required) — draw, store the targets and publish the proof.

    Locks the campaign and its draw row first; a second request finds them drawn and is refused.
    """
    campaign, record = _locked(campaign_id, "targets", actor, "draw_targets")
    inputs, reason = draws.observers_of(record, data)  # a draw that cannot be made now is refused first
    blocks = draws.frozen_cells(record)  # approved
    proof = target_engine.draw_targets_from_blocks(
        campaign=cast(str, campaign.code),
        nonce=draws.secret_nonce(record),
        blocks=blocks,
        digest=bytes.fromhex(cast(str, record.frame_digest)),  # the frozen file's, checked
        rules={campaign.tenant_code: campaign.strata},
        reserve_size=campaign.reserve_size,
        public_inputs=inputs,
        blind_key=draws.blind_key(record) if record.blinded else None,
    )

    def stored() -> None:  # while the proof file is written and hashed on the other core
        draws.store_targets(campaign, draws.selection_in_clear(record, proof))
        inspection_counts.record_drawn(campaign)  # 年度检查次数: what the next frames count

    draws.finish(record, proof, inputs, reason, meanwhile=stored)
    transitions.move(campaign, CampaignStatus.targets_drawn, actor=actor, by="campaigns.draw_targets")
    audit.record(
        "draw.drawn",
        "campaign",
        campaign.id,
        actor=actor,
        details=draws.drawn_details(
            "targets", record, inputs, selected=sum(len(v) for s in proof["selected"].values() for v in s.values())
        ),
    )
    redaction.withdraw_if_revealing(campaign, record, actor=actor)  # a draw frozen before blinding
    draws.commit_draw(campaign, "inspectors", actor=actor)
    return record


# --- inspectors ---------------------------------------------------------------------------


@command(Permission.CAMPAIGNS_EDIT)
def freeze_inspectors(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Fix the visits (current targets), the eligible pool on the draw date, and the recusals."""
    campaign, record = _locked(campaign_id, "inspectors", actor, "freeze_inspectors")
    needed = sorted({c for item in campaign.items for c in item.inspector_categories})
    if not needed:
        raise InvalidInputError(
            {
                "items": [
                    _l("The campaign's items name no enforcement category (执法类别): no inspector can be qualified.")
                ]
            }
        )
    visit_codes = dict(
        db.session.execute(
            sa.select(CampaignTarget.entity_id, Entity.code)
            .join(Entity, Entity.id == CampaignTarget.entity_id)
            .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
        ).all()
    )
    part = frames.PoolPart(campaign.tenant_code, campaign.tenant_id, needed, visit_codes)
    draws.freeze(record, frames.inspector_frame([part], today()), actor=actor)
    return record


@command(Permission.CAMPAIGNS_EDIT)
def draw_inspectors(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Draw the teams (inputs: ``data["public_inputs"]``; with none, ``data["no_input_reason"]``); if a
    team cannot be filled the whole draw fails with the visit named."""
    campaign, record = _locked(campaign_id, "inspectors", actor, "draw_inspectors")
    inputs, reason = draws.observers_of(record, data)  # a draw that cannot be made now is refused first
    proof = draws.draw_teams(record, campaign, inputs, per_group_min=0)
    draws.finish(record, proof, inputs, reason)
    draws.store_teams(campaign, draws.teams_in_clear(record, proof["teams"]))
    transitions.move(campaign, CampaignStatus.inspectors_drawn, actor=actor, by="campaigns.draw_inspectors")
    audit.record(
        "draw.drawn",
        "campaign",
        campaign.id,
        actor=actor,
        details=draws.drawn_details("inspectors", record, inputs, teams=len(proof["teams"])),
    )
    redaction.withdraw_if_revealing(campaign, record, actor=actor)  # a draw frozen before blinding
    return record


#: A second request for a draw already queued or running (campaigns and joint campaigns alike).
DRAW_UNDER_WAY = _l("This draw is already under way; follow its progress on the campaign page.")


@command(Permission.CAMPAIGNS_EDIT)
def submit_draw(campaign_id: int, data: dict, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Ask for a draw (抽取) of ``data["kind"]`` with the observers' ``data["public_inputs"]`` (with none,
    ``data["no_input_reason"]``, required): the inputs or the reason are checked and the draw must be
    possible now, with no draw of that kind under way, before the job is queued; returns the job to watch."""
    kind = data.get("kind")
    if kind not in DRAW_KINDS:
        raise InvalidInputError({"kind": [_l("No such draw.")]})
    campaign = get_campaign(campaign_id, for_update=True)  # two requests take turns here
    ready_to_draw(campaign, kind)
    jobs.refuse_if_under_way(f"draw.{kind}", campaign.id, DRAW_UNDER_WAY)
    record = cast(Draw, draw_of(campaign, kind))  # the step is possible: committed
    inputs, reason = draws.observers_of(record, data)  # once the draw can be made: a refused step says why first
    return jobs.submit(
        DRAW_TASKS[kind],
        f"draw.{kind}",
        actor,
        campaign_id=campaign.id,
        public_inputs=inputs,
        no_input_reason=reason,
        locale=locale,
    )
