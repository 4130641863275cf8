"""部门与用户的规则: what a department's administrator may do to a user (编辑、解除锁定), and
whose users they manage (their own department's only); what the platform administrator may do to a
department's administrators (重置密码、重置两步验证、停用、启用)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission, Role, kind_of, permissions_held, permissions_of
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.accounts.second_factor import has_factor

USER_ACTIONS = Actions(
    Action("edit", Permission.USERS_MANAGE, lambda user: True, ""),
    Action("unlock", Permission.USERS_MANAGE, lambda user: user.is_locked, _l("This user is not locked.")),
    # 重置两步验证: a lost phone and lost recovery codes; an administrator's is the platform administrator's to reset
    Action(
        "reset_second_factor",
        Permission.USERS_MANAGE,
        lambda user: has_factor(user) and not is_department_admin(user),
        lambda user: (
            _l("An administrator's second factor is reset by the platform administrator.")
            if is_department_admin(user)
            else _l("This user has no second factor to reset.")
        ),
    ),
)


def require_own(user: User, actor: Actor) -> None:
    """A department's administrator manages the users of that department only."""
    if user.tenant_id is None or user.tenant_id != actor.tenant_id:
        raise NotFoundError(_l("No such user."))


def may_link_identity(user: User, actor: Actor) -> bool:
    """Whether ``actor`` may link an account of the identity platform to ``user`` (关联统一身份认证账号): a user of
    their own department (:func:`require_own` first) who holds no permission beyond the administrator's own. A staff
    member's roles are those the administrator gives; another administrator holding more than the actor (an
    administrator who is also the leader, say) may not be linked by them — whoever links to them acts as them."""
    if Permission.USERS_MANAGE not in permissions_of(user.roles, kind_of(user)):
        return True
    return permissions_of(user.roles, kind_of(user)) <= permissions_held(actor)


def is_department_admin(user: User) -> bool:
    return Role.tenant_admin.value in (user.roles or ())


#: The platform administrator's actions on a department's users: its administrators only (the other
#: users are the department's own administrator's to manage).
DEPARTMENT_ADMIN_ACTIONS = Actions(
    Action(
        "reset_password",
        Permission.TENANTS_MANAGE,
        lambda user: is_department_admin(user) and user.active,
        lambda user: (
            _l("Enable this administrator first.")
            if is_department_admin(user)
            else _l(
                "Only a department administrator's password is reset here; the department's administrator "
                "manages its other users."
            )
        ),
    ),
    Action(
        "reset_second_factor",
        Permission.TENANTS_MANAGE,
        lambda user: is_department_admin(user) and has_factor(user),
        lambda user: (
            _l("This administrator has no second factor to reset.")
            if is_department_admin(user)
            else _l(
                "Only a department administrator's second factor is reset here; the department's administrator "
                "manages its other users."
            )
        ),
    ),
    Action(
        "disable",
        Permission.TENANTS_MANAGE,
        lambda user: is_department_admin(user) and user.active,
        lambda user: (
            _l("This administrator is disabled already.")
            if is_department_admin(user)
            else _l(
                "Only a department administrator is disabled here; the department's administrator manages "
                "its other users."
            )
        ),
    ),
    Action(
        "enable",
        Permission.TENANTS_MANAGE,
        lambda user: is_department_admin(user) and not user.active,
        lambda user: (
            _l("This administrator is active.")
            if is_department_admin(user)
            else _l(
                "Only a department administrator is enabled here; the department's administrator manages "
                "its other users."
            )
        ),
    ),
)
