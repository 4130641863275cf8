"""演示监督与共享: what follows the results — the credit-system export (信用信息共享), the justice
bureau's notice of criticism (通报) and 应急管理局's statistical tables (报表报送)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import user_named
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.exports import commands as exports
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.models import Criticism
from spotcheck.tenants.supervision.submission_models import ReportSubmission


def credit_export(tenants: dict[str, Tenant]) -> None:
    """The results published above go to the credit system (信用信息共享): each department's batch,
    built and delivered as the scheduler does it (into ``SPOTCHECK_EXPORT_DIR``, by default
    ``<storage>/credit-export``). Nothing is pending when the demo is loaded again: nothing is built."""
    for tenant in tenants.values():
        with tenant_scope(tenant.id):
            if exports.build_batch(actor=SCHEDULER) is not None:
                exports.deliver_waiting(SCHEDULER)


def criticism(*, year: int, today: date) -> None:
    """A notice of criticism (通报) of the first half-year, drafted from the figures by the justice
    bureau's supervisor and approved by its leader once the half-year is over: the departments
    named find it in their inbox. Left alone when the demo has one already."""
    if date(year, 7, 1) > today:
        return
    supervisor, leader = user_named("sfj_supervisor"), user_named("sfj_leader")
    with tenant_scope(supervisor.tenant_id):
        if db.session.scalar(sa.select(Criticism.id).limit(1)) is not None:
            return
        draft = supervision.draft({"period": f"{year}H1"}, actor=supervisor)
        if draft.findings:
            supervision.approve(draft.id, actor=leader)


def submissions(*, year: int, today: date) -> None:
    """应急管理局's statistical tables of the first half-year (报表报送): the progress table (文件001附件2)
    prepared by its planner and signed by its leader before 1 July, the non-market-field table
    (附件5) signed late, on 3 July; the other departments have submitted nothing (missing on the
    justice bureau's overview). Left alone once 应急管理局 has submitted anything."""
    if date(year, 7, 3) > today:
        return
    planner, leader = user_named("yjj_planner"), user_named("yjj_leader")
    with tenant_scope(leader.tenant_id):
        if db.session.scalar(sa.select(ReportSubmission.id).limit(1)) is not None:
            return
        period = f"{year}H1"
        with clock.frozen_at(date(year, 6, 26)):
            prepared = supervision.prepare({"code": "progress", "period": period, "contact": planner.display_name, "phone": "0571-87000001"},
                                           actor=planner)
        with clock.frozen_at(date(year, 6, 29)):
            supervision.submit({"code": "progress", "period": period, "digest": prepared.digest}, actor=leader)
        with clock.frozen_at(date(year, 7, 3)):
            supervision.submit({"code": "practice", "period": period, "contact": planner.display_name, "phone": "0571-87000001"}, actor=leader)
