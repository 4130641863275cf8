"""部门管理员的管理: the platform administrator's care of each department's administrators (部门管理员)
— adding one, resetting one's password (a temporary password shown once) or second factor (a lost phone),
disabling and enabling one. The platform administrator belongs to no department: every command here works inside the one
department named (:func:`tenant_scope`), finds the user there or nowhere (NotFoundError), and records
its entry in that department's audit chain, so the department sees who changed its administrators.
The department's other users are its own administrator's to manage (:mod:`.administration`)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import get_row
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.passwords import hash_password, password_problems
from spotcheck.core.policy import Permission, Role
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.commands.administration import _new_user, _user_fields
from spotcheck.tenants.accounts.commands.second_factor import reset_second_factor_of
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.accounts.policy import DEPARTMENT_ADMIN_ACTIONS
from spotcheck.tenants.accounts.queries import get_tenant
from spotcheck.tenants.accounts.sessions import end_user_access

#: The letters of a temporary password: none that reads like another (0/O, 1/l/I).
_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789")
TEMPORARY_LENGTH = 12


def temporary_password() -> str:
    """A random password that meets the rules (12 characters of three kinds), to be read out once."""
    while True:
        password = "".join(secrets.choice("".join(_ALPHABETS)) for _ in range(TEMPORARY_LENGTH))
        if all(any(c in alphabet for c in password) for alphabet in _ALPHABETS) and not password_problems(password):
            return password


@contextmanager
def _in_department(tenant_id: int) -> Iterator[Tenant]:
    """Work inside the department ``tenant_id`` (and nowhere else) for the platform administrator."""
    tenant = get_tenant(tenant_id)
    with tenant_scope(tenant.id):
        yield tenant


def _its_user(tenant_id: int, user_id: int) -> User:
    """The department's user, locked for the change; a user of another department does not exist here."""
    user = get_row(User, user_id, _l("No such user."), for_update=True)  # in the department's scope: its own only
    if user.tenant_id != tenant_id:
        raise NotFoundError(_l("No such user."))
    return user


@command(Permission.TENANTS_MANAGE)
def create_department_admin(tenant_id: int, data: dict, *, actor: Actor) -> User:
    """Add an administrator (部门管理员) to a department (``login``, ``display_name``, ``password``)."""
    with _in_department(tenant_id) as tenant:
        errors: dict[str, list] = {}
        fields = _user_fields({**(data or {}), "roles": [Role.tenant_admin.value]}, tenant.kind.value, errors)
        if errors:
            raise InvalidInputError(errors)
        return _new_user(tenant, fields, actor=actor)


@command(Permission.TENANTS_MANAGE)
def reset_admin_password(tenant_id: int, user_id: int, data: dict | None = None, *, actor: Actor) -> tuple[User, str]:
    """Give a department's administrator a new temporary password (重置密码), returned once and
    never stored in clear: the old password stops working, a lockout is cleared, every session and
    API token of theirs ends (whoever held the old password is out), and at their next sign-in they
    must choose their own password before anything else."""
    with _in_department(tenant_id):
        user = _its_user(tenant_id, user_id)
        DEPARTMENT_ADMIN_ACTIONS.require(user, actor, "reset_password")
        password = temporary_password()
        user.password_hash = hash_password(password)
        user.must_change_password = True  # one use: they choose their own at the next sign-in
        user.failed_logins, user.locked_until = 0, None
        end_user_access(user)
        audit.record(
            "user.password_reset", "user", user.id, actor=actor, tenant_id=user.tenant_id, details={"login": user.login}
        )
        return user, password


@command(Permission.TENANTS_MANAGE)
def reset_admin_second_factor(tenant_id: int, user_id: int, data: dict | None = None, *, actor: Actor) -> User:
    """Take a department administrator's second factor away (重置两步验证: a lost or changed phone): the secret and
    the recovery codes are gone, every session of theirs ends and every API token is revoked (whoever holds the lost
    phone and the password may have made one), and at their next sign-in they set up a new one where the deployment
    requires it."""
    with _in_department(tenant_id):
        user = _its_user(tenant_id, user_id)
        DEPARTMENT_ADMIN_ACTIONS.require(user, actor, "reset_second_factor")
        reset_second_factor_of(user, actor)
        return user


@command(Permission.TENANTS_MANAGE)
def set_admin_active(tenant_id: int, user_id: int, data: dict, *, actor: Actor) -> User:
    """Disable (停用) or enable (启用) a department's administrator (``active``). Disabling ends every
    session and API token of theirs at once; enabling revives none of them. The only administrator
    of a department may be disabled too (an account taken over must be stopped at once): the page
    says so, and another can be added here."""
    active = bool((data or {}).get("active"))
    with _in_department(tenant_id):
        user = _its_user(tenant_id, user_id)
        DEPARTMENT_ADMIN_ACTIONS.require(user, actor, "enable" if active else "disable")
        user.active = active
        if not active:
            end_user_access(user)
        audit.record(
            "user.updated",
            "user",
            user.id,
            actor=actor,
            tenant_id=user.tenant_id,
            details={"active": [not active, active], "login": user.login},
        )
        return user
