"""The justice bureau that supervises a department (监督部门): the one place that says which bureau takes a
business's complaint about an inspection and keeps its evaluation of it (and whether it has one). Each region may
have its bureau; a department is supervised by the bureau of its region, or of the nearest region above that has
one (《行政执法监督条例》第二条、第六条: the 司法行政部门 of every county and above supervises its own level)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.supervision.models import Evaluation


def supervising_bureau(tenant_id: int) -> Tenant | None:
    """The justice bureau that supervises department ``tenant_id`` (its region's, or the nearest above), or
    ``None`` while no region up to the root has one."""
    return accounts.bureau_of(tenant_id)


def evaluated_at(visit_id: int, about: int) -> datetime | None:
    """When the business evaluated visit ``visit_id`` of department ``about`` (``None``: not yet), read in the scope
    of the justice bureau that supervises the department, whose row the evaluation is: for the page of the holder of
    the visit's 企业核验码 alone (评价：已记录) — the public page of its code and the department say nothing of it."""
    bureau = supervising_bureau(about)
    if bureau is None:
        return None
    with tenant_scope(bureau.id):
        return db.session.scalar(sa.select(Evaluation.evaluated_at).where(Evaluation.visit_id == visit_id))
