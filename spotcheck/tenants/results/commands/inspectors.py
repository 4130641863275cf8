"""The inspector's link to a user account (检查人员与账号关联), as a command: what lets a drawn
inspector record the results of their own visits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.inspectors.models import Inspector


@command(Permission.USERS_MANAGE)
def link_inspector(inspector_id: int, data: object, *, actor: Actor) -> Inspector:
    """Link an inspector entry to the person's user account (``data["user_id"]``; one person, one
    link), or unlink it with ``None``. The account must be an inspector of the same department; an
    account of another name is linked only when ``data["other_name"]`` confirms it is the same person."""
    inspector = get_row(Inspector, inspector_id, _l("No such inspector."), for_update=True)
    given = data if isinstance(data, dict) else {}
    user_id = given.get("user_id")
    if user_id is None:
        inspector.user_id = None
        audit.record("inspector.unlinked", "inspector", inspector.id, actor=actor, details={"cert": inspector.cert_no})
        return inspector
    user = db.session.scalar(sa.select(User).where(User.id == user_id)) if is_row_id(user_id) else None
    if user is None or user.tenant_id != inspector.tenant_id:
        raise InvalidInputError({"user_id": [_l("No such user in this department.")]})
    if not user.has_role("inspector"):
        raise InvalidInputError({"user_id": [_l("Only a user with the inspector role can be linked.")]})
    taken = db.session.scalar(sa.select(Inspector).where(Inspector.user_id == user.id, Inspector.id != inspector.id))
    if taken is not None:
        raise InvalidInputError(
            {
                "user_id": [
                    _l("This user is already linked to %(name)s (%(cert)s).", name=taken.name, cert=taken.cert_no)
                ]
            }
        )
    if user.display_name.strip() != inspector.name.strip() and not given.get("other_name"):
        raise InvalidInputError(
            {
                "other_name": [
                    _l(
                        "The account is %(account)s's and the entry %(name)s's: confirm that they are the same "
                        "person to link them.",
                        account=user.display_name,
                        name=inspector.name,
                    )
                ]
            }
        )
    inspector.user_id = user.id
    audit.record(
        "inspector.linked",
        "inspector",
        inspector.id,
        actor=actor,
        details={"cert": inspector.cert_no, "login": user.login},
    )
    return inspector
