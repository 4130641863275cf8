"""辖区 (a region's branch): the departments a region's justice bureau and market-regulation lead read across —
those of their department's region and of every region below it — as the kernel's cross-department path asks for
them (:func:`spotcheck.core.scoping.branch_of`, which the app factory points here), and lists of departments cut to
what the current scope reads."""

from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa

from spotcheck.core.database import db, one_of
from spotcheck.core.scoping import current_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.queries import departments_in_branch

S = TypeVar("S", bound=sa.Select)


def of_department(tenant_id: int) -> frozenset[int]:
    """The departments of department ``tenant_id``'s region and of the regions below it (none for no department)."""
    region_id = db.session.scalar(sa.select(Tenant.region_id).where(Tenant.id == tenant_id))
    return departments_in_branch(region_id) if region_id is not None else frozenset()


def within_reach(statement: S) -> S:
    """``statement`` (it selects departments) cut to the departments the current scope reads: a bureau's branch
    across departments, one's own department otherwise; every department only in the platform's own scope."""
    reached = current_scope().reached
    return statement if reached is None else statement.where(one_of(Tenant.id, reached))
