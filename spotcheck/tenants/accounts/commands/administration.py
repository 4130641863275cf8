"""部门与用户管理: creating departments (部门) and users (用户), and a department administrator's
changes to its users (编辑、停用、解除锁定)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import Model, db, get_row
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.passwords import NO_PASSWORD, hash_password, password_problems
from spotcheck.core.policy import ROLES_BY_TENANT_KIND, Permission, Role
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.core.text import required_text
from spotcheck.tenants.accounts import names
from spotcheck.tenants.accounts.models import Tenant, User, tenant_of
from spotcheck.tenants.accounts.policy import require_own
from spotcheck.tenants.accounts.sessions import end_user_access, new_session_stamp
from spotcheck.tenants.accounts.vocabulary import ADMIN_FIELDS, LOGIN, TENANT_CODE, TenantKind
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region

# --- departments ----------------------------------------------------------------------------------


def _tenant_fields(data: dict, errors: dict) -> dict:
    """A department's fields, checked; problems go into ``errors``."""
    code = str(data.get("code") or "").strip().upper()
    name = str(data.get("name") or "").strip()
    region = _region_of(data.get("region"), errors)
    if not TENANT_CODE.match(code):
        errors["code"] = [_l("Use 2–16 capital letters or digits, starting with a letter (e.g. SCJ).")]
    elif db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code)):
        errors["code"] = [_l("This code is already taken.")]
    if name and region is not None:  # its full name: the place before it (宁安市市场监督管理局)
        name = names.full_name(name, region.name)
    name = required_text(name, "name", errors, limit=100, missing=_l("Enter the department's name."))
    try:
        kind_value = TenantKind(data.get("kind") or "")  # none, or not a kind: ValueError
    except ValueError:
        errors["kind"] = [_l("Choose the kind of department.")]
        kind_value = None
    same_region = Tenant.region_id == region.id if region is not None else sa.true()  # unknown: any region
    if kind_value in (TenantKind.lead, TenantKind.supervisor) and db.session.scalar(
        sa.select(sa.func.count()).select_from(Tenant).where(Tenant.kind == kind_value, same_region)
    ):
        errors["kind"] = [
            _l(
                "%(region)s already has a department of this kind: each region has one justice bureau and one "
                "market-regulation lead.",
                region=region.name,
            )
            if region is not None
            else _l("There is already a department of this kind.")
        ]
    short_name = str(data.get("short_name") or "").strip()[: names.SHORT_NAME_LIMIT]
    if not short_name and name and region is not None:  # none given: its place's and its kind's (宁市监)
        taken = set(db.session.scalars(sa.select(Tenant.short_name).where(Tenant.short_name != "")))
        short_name = names.default_short_name(name, region.name, taken, code)
    return {"code": code, "name": name, "kind": kind_value, "region": region, "short_name": short_name}


def _region_of(value: object, errors: dict) -> Region | None:
    """The region a department is attached to, given by its name (宁安镇), its code (6, 9 or 12 digits) or its id (a
    number); a problem goes into ``errors`` under ``region``, in the words of the page (never a console's)."""
    text = str(value if value is not None else "").strip()
    if not text:
        errors["region"] = [_l("Choose the region the department belongs to, by its name or its code.")]
        return None
    found = regions.by_code_or_name(text)
    if not found and text.isdigit() and len(text) < 6:
        found = [region] if (region := db.session.get(Region, int(text))) is not None else []
    if len(found) > 1:
        errors["region"] = [
            _l(
                "Several regions are named %(region)s: give the code of the one meant (%(codes)s).",
                region=text,
                codes="、".join(f"{r.code}" for r in found),
            )
        ]
        return None
    if not found:
        errors["region"] = [
            _l(
                "No region is named or numbered %(region)s in the regions' tree: choose one from the list. A place "
                "not in the tree is added to it first, on the regions page (区划).",
                region=text,
            )
        ]
        return None
    return found[0]


@command(Permission.TENANTS_MANAGE)
def create_department(data: dict, *, actor: Actor) -> Tenant:
    """Create a department (部门) and its first administrator, together or not at all: every field of
    both is checked before anything is written. A region has at most one ``lead`` and one ``supervisor``.

    ``data``: ``code``, ``name`` (its full name: a name without its place gets its region's name before it,
    应急管理局 in 宁安市 → 宁安市应急管理局), ``kind``, ``region`` (区划: its id or its code, in the tree),
    ``short_name`` (机关代字, heads its campaign codes, e.g. 宁应急 in 宁应急抽〔2026〕3号; none given: its
    place's first character and its kind's, :func:`~spotcheck.tenants.accounts.names.default_short_name`,
    distinct from every other department's) and ``admin``:
    ``{login, display_name, password}``, whose errors are reported as ``admin_login``,
    ``admin_name`` and ``admin_password``."""
    data = dict(data or {})
    errors: dict[str, list] = {}
    fields = _tenant_fields(data, errors)
    admin = data.get("admin")
    admin_fields = None
    if admin is not None:
        admin_errors: dict[str, list] = {}
        admin_fields = _user_fields(
            {**admin, "roles": [Role.tenant_admin.value]},
            fields["kind"].value if fields["kind"] else "ordinary",
            admin_errors,
        )
        errors.update({ADMIN_FIELDS.get(key, key): value for key, value in admin_errors.items()})
    if errors:
        raise InvalidInputError(errors)
    tenant = Tenant(**fields)
    _insert(tenant, "code", _l("This code is already taken."))
    audit.record(
        "tenant.created",
        "tenant",
        tenant.id,
        actor=actor,
        tenant_id=None,
        details={
            "code": tenant.code,
            "name": tenant.name,
            "kind": tenant.kind.value,
            "region_code": tenant.region.code,
        },
    )
    events.emit("tenant.created", actor=actor, tenant=tenant)  # the justice bureau takes what was kept for it
    if admin_fields is not None:
        _new_user(tenant, admin_fields, actor=actor)
    return tenant


# --- users ----------------------------------------------------------------------------------------


def _check_roles(roles: Iterable[str] | None, tenant_kind: str | None) -> list[LazyString]:
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


def _user_fields(data: dict, tenant_kind: str | None, errors: dict) -> dict:
    """A new user's fields (``login``, ``display_name``, ``password``, ``roles``, and ``temporary``: the
    password is a one-time one, to be changed at the first sign-in), checked; problems go into ``errors``."""
    login = str(data.get("login") or "").strip().lower()
    display_name = str(data.get("display_name") or "").strip()
    password = data.get("password")
    roles = sorted(set(data.get("roles") or ()))
    if not LOGIN.match(login):
        errors["login"] = [
            _l("Use 3–64 lowercase letters, digits, dots, dashes or underscores, starting with a letter.")
        ]
    else:
        with system_access("check that a login is free in every department"):
            if db.session.scalar(sa.select(User.id).where(User.login == login)):
                errors["login"] = [_l("This login is already taken.")]
    display_name = required_text(
        display_name, "display_name", errors, limit=100, missing=_l("Enter the person's name.")
    )
    without_password = data.get("without_password") is True
    if not without_password and (problems := password_problems(password or "")):
        errors["password"] = problems
    if problems := _check_roles(roles, tenant_kind):
        errors["roles"] = problems
    return {
        "login": login,
        "display_name": display_name,
        "password": None if without_password else password,
        "roles": roles,
        "temporary": data.get("temporary") is True and not without_password,
    }


def _new_user(tenant: Tenant | None, fields: dict, *, actor: Actor) -> User:
    tenant_id = tenant.id if tenant else None
    with tenant_scope(tenant_id) if tenant_id else system_access("create a platform administrator"):
        user = User(
            tenant_id=tenant_id,
            login=fields["login"],
            display_name=fields["display_name"],
            password_hash=NO_PASSWORD if fields["password"] is None else hash_password(fields["password"]),
            roles=fields["roles"],
            session_stamp=new_session_stamp(),
            must_change_password=fields.get("temporary", False),
        )
        _insert(user, "login", _l("This login is already taken."))
        audit.record(
            "user.created",
            "user",
            user.id,
            actor=actor,
            tenant_id=tenant_id,
            details={"login": user.login, "roles": user.roles},
        )
    return user


@command(Permission.USERS_MANAGE)
def create_user(data: dict, *, actor: Actor) -> User:
    """Create a user in the administrator's own department (``login``, ``display_name``,
    ``password``, ``roles``; ``temporary``: a one-time password, changed at the first sign-in;
    ``without_password``: none at all, for an account the identity platform signs in, linked by its link code)."""
    errors: dict[str, list] = {}
    fields = _user_fields(dict(data or {}), tenant_of(actor).kind.value, errors)
    if errors:
        raise InvalidInputError(errors)
    return _new_user(tenant_of(actor), fields, actor=actor)


@command(Permission.PLATFORM_BOOTSTRAP)
def create_platform_admin(data: dict, *, actor: Actor) -> User:
    """Create a platform administrator (平台管理员), from the server's console (``login``,
    ``display_name``, ``password``)."""
    errors: dict[str, list] = {}
    fields = _user_fields({**(data or {}), "roles": [Role.platform_admin.value]}, None, errors)
    if errors:
        raise InvalidInputError(errors)
    return _new_user(None, fields, actor=actor)


def _locked_user(user_id: int) -> User:
    """The user, locked for the change (ignored on SQLite)."""
    return get_row(User, user_id, _l("No such user."), for_update=True)


@command(Permission.USERS_MANAGE)
def update_user(user_id: int, data: dict | None = None, *, actor: Actor) -> User:
    """Change a user's name, roles or active flag, or clear a lockout (``display_name``, ``roles``,
    ``active``, ``unlock``; each change audited)."""
    data = dict(data or {})
    user = _locked_user(user_id)
    require_own(user, actor)
    if data.get("unlock") and user.is_locked:
        unlock_user(user.id, actor=actor)
    changes: dict = {}
    display_name, roles, active = data.get("display_name"), data.get("roles"), data.get("active")
    if display_name is not None:
        problems: dict = {}
        display_name = required_text(
            display_name, "display_name", problems, limit=100, missing=_l("Enter the person's name.")
        )
        if problems:
            raise InvalidInputError(problems)
        if display_name != user.display_name:
            changes["display_name"] = [user.display_name, display_name]
            user.display_name = display_name
    if roles is not None:
        roles = sorted(set(roles))
        if role_problems := _check_roles(roles, user.tenant.kind.value if user.tenant else None):
            raise InvalidInputError({"roles": role_problems})
        if actor.id == user.id and Role.tenant_admin.value in user.roles and Role.tenant_admin.value not in roles:
            raise InvalidInputError({"roles": [_l("You cannot remove your own administrator role.")]})
        if roles != sorted(user.roles):
            changes["roles"] = [sorted(user.roles), roles]
            user.roles = roles
    if active is not None and active != user.active:
        if actor.id == user.id and not active:
            raise InvalidInputError({"active": [_l("You cannot deactivate yourself.")]})
        changes["active"] = [user.active, active]
        user.active = active
        if not active:
            end_user_access(user)
    if changes:
        db.session.flush()
        audit.record("user.updated", "user", user.id, actor=actor, tenant_id=user.tenant_id, details=changes)
    return user


@command(Permission.USERS_MANAGE)
def unlock_user(user_id: int, data: dict | None = None, *, actor: Actor) -> User:
    """Clear a login lockout (解除锁定)."""
    user = _locked_user(user_id)
    require_own(user, actor)
    user.failed_logins = 0
    user.locked_until = None
    audit.record("user.unlocked", "user", user.id, actor=actor, tenant_id=user.tenant_id)
    return user


def _insert(obj: Model, unique_field: str, message: LazyString) -> None:
    """Add ``obj``; a unique-constraint clash becomes a field error instead of a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
            db.session.flush()
    except IntegrityError:
        raise InvalidInputError({unique_field: [message]}) from None
