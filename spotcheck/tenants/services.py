"""Tenant and user administration (部门与用户管理)."""
from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from spotcheck.core import audit
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.core.passwords import hash_password, password_problems
from spotcheck.core.policy import ROLES_BY_TENANT_KIND, Role
from spotcheck.tenants.models import Tenant, TenantKind, User
from spotcheck.core.scoping import tenant_scope

TENANT_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
REGION_CODE = re.compile(r"^\d{6}$")  # GB/T 2260
LOGIN = re.compile(r"^[a-z][a-z0-9_.-]{2,63}$")


def new_session_stamp() -> str:
    return secrets.token_hex(8)


# --- tenants ------------------------------------------------------------------------------


def list_tenants() -> list[Tenant]:
    return list(db.session.scalars(sa.select(Tenant).order_by(Tenant.code)))


def get_tenant(tenant_id: int) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound(_l("No such department."))
    return tenant


def create_tenant(*, code: str, name: str, kind: str, region_code: str, short_name: str = "", actor=None) -> Tenant:
    """Create a department (部门). Only one ``lead`` and one ``supervisor`` may exist.

    ``short_name`` heads its campaign codes (e.g. 应急 in 应急抽〔2026〕3号); the code otherwise."""
    errors: dict[str, list] = {}
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not TENANT_CODE.match(code):
        errors["code"] = [_l("Use 2–16 capital letters or digits, starting with a letter (e.g. SCJ).")]
    if not name:
        errors["name"] = [_l("Enter the department's name.")]
    try:
        kind_value = TenantKind(kind)
    except ValueError:
        errors["kind"] = [_l("Choose lead, supervisor or ordinary.")]
        kind_value = None
    if not REGION_CODE.match(region_code or ""):
        errors["region_code"] = [_l("Enter the 6-digit administrative division code (GB/T 2260).")]
    if kind_value in (TenantKind.lead, TenantKind.supervisor) and db.session.scalar(
        sa.select(sa.func.count()).select_from(Tenant).where(Tenant.kind == kind_value)
    ):
        errors["kind"] = [_l("There is already a department of this kind.")]
    if errors:
        raise ValidationFailed(errors)
    tenant = Tenant(code=code, name=name, kind=kind_value, region_code=region_code,
                    short_name=(short_name or "").strip()[:16])
    _insert(tenant, "code", _l("This code is already taken."))
    audit.record("tenant.created", "tenant", tenant.id, actor=actor, tenant_id=None,
                 details={"code": code, "name": name, "kind": kind_value.value, "region_code": region_code})
    return tenant


# --- users --------------------------------------------------------------------------------


def list_users() -> list[User]:
    """Users of the current tenant."""
    return list(db.session.scalars(sa.select(User).order_by(User.login)))


def get_user(user_id: int) -> User:
    user = db.session.scalar(sa.select(User).where(User.id == user_id))
    if user is None:
        raise NotFound(_l("No such user."))
    return user


def _check_roles(roles, tenant: Tenant | None) -> list:
    allowed = ROLES_BY_TENANT_KIND[tenant.kind.value if tenant else None]
    problems = []
    if not roles:
        problems.append(_l("Give the user at least one role."))
    for role in roles or ():
        try:
            if Role(role) not in allowed:
                problems.append(_l("The role %(role)s is not available in this department.", role=role))
        except ValueError:
            problems.append(_l("Unknown role %(role)s.", role=role))
    return problems


def create_user(*, tenant: Tenant | None, login: str, display_name: str, password: str, roles: list[str],
                actor=None) -> User:
    """Create a user in ``tenant`` (``None``: a platform administrator)."""
    login = (login or "").strip().lower()
    display_name = (display_name or "").strip()
    roles = sorted(set(roles or ()))
    errors: dict[str, list] = {}
    if not LOGIN.match(login):
        errors["login"] = [_l("Use 3–64 lowercase letters, digits, dots, dashes or underscores, starting with a letter.")]
    if not display_name:
        errors["display_name"] = [_l("Enter the person's name.")]
    if problems := password_problems(password or ""):
        errors["password"] = problems
    if problems := _check_roles(roles, tenant):
        errors["roles"] = problems
    if errors:
        raise ValidationFailed(errors)
    tenant_id = tenant.id if tenant else None
    with tenant_scope(tenant_id) if tenant_id else _platform_scope():
        user = User(
            tenant_id=tenant_id, login=login, display_name=display_name, password_hash=hash_password(password),
            roles=roles, session_stamp=new_session_stamp(),
        )
        _insert(user, "login", _l("This login is already taken."))
        audit.record("user.created", "user", user.id, actor=actor, tenant_id=tenant_id,
                     details={"login": login, "roles": roles})
    return user


def _platform_scope():
    from spotcheck.core.scoping import system_access

    return system_access("create a platform administrator")


def update_user(user: User, *, display_name: str | None = None, roles: list[str] | None = None,
                active: bool | None = None, actor=None) -> User:
    """Change a user's name, roles or active flag (each change audited)."""
    changes: dict = {}
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name:
            raise ValidationFailed({"display_name": [_l("Enter the person's name.")]})
        if display_name != user.display_name:
            changes["display_name"] = [user.display_name, display_name]
            user.display_name = display_name
    if roles is not None:
        roles = sorted(set(roles))
        if problems := _check_roles(roles, user.tenant):
            raise ValidationFailed({"roles": problems})
        if actor is not None and actor.id == user.id and Role.tenant_admin.value in user.roles and Role.tenant_admin.value not in roles:
            raise ValidationFailed({"roles": [_l("You cannot remove your own administrator role.")]})
        if roles != sorted(user.roles):
            changes["roles"] = [sorted(user.roles), roles]
            user.roles = roles
    if active is not None and active != user.active:
        if actor is not None and actor.id == user.id and not active:
            raise ValidationFailed({"active": [_l("You cannot deactivate yourself.")]})
        changes["active"] = [user.active, active]
        user.active = active
        if not active:
            user.session_stamp = new_session_stamp()
    if changes:
        db.session.flush()
        audit.record("user.updated", "user", user.id, actor=actor, tenant_id=user.tenant_id, details=changes)
    return user


def unlock_user(user: User, *, actor=None) -> User:
    user.failed_logins = 0
    user.locked_until = None
    audit.record("user.unlocked", "user", user.id, actor=actor, tenant_id=user.tenant_id)
    return user


def _insert(obj, unique_field: str, message) -> None:
    """Add ``obj``; a unique-constraint clash becomes a field error instead of a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed({unique_field: [message]}) from None
