"""Summaries for home pages: departments with their user counts, users by role."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.policy import Role
from spotcheck.tenants.models import Tenant, User
from spotcheck.core.scoping import cross_tenant


def departments(reader=None) -> list[dict]:
    """Every department; with ``reader`` (supervisor or coordinator) also its active users,
    read across tenants through the explicit opt-out."""
    tenants = db.session.scalars(sa.select(Tenant).order_by(Tenant.kind, Tenant.code)).all()
    counts: dict[int, int] = {}
    if reader is not None:
        with cross_tenant(reader, "department overview"):
            counts = dict(db.session.execute(
                sa.select(User.tenant_id, sa.func.count()).where(User.active.is_(True)).group_by(User.tenant_id)
            ).all())
    return [{"tenant": t, "users": counts.get(t.id)} for t in tenants]


def user_counts() -> list[tuple[str, int]]:
    """Active users of the current tenant per role, in the order of the role table."""
    counter: Counter = Counter()
    for roles in db.session.scalars(sa.select(User.roles).where(User.active.is_(True))):
        counter.update(roles or ())
    order = [role.value for role in Role]
    return sorted(counter.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
