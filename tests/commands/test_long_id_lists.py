"""A list of a province's size in one condition (一次查询中的长名单): a frame may leave out 100,000 businesses at their
yearly cap, more than any driver binds as separate parameters (PostgreSQL 65,535; SQLite 32,766). ``one_of`` gives
such a list as one parameter, and the answer is the same as a short list's."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db, one_of
from spotcheck.core.scoping import system_access
from spotcheck.tenants.directory.models import Entity


def test_a_list_longer_than_any_drivers_limit_is_one_parameter(app):
    with app.app_context(), system_access("count the registry"):
        ids = list(db.session.scalars(sa.select(Entity.id).order_by(Entity.id).limit(50)))
        wanted = ids + list(range(10_000_000, 10_100_000))  # 100,050 ids, 100,000 of them no business's
        found = set(db.session.scalars(sa.select(Entity.id).where(one_of(Entity.id, wanted))))
        assert found == set(ids)
