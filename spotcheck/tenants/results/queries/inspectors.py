"""Reading an inspector's link to a user account (检查人员与账号关联)."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.inspectors.models import Inspector


def linked_user(inspector: Inspector) -> User | None:
    return db.session.get(User, inspector.user_id) if inspector.user_id else None


def linkable_users(inspector: Inspector) -> list[User]:
    """The department's active inspectors' accounts not linked to another entry."""
    taken = sa.select(Inspector.user_id).where(Inspector.user_id.is_not(None), Inspector.id != inspector.id)
    users = db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.id.not_in(taken)).order_by(User.login)
    ).all()
    return [user for user in users if user.has_role("inspector")]
