"""The justice bureau that supervises a department (监督部门): the one place that says which bureau takes a
business's complaint about an inspection and keeps its evaluation of it (and whether it has one). Today one bureau
supervises every department of the deployment (the active department of kind ``supervisor``); when regions come,
the bureau of the department's region (or the nearest above) — callers already name the department."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.vocabulary import TenantKind
from spotcheck.tenants.supervision.models import Evaluation


def supervising_bureau(tenant_id: int | None) -> Tenant | None:
    """The justice bureau that supervises department ``tenant_id`` (``None``: the deployment's), or ``None``
    while the platform has none."""
    return db.session.scalar(
        sa.select(Tenant)
        .where(Tenant.kind == TenantKind.supervisor, Tenant.active.is_(True))
        .order_by(Tenant.id)
        .limit(1)
    )


def evaluated_at(visit_id: int) -> datetime | None:
    """When the business evaluated visit ``visit_id`` (``None``: not yet), read in the justice bureau's scope, whose
    row the evaluation is: for the page of the holder of the visit's 企业核验码 alone (评价：已记录) — the public page
    of its code and the department say nothing of it."""
    bureau = supervising_bureau(None)
    if bureau is None:
        return None
    with tenant_scope(bureau.id):
        return db.session.scalar(sa.select(Evaluation.evaluated_at).where(Evaluation.visit_id == visit_id))
