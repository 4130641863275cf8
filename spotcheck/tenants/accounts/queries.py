"""部门与用户的查询: departments (部门) and users (用户) as the pages and the API list them, a
department overview with its users' counts, and the identity lookups behind a session cookie or
an API token (会话、令牌).

Identity lookups happen before any tenant is known, so they are the platform's own reads
(:func:`system_access`); they keep their own bookkeeping (a session's last-seen time, a token's
last use), which is not an action of the user and is not audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import NotFoundError
from spotcheck.core.passwords import secret_digest
from spotcheck.core.policy import Permission, Role
from spotcheck.core.queries import query
from spotcheck.core.scoping import cross_tenant, system_access, tenant_scope
from spotcheck.core.session_rows import still_active, token_used
from spotcheck.tenants.accounts import second_factor
from spotcheck.tenants.accounts.models import INSPECTING, ApiToken, IdentityLink, Tenant, User, UserSession
from spotcheck.tenants.accounts.policy import DEPARTMENT_ADMIN_ACTIONS, is_department_admin
from spotcheck.tenants.accounts.vocabulary import AWAITS_ENROLMENT, TOKEN_PREFIX, SessionCheck, TenantKind
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region

# --- departments ----------------------------------------------------------------------------------


def list_tenants() -> list[Tenant]:
    return list(db.session.scalars(sa.select(Tenant).order_by(Tenant.code)))


def active_tenants() -> list[Tenant]:
    """The departments in service, by code (the public portal's list)."""
    return [tenant for tenant in list_tenants() if tenant.active]


def departments_in_branch(region_id: int) -> frozenset[int]:
    """The ids of the departments attached to the region or to any region below it: one query, the branch's regions
    found by one prefix look-up of their paths (:func:`spotcheck.tenants.regions.queries.branch_ids`'s)."""
    return frozenset(
        db.session.scalars(
            sa.select(Tenant.id).join(Region, Region.id == Tenant.region_id).where(regions.in_branch(region_id))
        )
    )


def active_by_code(code: str) -> Tenant | None:
    """The department in service of ``code`` (any case; None: no such department, or out of service): one indexed
    look-up, as the portal finds a department's pages."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return db.session.scalar(sa.select(Tenant).where(Tenant.code == code, Tenant.active.is_(True)))


def region_departments(region_id: int) -> list[Tenant]:
    """The departments in service attached to region ``region_id`` itself (not to the regions below it), by code:
    one indexed look-up (the public portal's page of a region)."""
    return list(
        db.session.scalars(
            sa.select(Tenant).where(Tenant.region_id == region_id, Tenant.active.is_(True)).order_by(Tenant.code)
        )
    )


def get_tenant(tenant_id: int) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id) if is_row_id(tenant_id) else None
    if tenant is None:
        raise NotFoundError(_l("No such department."))
    return tenant


def own_tenant(reader: Actor) -> Tenant | None:
    """The reader's own department (none for a platform administrator)."""
    return db.session.get(Tenant, reader.tenant_id) if getattr(reader, "tenant_id", None) else None


def departments() -> list[dict]:
    """Every department (the platform administrator's list), by kind and code."""
    return [
        {"tenant": t, "users": None} for t in db.session.scalars(sa.select(Tenant).order_by(Tenant.kind, Tenant.code))
    ]


@dataclass(frozen=True)
class RegionDepartments:
    """A region right below the reader's (下级区划), as the oversight card counts it: the departments of its branch
    (the region and every region below it) and their active users."""

    region: Region
    departments: int
    users: int


@dataclass(frozen=True)
class Oversight:
    """What a region's supervisor or coordinator oversees (辖区部门): the departments of its own region with their
    active users, and each region right below it counted, not listed — a province's branch is 3,000 departments."""

    own: list[dict]
    below: list[RegionDepartments]


def oversight(reader: Actor) -> Oversight:
    """The reader's region's own departments (with their active users) and, for each region right below it, how
    many departments and active users its branch holds: read across the reader's branch (the explicit opt-out),
    counted in the database. A justice bureau's supervisor sees every department; a coordinator, who invites
    departments to joint checks, only those that inspect (:data:`~.models.INSPECTING`: no justice bureau)."""
    region_id = db.session.scalar(sa.select(Tenant.region_id).where(Tenant.id == reader.tenant_id))
    if region_id is None:
        return Oversight([], [])
    shown = sa.true() if Role.supervisor.value in reader.roles else INSPECTING
    with cross_tenant(reader, "department overview"):
        active = sa.select(User.tenant_id, sa.func.count().label("users")).where(User.active.is_(True))
        users = active.group_by(User.tenant_id).subquery()
        own = [
            {"tenant": tenant, "users": count}
            for tenant, count in db.session.execute(
                sa.select(Tenant, users.c.users)
                .outerjoin(users, users.c.tenant_id == Tenant.id)
                .where(Tenant.region_id == region_id, shown)
                .order_by(Tenant.kind, Tenant.code)
            )
        ]
        child, within = sa.orm.aliased(Region), sa.orm.aliased(Region)
        counted = {
            child_id: (departments, people or 0)
            for child_id, departments, people in db.session.execute(
                sa.select(child.id, sa.func.count(Tenant.id), sa.func.sum(users.c.users))
                .join(within, within.path.startswith(child.path))
                .join(Tenant, Tenant.region_id == within.id)
                .outerjoin(users, users.c.tenant_id == Tenant.id)
                .where(child.parent_id == region_id, shown)
                .group_by(child.id)
            )
        }
    below = [RegionDepartments(region, *counted.get(region.id, (0, 0))) for region in regions.children(region_id)]
    return Oversight(own, below)


# --- each region's justice bureau and market-regulation lead (司法局 · 市场监督管理局) -----------------


def nearest_of_kind(kind: TenantKind, region_id: int) -> Tenant | None:
    """The active department of ``kind`` in region ``region_id``, else in the nearest region above it that has one
    (``None``: none up to the root). One look-up of the region's chain, one of the departments on it."""
    order = regions.chain_ids(region_id)
    found: dict[int, Tenant] = {}
    for tenant in db.session.scalars(
        sa.select(Tenant)
        .where(Tenant.kind == kind, Tenant.active.is_(True), Tenant.region_id.in_(order))
        .order_by(Tenant.id)
    ):
        found.setdefault(tenant.region_id, tenant)
    return regions.nearest(order, found)


def _region_of(tenant_id: int) -> int:
    return get_tenant(tenant_id).region_id


def bureau_of(tenant_id: int) -> Tenant | None:
    """The justice bureau (司法局, the ``supervisor``) that supervises department ``tenant_id``: its region's, or
    the nearest region's above (``None``: no bureau up to the root). A bureau is its own."""
    return nearest_of_kind(TenantKind.supervisor, _region_of(tenant_id))


def bureaus_of(tenant_ids: Iterable[int]) -> dict[int, Tenant | None]:
    """:func:`bureau_of` of each of ``tenant_ids``: their regions read at once, each region's bureau looked up once —
    a business checked by fifty departments of three regions asks three times, not fifty."""
    regions_of = dict(
        db.session.execute(sa.select(Tenant.id, Tenant.region_id).where(Tenant.id.in_(sorted(set(tenant_ids))))).all()
    )
    by_region = {region: nearest_of_kind(TenantKind.supervisor, region) for region in sorted(set(regions_of.values()))}
    return {tenant_id: by_region[region] for tenant_id, region in regions_of.items()}


def lead_of(tenant_id: int) -> Tenant | None:
    """The market-regulation lead (市场监督管理局, the ``lead``) of department ``tenant_id``: its region's, or the
    nearest region's above (``None``: none up to the root). A lead is its own."""
    return nearest_of_kind(TenantKind.lead, _region_of(tenant_id))


@dataclass(frozen=True)
class DepartmentPeople:
    """A department as the platform administrator sees it: its administrators (with what may be done
    to each) and its other users (read only: the department's administrator manages them)."""

    tenant: Tenant
    admins: list[User]
    others: list[User]
    actions: dict[int, frozenset[str]]

    @property
    def active_admins(self) -> int:
        return sum(user.active for user in self.admins)


@query(Permission.TENANTS_MANAGE)
def department_people(tenant_id: int, *, reader: Actor) -> DepartmentPeople:
    """A department and its users, for the platform administrator: read inside that department only
    (NotFoundError for a department that does not exist)."""
    tenant = get_tenant(tenant_id)
    with tenant_scope(tenant.id):
        users = list(db.session.scalars(sa.select(User).where(User.tenant_id == tenant.id).order_by(User.login)))
        admins = [user for user in users if is_department_admin(user)]
        return DepartmentPeople(
            tenant,
            admins,
            [user for user in users if not is_department_admin(user)],
            {user.id: DEPARTMENT_ADMIN_ACTIONS.allowed(user, reader) for user in admins},
        )


# --- users ----------------------------------------------------------------------------------------


def list_users() -> list[User]:
    """Users of the current tenant."""
    return list(db.session.scalars(sa.select(User).order_by(User.login)))


def get_user(user_id: int) -> User:
    user = db.session.scalar(sa.select(User).where(User.id == user_id)) if is_row_id(user_id) else None
    if user is None:
        raise NotFoundError(_l("No such user."))
    return user


def user_counts() -> list[tuple[str, int]]:
    """Active users of the current tenant per role, in the order of the role table."""
    counter: Counter = Counter()
    for roles in db.session.scalars(sa.select(User.roles).where(User.active.is_(True))):
        counter.update(roles or ())
    order = [role.value for role in Role]
    return sorted(counter.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def identity_links(user: User) -> list[IdentityLink]:
    """The identity platform's accounts linked to ``user`` (关联的统一身份认证账号), in the reader's department."""
    return list(
        db.session.scalars(sa.select(IdentityLink).where(IdentityLink.user_id == user.id).order_by(IdentityLink.id))
    )


def list_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


# --- who is asking --------------------------------------------------------------------------------


def session_user(session_id: str, session_key: str | None, *, idle: timedelta) -> SessionCheck:
    """The user behind a Flask-Login session id ``tenant:user:stamp`` and the session's key, if the
    session is still open on the server: not signed out, not ended by a password change, a
    deactivation or "sign out everywhere", and used within ``idle``."""
    try:
        tenant_part, user_part, stamp = session_id.split(":")
        tenant_id, user_id = int(tenant_part) or None, int(user_part)
    except (ValueError, AttributeError):
        return SessionCheck(None, "ended")
    if not session_key or not is_row_id(user_id):
        return SessionCheck(None, "ended")
    with system_access("check the signed-in session"):
        user = db.session.get(User, user_id)
        row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == secret_digest(session_key)))
        if (
            user is None
            or row is None
            or row.user_id != user.id
            or row.revoked_at is not None
            or row.pending  # awaiting the second factor: grants nothing yet
            or user.tenant_id != tenant_id
            or user.session_stamp != stamp
            or not user.active
        ):
            return SessionCheck(None, "ended")
        if not still_active(row, user, idle, "session"):
            return SessionCheck(None, "idle")
    return SessionCheck(user)


@dataclass(frozen=True)
class PendingSignIn:
    """A sign-in awaiting its second factor (待两步验证): whose, what it awaits (``code`` or ``enrol``) and, for an
    enrolment, the factor to show."""

    user: User
    awaits: str
    enrolment: Enrolment | None = None


@dataclass(frozen=True)
class Enrolment:
    """A second factor being set up, as its page shows it: the QR code (inline SVG) and the secret to type in."""

    qr_svg: str
    secret: str


def _enrolment(user: User) -> Enrolment | None:
    factor = second_factor.factor_of(user)
    if factor is None or factor.confirmed_at is not None:
        return None
    return Enrolment(
        second_factor.qr_svg(second_factor.provisioning_uri(factor, user.login)),
        second_factor.grouped(second_factor.secret_of(factor)),
    )


def pending_sign_in(session_key: str | None, *, idle: timedelta) -> PendingSignIn | None:
    """The sign-in of the session key ``session_key`` when it awaits the second factor (still within ``idle``), or
    None (no such session, signed in already, ended)."""
    if not session_key:
        return None
    with system_access("look up a sign-in awaiting its second factor"):
        row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == secret_digest(session_key)))
        if row is None or row.revoked_at is not None or not row.pending:
            return None
        user = db.session.get(User, row.user_id)
        if user is None or not user.active or not still_active(row, user, idle, "pending sign-in"):
            return None
        enrolment = _enrolment(user) if row.pending == AWAITS_ENROLMENT else None
        return PendingSignIn(user, row.pending, enrolment)


@dataclass(frozen=True)
class SecondFactorState:
    """One's own second factor as the account page shows it (两步验证)."""

    on: bool
    recovery_codes_left: int
    #: Whether the deployment requires it of this user (an administrator): it cannot be turned off.
    required: bool
    enrolment: Enrolment | None


def second_factor_state(user: User) -> SecondFactorState:
    """The reader's own second factor: on or not, the recovery codes left, the one being set up."""
    factor = second_factor.factor_of(user)
    on = factor is not None and factor.confirmed_at is not None
    return SecondFactorState(
        on,
        len(factor.recovery_digests or ()) if on and factor is not None else 0,
        second_factor.is_administrator(user) and second_factor.required(),
        _enrolment(user),
    )


def user_for_token(secret: str) -> User | None:
    """The active user owning an unrevoked token, or ``None``; records when the token was last used
    (to the minute, as a session's last activity: not one write per request)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with system_access("look up an API token"):
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == secret_digest(secret)))
        if token is None or token.revoked_at is not None:
            return None
        user = token.user
        if not user.active or user.is_locked:
            return None
        token_used(token, user, "token")  # not an action of the user: not audited
    return user
