"""The justice bureau that supervises a department (监督部门): the one place that says which bureau takes a
business's complaint about an inspection. Today one bureau supervises every department of the deployment (the
active department of kind ``supervisor``); when regions come, the bureau of the department's region (or the
nearest above) — callers already name the department."""
from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.vocabulary import TenantKind


def supervising_bureau(tenant_id: int | None) -> Tenant | None:
    """The justice bureau that supervises department ``tenant_id`` (``None``: the deployment's), or ``None``
    while the platform has none."""
    return db.session.scalar(sa.select(Tenant).where(Tenant.kind == TenantKind.supervisor, Tenant.active.is_(True))
                             .order_by(Tenant.id).limit(1))
