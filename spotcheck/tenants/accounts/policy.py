"""部门与用户的规则: what a department's administrator may do to a user (编辑、解除锁定), and
whose users they manage (their own department's only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.errors import NotFound
from spotcheck.core.policy import Permission

USER_ACTIONS = Actions(
    Action("edit", Permission.USERS_MANAGE, lambda user: True, ""),
    Action("unlock", Permission.USERS_MANAGE, lambda user: user.is_locked, _l("This user is not locked.")),
)


def require_own(user, actor) -> None:
    """A department's administrator manages the users of that department only."""
    if user.tenant_id is None or user.tenant_id != actor.tenant_id:
        raise NotFound(_l("No such user."))

