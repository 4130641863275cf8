"""A joint campaign's draws and hand-out (联合抽取), as commands, DRAW-SPEC with one group per department.

One target draw for all the departments: one seed, a frame of every department's own directory
cell (its group), so each department's sample is an exact simple random sample of its cell and,
the rank key being shared, the samples overlap as much as chance allows. The visits are their
union. Then one inspector draw: each visit's team has at least one qualified inspector of each
department present there (``per_group_min = 1``), at least two in all, recusals and capacity
honoured. The coordinator reads the departments' directories and inspector lists for the frames
through the explicit cross-tenant path, opened on the departments invited alone; what is written for a department
(its targets, its visits and its members of the teams) is written in that department's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events, jobs
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import target_frames, targets as target_engine
from spotcheck.tenants.campaigns import draws as steps, frames, inspection_counts, redaction, transitions
from spotcheck.tenants.campaigns.commands.ceremony import DRAW_UNDER_WAY
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.models import (
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Draw,
    TargetStatus,
    TeamMember,
)
from spotcheck.tenants.campaigns.queries.sizes import sized
from spotcheck.tenants.campaigns.team_gaps import unled_teams
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.joint import codes as joint_codes
from spotcheck.tenants.joint.commands.teams import lead_anew
from spotcheck.tenants.joint.participants import parts_of, reading_invited
from spotcheck.tenants.joint.policy import JOINT_ACTIONS
from spotcheck.tenants.joint.queries import get_joint
from spotcheck.tenants.joint.visits import teams, visit_groups
from spotcheck.tenants.joint.vocabulary import (
    DRAW_KINDS,
    DRAW_TASKS,
    FRAME_REASON,
    HAND_OUT_TASK,
    LEADERS_REASON,
    SIZES_REASON,
    SIZES_TASK,
)
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import unled_refusal


def _parts(campaign: Campaign) -> dict[str, dict]:
    """The departments' parts as approved (group code → part), in group order."""
    return parts_of(campaign)


def _locked(campaign_id: int, kind: str, actor: Actor, action: str) -> tuple[Campaign, Draw]:
    campaign = get_joint(campaign_id, for_update=True)
    record = draw_of(campaign, kind, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, action)
    return campaign, cast(Draw, record)  # the step is possible: the draw is committed


@command(Permission.JOINT_MANAGE)
def freeze_targets(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Fix the frame: each department's own directory entries under its filter and rules (exclusions
    first), one group per department; publish the digest and the counts per group and stratum."""
    campaign, record = _locked(campaign_id, "targets", actor, "freeze_targets")
    invited = _parts(campaign)
    with reading_invited(invited, actor, FRAME_REASON):
        parts = [
            frames.FramePart(
                group, part["tenant_id"], cast(Campaign, db.session.get(Campaign, part["part_campaign_id"]))
            )
            for group, part in invited.items()
        ]
        try:
            frame = frames.target_frame(parts, today())
        except ValueError as bad:
            raise InvalidInputError(
                {"target_filter": [_l("The directory holds a code the draw cannot take (%(why)s).", why=str(bad))]}
            ) from None
    steps.freeze(record, frame, actor=actor)
    return record


@command(Permission.JOINT_MANAGE)
def estimate_sizes(
    campaign_id: int,
    data: dict | None = None,
    *,
    actor: Actor,
    progress: Callable[..., None] = lambda *p, **k: None,
) -> dict:
    """抽取规模预估, before the freeze: each department's entries and the visits its rules draw per
    stratum (today's directories, the freeze's own definition), the checks they add up to, the
    visits the joint draw makes on average, and those separate, independent draws would make."""
    campaign = get_joint(campaign_id)
    JOINT_ACTIONS.require(campaign, actor, "estimate_sizes")
    parts = _parts(campaign)
    with reading_invited(parts, actor, SIZES_REASON):
        frame = frames.target_frame(
            [
                frames.FramePart(
                    group, part["tenant_id"], cast(Campaign, db.session.get(Campaign, part["part_campaign_id"]))
                )
                for group, part in parts.items()
            ],
            today(),
        )
    cells = target_frames.parse_frame_file(frame.file)
    rules = {group: part.get("strata") or {} for group, part in parts.items()}
    strata = {group: sized(frame.counts.get(group, {}), rules[group]) for group in parts}
    known = all(row.visits is not None for rows in strata.values() for row in rows)
    return {
        "on": today().isoformat(),
        "excluded": frame.excluded,
        "parts": [
            {
                "group": group,
                "name": part.get("name", group),
                "strata": [{"stratum": row.stratum, "frame": row.frame, "visits": row.visits} for row in strata[group]],
            }
            for group, part in parts.items()
        ],
        "checks": sum(row.visits or 0 for rows in strata.values() for row in rows),
        "visits": round(target_engine.expected_joint_visits(cells, rules), 1) if known else None,
        "separate": round(target_engine.expected_separate_visits(cells, rules), 1) if known else None,
    }


@command(Permission.JOINT_MANAGE)
def draw_targets(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Draw every department's cells with one seed (``data["public_inputs"]``: the public inputs; with
    none, ``data["no_input_reason"]``, required); the visits are the union of the selections."""
    campaign, record = _locked(campaign_id, "targets", actor, "draw_targets")
    inputs, reason = steps.observers_of(record, data)  # a draw that cannot be made now is refused first
    parts = _parts(campaign)
    blocks = steps.frozen_cells(record)
    rules = {group: part["strata"] for group, part in parts.items()}
    proof = target_engine.draw_targets_from_blocks(
        campaign=cast(str, campaign.code),  # a joint campaign is numbered when it is created
        nonce=steps.secret_nonce(record),
        blocks=blocks,
        digest=bytes.fromhex(cast(str, record.frame_digest)),  # the frozen file's, checked
        rules=rules,
        reserve_size=campaign.reserve_size,
        public_inputs=inputs,
        blind_key=steps.blind_key(record) if record.blinded else None,
    )
    steps.finish(record, proof, inputs, reason)
    in_clear = steps.selection_in_clear(record, proof)
    steps.store_targets(campaign, in_clear)  # the shared visit list, every department's rows
    db.session.flush()  # the lead's rows are written in the lead's scope
    for group, part in parts.items():  # and each department's own targets, in its scope
        with tenant_scope(part["tenant_id"]):
            steps.store_targets(
                cast(
                    Campaign,
                    SimpleNamespace(  # as much of its part as storing reads
                        id=part["part_campaign_id"], tenant_id=part["tenant_id"]
                    ),
                ),
                {
                    "selected": {group: in_clear["selected"].get(group, {})},
                    "reserves": {group: in_clear["reserves"].get(group, {})},
                },
            )
    for group, part in parts.items():  # 年度检查次数: a joint visit counts once, for each department that drew it
        drawn = list(
            db.session.scalars(
                sa.select(CampaignTarget.entity_id).where(
                    CampaignTarget.campaign_id == campaign.id,
                    CampaignTarget.group_code == group,
                    CampaignTarget.status == TargetStatus.selected,
                )
            )
        )
        with tenant_scope(part["tenant_id"]):  # toward the cap as the department's own part says
            own = db.session.get(Campaign, part["part_campaign_id"])
            counts = inspection_counts.counts_toward_cap(own) if own is not None else True
            kind = inspection_counts.kind_of(own) if own is not None else inspection_counts.kind_of(campaign)
        inspection_counts.record(campaign, drawn, part["tenant_id"], counts=counts, kind=kind)
    transitions.move(campaign, CampaignStatus.targets_drawn, actor=actor, by="joint.draw_targets")
    visits = target_engine.visits(proof["selected"])
    audit.record(
        "draw.drawn",
        "campaign",
        campaign.id,
        actor=actor,
        details=steps.drawn_details(
            "targets",
            record,
            inputs,
            selected=sum(len(v) for s in proof["selected"].values() for v in s.values()),
            visits=len(visits),
        ),
    )
    redaction.withdraw_if_revealing(campaign, record, actor=actor)  # a draw frozen before blinding
    steps.commit_draw(campaign, "inspectors", actor=actor)
    return record


@command(Permission.JOINT_MANAGE)
def freeze_inspectors(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Fix what each department needs at each of its visits, each department's eligible pool on
    the draw date, and the recusals."""
    campaign, record = _locked(campaign_id, "inspectors", actor, "freeze_inspectors")
    codes = dict(
        db.session.execute(
            sa.select(Entity.id, Entity.code).where(
                Entity.id.in_(sa.select(CampaignTarget.entity_id).where(CampaignTarget.campaign_id == campaign.id))
            )
        ).all()
    )
    by_group: dict[str, dict[int, str]] = {}
    for entity_id, groups in visit_groups(campaign).items():
        for group in groups:
            by_group.setdefault(group, {})[entity_id] = codes[entity_id]
    invited = _parts(campaign)
    parts = [
        frames.PoolPart(group, part["tenant_id"], part["categories"], by_group.get(group, {}))
        for group, part in invited.items()
    ]
    try:
        with reading_invited(invited, actor, FRAME_REASON):
            frame = frames.inspector_frame(parts, today())
    except ValueError as bad:
        raise ConflictError(_l("The inspector lists cannot be combined: %(why)s", why=str(bad))) from None
    steps.freeze(record, frame, actor=actor)
    return record


@command(Permission.JOINT_MANAGE)
def draw_inspectors(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Draw:
    """Draw the mixed teams (``data["public_inputs"]``; with none, ``data["no_input_reason"]``); if one
    cannot be formed the whole draw fails, naming the visit."""
    campaign, record = _locked(campaign_id, "inspectors", actor, "draw_inspectors")
    inputs, reason = steps.observers_of(record, data)  # a draw that cannot be made now is refused first
    proof = steps.draw_teams(record, campaign, inputs, per_group_min=1)
    steps.finish(record, proof, inputs, reason)
    invited = _parts(campaign)
    tenants = {part["tenant_id"]: group for group, part in invited.items()}
    with reading_invited(invited, actor, FRAME_REASON):
        inspectors = {
            cert: (inspector_id, name, tenants[tenant_id])
            for cert, inspector_id, name, tenant_id in db.session.execute(
                sa.select(Inspector.cert_no, Inspector.id, Inspector.name, Inspector.tenant_id).where(
                    Inspector.tenant_id.in_(tenants)
                )
            )
        }
    steps.store_teams(campaign, steps.teams_in_clear(record, proof["teams"]), inspectors)
    transitions.move(campaign, CampaignStatus.inspectors_drawn, actor=actor, by="joint.draw_inspectors")
    audit.record(
        "draw.drawn",
        "campaign",
        campaign.id,
        actor=actor,
        details=steps.drawn_details("inspectors", record, inputs, teams=len(proof["teams"])),
    )
    redaction.withdraw_if_revealing(campaign, record, actor=actor)  # a draw frozen before blinding
    return record


@command(Permission.JOINT_MANAGE)
def designate_leader(campaign_id: int, data: dict, *, actor: Actor) -> TeamMember:
    """The lead names each mixed team's leader (组长), ``data["member_id"]``, after the draw (audited)."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "designate_leader")
    leader = steps.name_leader(campaign, (data or {}).get("member_id") or 0, actor=actor)
    lead_anew(campaign, leader, actor=actor)  # never one who declared a conflict; once handed out, the parts follow
    return leader


@command(Permission.JOINT_MANAGE)
def designate_leaders(campaign_id: int, data: dict, *, actor: Actor) -> dict:
    """The lead names every mixed team's leader (组长) in one step, by the rule ``data["rule"]``;
    ``data["only_missing"]`` (the default) keeps those already named. All or nothing, audited."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "designate_leader")
    mixed = teams(campaign)
    before = {entity_id: next((m.id for m in team if m.is_leader), None) for entity_id, team in mixed.items()}
    rule = (data or {}).get("rule") or ""
    accounts = None
    if rule == "first_with_account":  # each member's account is their own department's
        with reading_invited(parts_of(campaign), actor, LEADERS_REASON):
            accounts = steps.with_account(m.inspector_id for team in mixed.values() for m in team)
    named = steps.name_leaders(
        campaign,
        rule,
        only_missing=(data or {}).get("only_missing", True) is not False,
        actor=actor,
        accounts=accounts,
    )
    for entity_id, team in teams(campaign).items():
        leader = next((m for m in team if m.is_leader), None)
        if leader is not None and leader.id != before.get(entity_id):
            lead_anew(campaign, leader, actor=actor)
    return named


def _leaders_can_record(campaign: Campaign, actor: Actor) -> None:
    """Refuse the hand-out while a mixed team's 组长 has no account in their own department (only the 组长 records
    入企 and 离企), naming the teams — read on the coordinator's path to the departments the campaign invited."""
    with reading_invited(parts_of(campaign), actor, LEADERS_REASON):
        unled = unled_teams(campaign)
    if unled:
        raise ConflictError(unled_refusal(unled))


@command(Permission.JOINT_MANAGE)
def hand_out(
    campaign_id: int,
    data: dict | None = None,
    *,
    actor: Actor,
    progress: Callable[..., None] = lambda *p, **k: None,
) -> int:
    """检查任务下达: each department gets a visit of its own part for every entity it drew, with its
    members of the mixed team; the one who submits the department's results is the team's leader
    when of that department, else the department's first-drawn member. Each joint visit gets one
    inspection code, kept with the 组长's department's visit (:mod:`spotcheck.tenants.joint.codes`).
    Returns the visits made."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "hand_out")
    _leaders_can_record(campaign, actor)
    mixed = teams(campaign)
    groups = visit_groups(campaign)
    db.session.flush()
    total, done = sum(len(drawn_by) for drawn_by in groups.values()), 0
    progress(0, done=0, total=total)
    for group, part in _parts(campaign).items():
        entity_ids = [entity_id for entity_id, drawn_by in groups.items() if group in drawn_by]
        with tenant_scope(part["tenant_id"]):
            own = cast(Campaign, db.session.scalar(sa.select(Campaign).where(Campaign.id == part["part_campaign_id"])))
            for entity_id in entity_ids:
                db.session.add(Visit(campaign_id=own.id, entity_id=entity_id))
                members = [m for m in mixed.get(entity_id, []) if m.group_code == group]
                leader_here = any(m.is_leader for m in members)
                for index, member in enumerate(members):
                    db.session.add(
                        TeamMember(
                            campaign_id=own.id,
                            entity_id=entity_id,
                            inspector_id=member.inspector_id,
                            position=member.position,
                            inspector_name=member.inspector_name,
                            cert_no=member.cert_no,
                            group_code=group,
                            is_leader=member.is_leader if leader_here else index == 0,
                        )
                    )
            transitions.move(own, CampaignStatus.notified, actor=actor, by="joint.hand_out")
            db.session.flush()
        done += len(entity_ids)
        progress(int(95 * done / max(total, 1)), done=done, total=total)
    coded = joint_codes.issue(campaign, mixed, groups, today())  # one code per joint visit (扫码入企)
    transitions.move(campaign, CampaignStatus.notified, actor=actor, by="joint.hand_out")
    audit.record(
        "joint.handed_out",
        "campaign",
        campaign.id,
        actor=actor,
        details={"visits": len(groups), "checks": sum(len(g) for g in groups.values()), "codes": coded},
    )
    events.emit("joint.handed_out", actor=actor, campaign=campaign)
    return len(groups)


# --- asked for in a request, run as background jobs (后台作业) ------------------------------------


@command(Permission.JOINT_MANAGE)
def submit_joint_draw(campaign_id: int, data: dict, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Ask for a joint campaign's draw (联合抽取) of ``data["kind"]`` with the observers' inputs (with none,
    the reason, ``data["no_input_reason"]``): refused at once, as the draw itself would refuse it, before
    the job is queued; returns the job to watch."""
    kind = data.get("kind")
    if kind not in DRAW_KINDS:
        raise InvalidInputError({"kind": [_l("No such draw.")]})
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, f"draw_{kind}")
    jobs.refuse_if_under_way(f"joint.draw.{kind}", campaign.id, DRAW_UNDER_WAY)
    record = cast(Draw, draw_of(campaign, kind))  # the step is possible: committed
    inputs, reason = steps.observers_of(record, data)  # once the draw can be made: a refused step says why first
    return jobs.submit(
        DRAW_TASKS[kind],
        f"joint.draw.{kind}",
        actor,
        campaign_id=campaign.id,
        public_inputs=inputs,
        no_input_reason=reason,
        locale=locale,
    )


@command(Permission.JOINT_MANAGE)
def request_joint_sizes(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Job:
    """Estimate the size of a joint campaign's draw (抽取规模预估) in the background: it reads every
    department's directory, seconds at a city's size; returns the job to watch."""
    campaign = get_joint(campaign_id)
    JOINT_ACTIONS.require(campaign, actor, "estimate_sizes")
    return jobs.submit(SIZES_TASK, "joint.sizes", actor, campaign_id=campaign.id)


@command(Permission.JOINT_MANAGE)
def submit_joint_hand_out(campaign_id: int, data: dict | None = None, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Ask for a joint campaign's hand-out to every department (联合检查任务下达) in the background."""
    campaign = get_joint(campaign_id, for_update=True)
    JOINT_ACTIONS.require(campaign, actor, "hand_out")
    _leaders_can_record(campaign, actor)
    jobs.refuse_if_under_way("joint.hand_out", campaign.id)
    return jobs.submit(HAND_OUT_TASK, "joint.hand_out", actor, campaign_id=campaign.id, locale=locale)
