"""The public page of an inspection code (检查码核验): what anyone who scans or types a code may read
of its inspection — genuine or not, its state, the department, the campaign's number, its items with
their basis, the window, the team as it stands now (names and 执法证号, as the public inspector
directory shows them) and the times of 入企 and 离企. Nothing else: no ID number, no business code.

The code is found by its token or typed characters across departments (the public names no
department), then everything else is read in its department's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

import sqlalchemy as sa

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import joint_scope, tenant_scope
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TargetStatus, TeamMember
from spotcheck.tenants.results.code_lookup import locate
from spotcheck.tenants.results.codes import business_steps, evaluation_until, state_of
from spotcheck.tenants.results.models import RecusalRequest, Visit
from spotcheck.tenants.results.queries.visits import team_of
from spotcheck.tenants.results.vocabulary import CheckState, RecusalRequestStatus
from spotcheck.tenants.rules.rulebook import rules_for


@dataclass(frozen=True)
class PublicCheck:
    """An inspection as its code's public page shows it."""

    state: CheckState
    token: str  # its page's (a typed code's page counts as a scan of it)
    department: str
    entity_name: str
    campaign_code: str
    campaign_title: str
    window_start: date | None
    window_end: date | None
    items: list[tuple[str, str]]  # (name, 检查依据)
    team: list[tuple[str, str, bool]]  # (name, 执法证号, 组长)
    arrived_at: datetime | None
    left_at: datetime | None
    joint: bool
    late: bool  # 补录: the times were recorded after the fact, with a reason
    confirmed_at: datetime | None  # the business confirmed, with its code, that the team came
    recusal_asked: bool  # a business's request that an inspector withdraw is waiting
    #: The last day the business may evaluate (after 离企). Whether it did is the justice bureau's to keep: the page
    #: offers the form until then whoever opens it, and says nothing of an evaluation.
    evaluation_until: date | None
    steps: frozenset[
        str
    ]  # what the business may do with its code now (:func:`~spotcheck.tenants.results.codes.business_steps`)
    #: Who takes a complaint, by the rules in force: 根据《行政执法监督条例》……， (empty where no rule says).
    complaint_rule: str = ""

    @property
    def may_confirm(self) -> bool:
        return "confirm" in self.steps

    @property
    def may_ask_recusal(self) -> bool:
        return "ask_recusal" in self.steps

    @property
    def may_evaluate(self) -> bool:
        return "evaluate" in self.steps


def joint_team(visit: Visit, tenant_id: int) -> tuple[Campaign, list[TeamMember]]:
    """A joint part's visit: its joint campaign and the mixed team at its door (组长 first) — read as
    the visit's department, a participant (联合检查)."""
    joint_id = int(visit.campaign.joint_id or 0)
    with joint_scope(tenant_id, joint_id):
        joint = db.session.get(Campaign, joint_id)
        if joint is None:
            raise LookupError(joint_id)  # a part without its joint campaign: not a state the data allows
        return joint, list(
            db.session.scalars(
                sa.select(TeamMember)
                .where(
                    TeamMember.campaign_id == joint_id,
                    TeamMember.entity_id == visit.entity_id,
                    TeamMember.active.is_(True),
                )
                .order_by(TeamMember.is_leader.desc(), TeamMember.group_code, TeamMember.position)
            )
        )


def _joint(visit: Visit, tenant_id: int) -> dict:
    """A joint visit as its code's page shows it (联合检查): the joint campaign, every department that
    checks there with its items, and the mixed team — read as the 组长's department, a participant."""
    joint, members = joint_team(visit, tenant_id)
    with joint_scope(tenant_id, joint.id):
        drawn_by = set(
            db.session.scalars(
                sa.select(CampaignTarget.group_code).where(
                    CampaignTarget.campaign_id == joint.id,
                    CampaignTarget.entity_id == visit.entity_id,
                    CampaignTarget.status == TargetStatus.selected,
                )
            )
        )
        team = [(m.shown_name, m.shown_cert_no, m.is_leader) for m in members]
        parts = [part for group, part in sorted((joint.joint_parts or {}).items()) if group in drawn_by]
        shown = dict(
            department="、".join(part["name"] for part in parts),
            campaign_code=joint.code or "",
            campaign_title=joint.title,
            window_start=joint.window_start,
            window_end=joint.window_end,
            team=team,
        )
    items = []
    for part in parts:
        with tenant_scope(part["tenant_id"]):
            own = db.session.get(Campaign, part["part_campaign_id"])
            items += [(f"{item.name}（{part['name']}）", item.legal_basis) for item in (own.items if own else [])]
    return {**shown, "items": items, "asked_in": joint.tenant_id}  # its 回避 requests are the lead's


def _recusal_asked(visit_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(RecusalRequest.id)
            .where(RecusalRequest.visit_id == visit_id, RecusalRequest.status == RecusalRequestStatus.pending)
            .limit(1)
        )
        is not None
    )


def public_check(*, token: str | None = None, typed: str | None = None) -> PublicCheck | None:
    """The inspection of the code given by ``token`` (the QR's URL) or ``typed``; ``None`` for a code
    that was never issued (未知)."""
    found = locate(token, typed)
    if found is None:
        return None
    tenant_id, visit_id = found
    with tenant_scope(tenant_id):
        visit = db.session.get(Visit, visit_id)
        if visit is None or visit.code is None:
            return None
        campaign, code, day = visit.campaign, visit.code, today()
        shown = (
            _joint(visit, tenant_id)
            if campaign.joint_id is not None
            else dict(
                asked_in=tenant_id,
                department=campaign.tenant.full_name,
                campaign_code=campaign.code or "",
                campaign_title=campaign.title,
                window_start=campaign.window_start,
                window_end=campaign.window_end,
                items=[(item.name, item.legal_basis) for item in campaign.items],
                team=[(member.shown_name, member.shown_cert_no, member.is_leader) for member in team_of(visit)],
            )
        )
        with tenant_scope(cast(int, shown.pop("asked_in"))):
            asked = _recusal_asked(visit_id)
        return PublicCheck(
            state=state_of(code, campaign, day),
            token=code.token,
            entity_name=visit.entity.name,
            **shown,
            arrived_at=code.arrived_at,
            left_at=code.left_at,
            joint=campaign.joint_id is not None,
            late=code.late_at is not None,
            recusal_asked=asked,
            confirmed_at=code.confirmed_at,
            steps=business_steps(code, day),
            evaluation_until=evaluation_until(code, (rules := rules_for(tenant_id)).business_evaluation_days),
            complaint_rule=rules.under("enforcement_supervisor"),
        )
