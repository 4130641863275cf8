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
from spotcheck.core.clock import now
from spotcheck.core.passwords import hash_password, password_problems, secret_digest
from spotcheck.core.actions import Action, Actions
from spotcheck.core.commands import command
from spotcheck.core.policy import ROLES_BY_TENANT_KIND, Permission, Role
from spotcheck.tenants.models import ApiToken, Tenant, TenantKind, User, UserSession
from spotcheck.core.scoping import system_access, tenant_scope

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


def _tenant_fields(*, code: str, name: str, kind: str, region_code: str, short_name: str, errors: dict) -> dict:
    """A department's fields, checked; problems go into ``errors``."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not TENANT_CODE.match(code):
        errors["code"] = [_l("Use 2–16 capital letters or digits, starting with a letter (e.g. SCJ).")]
    elif db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code)):
        errors["code"] = [_l("This code is already taken.")]
    if not name or len(name) > 100:
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
    return {"code": code, "name": name, "kind": kind_value, "region_code": region_code,
            "short_name": (short_name or "").strip()[:16]}


#: The first administrator's fields as a department's form and API name them.
ADMIN_FIELDS = {"login": "admin_login", "display_name": "admin_name", "password": "admin_password"}


@command(Permission.TENANTS_MANAGE)
def create_department(*, code: str, name: str, kind: str, region_code: str, short_name: str = "",
                      admin: dict | None = None, actor) -> Tenant:
    """Create a department (部门) and its first administrator, together or not at all: every field of
    both is checked before anything is written. Only one ``lead`` and one ``supervisor`` may exist.

    ``short_name`` heads its campaign codes (e.g. 应急 in 应急抽〔2026〕3号); the code otherwise.
    ``admin``: ``{login, display_name, password}``; its errors are reported as ``admin_login``,
    ``admin_name`` and ``admin_password``."""
    errors: dict[str, list] = {}
    fields = _tenant_fields(code=code, name=name, kind=kind, region_code=region_code, short_name=short_name,
                            errors=errors)
    admin_fields = None
    if admin is not None:
        admin_errors: dict[str, list] = {}
        admin_fields = _user_fields(login=admin.get("login"), display_name=admin.get("display_name"),
                                    password=admin.get("password"), roles=[Role.tenant_admin.value],
                                    tenant_kind=fields["kind"].value if fields["kind"] else "ordinary",
                                    errors=admin_errors)
        errors.update({ADMIN_FIELDS.get(key, key): value for key, value in admin_errors.items()})
    if errors:
        raise ValidationFailed(errors)
    tenant = Tenant(**fields)
    _insert(tenant, "code", _l("This code is already taken."))
    audit.record("tenant.created", "tenant", tenant.id, actor=actor, tenant_id=None,
                 details={"code": tenant.code, "name": tenant.name, "kind": tenant.kind.value,
                          "region_code": tenant.region_code})
    if admin_fields is not None:
        _new_user(tenant, admin_fields, actor=actor)
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


def _check_roles(roles, tenant_kind: str | None) -> list:
    allowed = ROLES_BY_TENANT_KIND[tenant_kind]
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


def _user_fields(*, login, display_name, password, roles, tenant_kind: str | None, errors: dict) -> dict:
    """A new user's fields, checked; problems go into ``errors``."""
    login = (login or "").strip().lower()
    display_name = (display_name or "").strip()
    roles = sorted(set(roles or ()))
    if not LOGIN.match(login):
        errors["login"] = [_l("Use 3–64 lowercase letters, digits, dots, dashes or underscores, starting with a letter.")]
    else:
        with system_access("check that a login is free in every department"):
            if db.session.scalar(sa.select(User.id).where(User.login == login)):
                errors["login"] = [_l("This login is already taken.")]
    if not display_name or len(display_name) > 100:
        errors["display_name"] = [_l("Enter the person's name.")]
    if problems := password_problems(password or ""):
        errors["password"] = problems
    if problems := _check_roles(roles, tenant_kind):
        errors["roles"] = problems
    return {"login": login, "display_name": display_name, "password": password, "roles": roles}


def _new_user(tenant: Tenant | None, fields: dict, *, actor) -> User:
    tenant_id = tenant.id if tenant else None
    with tenant_scope(tenant_id) if tenant_id else system_access("create a platform administrator"):
        user = User(tenant_id=tenant_id, login=fields["login"], display_name=fields["display_name"],
                    password_hash=hash_password(fields["password"]), roles=fields["roles"],
                    session_stamp=new_session_stamp())
        _insert(user, "login", _l("This login is already taken."))
        audit.record("user.created", "user", user.id, actor=actor, tenant_id=tenant_id,
                     details={"login": user.login, "roles": user.roles})
    return user


@command(Permission.USERS_MANAGE)
def create_user(*, login: str, display_name: str, password: str, roles: list[str], actor) -> User:
    """Create a user in the administrator's own department."""
    errors: dict[str, list] = {}
    fields = _user_fields(login=login, display_name=display_name, password=password, roles=roles,
                          tenant_kind=actor.tenant.kind.value, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    return _new_user(actor.tenant, fields, actor=actor)


@command(Permission.PLATFORM_BOOTSTRAP)
def create_platform_admin(*, login: str, display_name: str, password: str, actor) -> User:
    """Create a platform administrator (平台管理员), from the server's console."""
    errors: dict[str, list] = {}
    fields = _user_fields(login=login, display_name=display_name, password=password,
                          roles=[Role.platform_admin.value], tenant_kind=None, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    return _new_user(None, fields, actor=actor)


@command(Permission.USERS_MANAGE)
def update_user(user: User, *, display_name: str | None = None, roles: list[str] | None = None,
                active: bool | None = None, unlock: bool = False, actor) -> User:
    """Change a user's name, roles or active flag, or clear a lockout (each change audited)."""
    _own(user, actor)
    if unlock and user.is_locked:
        unlock_user(user, actor=actor)
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
        if problems := _check_roles(roles, user.tenant.kind.value if user.tenant else None):
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
            end_user_access(user)
    if changes:
        db.session.flush()
        audit.record("user.updated", "user", user.id, actor=actor, tenant_id=user.tenant_id, details=changes)
    return user


@command(Permission.USERS_MANAGE)
def unlock_user(user: User, *, actor) -> User:
    """Clear a login lockout (解除锁定)."""
    _own(user, actor)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("user.unlocked", "user", user.id, actor=actor, tenant_id=user.tenant_id)
    return user


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End the user's open sessions on the server, but the one whose key is ``keep`` (inside a command)."""
    moment, ended = now(), 0
    with system_access("end a user's sessions"):
        rows = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id,
                                                               UserSession.revoked_at.is_(None))).all()
        for row in rows:
            if keep is None or row.key_hash != secret_digest(keep):
                row.revoked_at, ended = moment, ended + 1
        db.session.flush()
    return ended


def end_user_access(user: User) -> None:
    """End every session and revoke every API token of ``user`` (a deactivation: reactivating the
    account later revives neither)."""
    end_sessions(user)
    with system_access("revoke a user's API tokens"):
        for token in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                                  ApiToken.revoked_at.is_(None))):
            token.revoked_at = now()
        db.session.flush()


def _own(user: User, actor) -> None:
    """A department's administrator manages the users of that department only."""
    if user.tenant_id is None or user.tenant_id != actor.tenant_id:
        raise NotFound(_l("No such user."))


USER_ACTIONS = Actions(
    Action("edit", Permission.USERS_MANAGE, lambda user: True, ""),
    Action("unlock", Permission.USERS_MANAGE, lambda user: user.is_locked, _l("This user is not locked.")),
)


def _insert(obj, unique_field: str, message) -> None:
    """Add ``obj``; a unique-constraint clash becomes a field error instead of a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed({unique_field: [message]}) from None
