"""What became of what the business asked (办理结果), for the business alone: given its 企业核验码 on the code's page,
its requests that an inspector withdraw (申请回避) — accepted or refused, why, and who replaced the inspector —, its
complaints to the justice bureau — received, forwarded to the department or not, and the bureau's answer — and its
evaluation (recorded). Nobody without the code reads any of it: the code is checked as a password is, and a wrong
one reads nothing and names the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.campaigns.team_places import successor
from spotcheck.tenants.results.code_lookup import locate
from spotcheck.tenants.results.codes import business_matches
from spotcheck.tenants.results.commands.business import WRONG_CODE
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest
from spotcheck.tenants.results.queries.codes import joint_team
from spotcheck.tenants.results.vocabulary import RecusalRequestStatus
from spotcheck.tenants.supervision.bureau import evaluated_at, supervising_bureau
from spotcheck.tenants.supervision.models import Complaint, ComplaintForward, ComplaintStatus


@dataclass(frozen=True)
class RecusalOutcome:
    """A request that an inspector withdraw, as the business reads its outcome."""

    inspector: str  # name （执法证号）
    reason: str
    asked_at: datetime
    status: RecusalRequestStatus
    decided_at: datetime | None
    decision_reason: str
    replaced_by: str  # name （执法证号） of who took the inspector's place; "" while not replaced


@dataclass(frozen=True)
class ComplaintOutcome:
    """A complaint, as the business reads its outcome: the bureau's handling, never the department's answer."""

    made_at: datetime
    text: str
    status: ComplaintStatus
    forwarded: bool
    forwarded_named: bool  # forwarded with the business's name
    answer: str
    answered_at: datetime | None


@dataclass(frozen=True)
class Outcomes:
    entity_name: str
    joint: bool
    recusals: list[RecusalOutcome]
    complaints: list[ComplaintOutcome]
    evaluated_at: datetime | None


def _member(member: TeamMember) -> str:
    return f"{member.shown_name}（{member.shown_cert_no}）"


def _replacement(member: TeamMember) -> str:
    """Who took ``member``'s place on the team (:func:`~spotcheck.tenants.campaigns.team_places.successor`)."""
    found = successor(member)
    return _member(found) if found is not None else ""


def _recusals(visit_id: int) -> list[RecusalOutcome]:
    rows = db.session.scalars(
        sa.select(RecusalRequest)
        .where(RecusalRequest.visit_id == visit_id)
        .order_by(RecusalRequest.requested_at, RecusalRequest.id)
    )
    return [
        RecusalOutcome(
            inspector=_member(r.member),
            reason=r.reason,
            asked_at=r.requested_at,
            status=r.status,
            decided_at=r.decided_at,
            decision_reason=r.decision_reason,
            replaced_by=_replacement(r.member) if r.status == RecusalRequestStatus.accepted else "",
        )
        for r in rows
    ]


def _complaints(visit_id: int, about: int) -> list[ComplaintOutcome]:
    """The complaints about the visit, in the bureau's rows (read in the bureau's scope)."""
    bureau = supervising_bureau(about)
    if bureau is None:
        return []
    with tenant_scope(bureau.id):
        rows = list(
            db.session.scalars(
                sa.select(Complaint).where(Complaint.visit_id == visit_id).order_by(Complaint.created_at, Complaint.id)
            )
        )
        forwards = (
            {
                f.complaint_id: f
                for f in db.session.scalars(
                    sa.select(ComplaintForward).where(ComplaintForward.complaint_id.in_([r.id for r in rows]))
                )
            }
            if rows
            else {}
        )
        return [
            ComplaintOutcome(
                made_at=r.created_at,
                text=r.text,
                status=r.status,
                forwarded=r.id in forwards,
                forwarded_named=r.id in forwards and forwards[r.id].named,
                answer=r.answer,
                answered_at=r.answered_at,
            )
            for r in rows
        ]


def business_outcomes(token: str, data: Mapping[str, object]) -> Outcomes:
    """The outcomes of what the business asked about the inspection of ``token``, once ``data["business_code"]`` is
    its 企业核验码: NotFoundError for a code never issued, a refusal naming the field for a wrong business code."""
    found = locate(token)
    if found is None:
        raise NotFoundError(_l("No inspection has this code."))
    tenant_id, visit_id = found
    with tenant_scope(tenant_id):
        code = db.session.scalar(sa.select(InspectionCode).where(InspectionCode.visit_id == visit_id))
        if code is None:
            raise NotFoundError(_l("No inspection has this code."))
        if not business_matches(code, str((data if isinstance(data, dict) else {}).get("business_code") or "")):
            raise InvalidInputError({"business_code": [WRONG_CODE]})
        visit = code.visit
        joint = visit.campaign.joint_id is not None
        # a joint visit's requests are about its mixed team, kept by the lead department
        asked_in = joint_team(visit, tenant_id)[0].tenant_id if joint else tenant_id
        entity_name = visit.entity.name
    with tenant_scope(asked_in):
        recusals = _recusals(visit_id)
    return Outcomes(
        entity_name=entity_name,
        joint=joint,
        recusals=recusals,
        complaints=_complaints(visit_id, tenant_id),
        evaluated_at=evaluated_at(visit_id, tenant_id),
    )
