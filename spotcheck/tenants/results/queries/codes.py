"""The public page of an inspection code (检查码核验): what anyone who scans or types a code may read
of its inspection — genuine or not, its state, the department, the campaign's number, its items with
their basis, the window, the team as it stands now (names and 执法证号, as the public inspector
directory shows them) and the times of 入企 and 离企. Nothing else: no ID number, no business code.

The code is found by its token or typed characters across departments (the public names no
department), then everything else is read in its department's scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results.codes import evaluation_until, state_of
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest, Visit
from spotcheck.tenants.results.vocabulary import TYPED_LENGTH, CheckState, RecusalRequestStatus, normalise_typed
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
    evaluated: bool
    recusal_asked: bool  # a business's request that an inspector withdraw is waiting
    evaluation_until: date | None  # the last day the business may evaluate (after 离企)

    @property
    def may_confirm(self) -> bool:
        return self.arrived_at is not None and self.confirmed_at is None

    @property
    def may_ask_recusal(self) -> bool:
        """申请回避: until the team leaves (as :func:`~spotcheck.tenants.results.commands.request_recusal` takes it)."""
        return self.left_at is None

    @property
    def may_evaluate(self) -> bool:
        return (not self.evaluated and self.evaluation_until is not None
                and today() <= self.evaluation_until)


def locate(token: str | None, typed: str | None = None) -> tuple[int, int] | None:
    """(department, visit) of a code, by its token or its typed characters."""
    if token is not None:
        if not 16 <= len(token) <= 32:
            return None
        where = InspectionCode.token == token
    else:
        typed = normalise_typed(typed or "")
        if len(typed) != TYPED_LENGTH:
            return None
        where = InspectionCode.typed == typed
    with system_access("an inspection code looked up by the public, who names no department"):
        row = db.session.execute(sa.select(InspectionCode.tenant_id, InspectionCode.visit_id).where(where)).first()
    return None if row is None else (row.tenant_id, row.visit_id)


def _recusal_asked(visit_id: int) -> bool:
    return db.session.scalar(sa.select(RecusalRequest.id).where(
        RecusalRequest.visit_id == visit_id, RecusalRequest.status == RecusalRequestStatus.pending).limit(1)) is not None


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
        campaign, code = visit.campaign, visit.code
        team = db.session.execute(
            sa.select(Inspector.name, Inspector.cert_no, TeamMember.is_leader)
            .join(TeamMember, TeamMember.inspector_id == Inspector.id)
            .where(TeamMember.campaign_id == campaign.id, TeamMember.entity_id == visit.entity_id,
                   TeamMember.active.is_(True))
            .order_by(TeamMember.is_leader.desc(), TeamMember.position)).all()
        department = db.session.get(Tenant, tenant_id)
        return PublicCheck(
            state=state_of(code, campaign, today()), token=code.token, department=department.name if department else "",
            entity_name=visit.entity.name, campaign_code=campaign.code or "", campaign_title=campaign.title,
            window_start=campaign.window_start, window_end=campaign.window_end,
            items=[(item.name, item.legal_basis) for item in campaign.items],
            team=[(row.name, row.cert_no, row.is_leader) for row in team],
            arrived_at=code.arrived_at, left_at=code.left_at, joint=campaign.joint_id is not None,
            late=code.late_at is not None, recusal_asked=_recusal_asked(visit_id), confirmed_at=code.confirmed_at, evaluated=code.evaluated_at is not None,
            evaluation_until=evaluation_until(code, rules_for(tenant_id).business_evaluation_days))
