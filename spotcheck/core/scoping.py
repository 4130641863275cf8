"""Tenant isolation (租户隔离): the current tenant and the automatic scoping of every query.

The current scope lives in a context variable. The web layer sets it from the logged-in user
(``spotcheck.platform.session``), Celery tasks from their arguments. It belongs to the kernel
because the kernel's own rows (the audit trail, stored files) are tenant-owned too. Every ORM SELECT, UPDATE
and DELETE touching a :class:`TenantOwned` model is filtered to the current tenant; with no
tenant, nothing matches. On PostgreSQL the same scope is written into each transaction
(``set_config('app.tenant_id', ..., true)``) so row-level security applies to raw SQL too.

A row of one tenant may be shared with exactly one other, named in the row itself
(:class:`SharedWithReceiver`: a transfer 移送 and the department that receives it); both see
it, in the ORM scope and in row-level security, and nobody else does.

The rows of a joint campaign (联合抽查) that its departments share — the campaign itself, its
draws and proof, the visit list and the mixed teams (:class:`JointShared`) — belong to the lead
department. A participating department reads them only inside :func:`joint_scope` for that one
campaign, and only while it is a participant (invited, accepted or approved: a row of
``joint_participant`` names it); its own part (items, rules, results) stays its own rows. The
same condition is a row-level security policy on PostgreSQL ("visible to the participants of this
joint campaign").

There are exactly two ways to read across tenants, both greppable:

* :func:`cross_tenant` — for a user holding a permission that opens it (``tenants.read_all``): the
  departments of the user's department's region and of the regions below it (its branch, 辖区), or a
  joint draw's invited departments — a named set (:attr:`Scope.tenant_ids`), never "every department"; the
  ORM reads ``tenant_id IN (…)`` and PostgreSQL the same set, handed over once per transaction
  (``set_config('app.tenant_ids', '3,5,9', true)``, :mod:`spotcheck.platform.rls`);
* :func:`system_access` — for code acting for the platform itself, not for a user
  (identity lookups at login, the command line, audit verification); a test keeps the list
  of modules that may call it. It alone holds the whole deployment (``all_tenants``).

A branch opened by :func:`cross_tenant` may add, read-only, the rows **about the businesses of an area**
whichever department holds them (``area=``: a region's registry-code prefix, :attr:`Scope.area`): a region's
justice bureau counts every level's checks of the businesses located in its region (涉企检查频次), the city's
department's check of a county's business among them. Which rows those are, each model says
(:class:`AreaReadable`), and row-level security the same (``area_read``, migration 0068); nothing else of a
department outside the branch is read, and nothing of it written.

The kernel knows no region: which departments a branch holds is the accounts domain's answer, installed at
start-up (:func:`use_branches`, as the settings are) and asked once per transaction (:func:`branch_of`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, Session, SessionTransaction, declared_attr, mapped_column, with_loader_criteria

from spotcheck.core.actor import Actor
from spotcheck.core.database import ONE_PARAMETER_OVER, Model, db
from spotcheck.core.policy import CROSS_DEPARTMENT, Permission, has_permission


class TenantViolationError(PermissionError):
    """Code tried to write a row of a tenant other than the current one, or to read across
    tenants without the right."""


@dataclass(frozen=True)
class Scope:
    """``tenant_id``: the department worked as; ``platform``: a platform administrator, who
    sees only the rows that belong to no department (their own account and tokens);
    ``tenant_ids``: the departments :func:`cross_tenant` opened (``tenant_id``'s among them);
    ``all_tenants``: the platform's own path (:func:`system_access`), every department."""

    tenant_id: int | None = None
    #: Inside :func:`cross_tenant`: every department whose rows are read (the reader's branch, or a joint
    #: frame's departments); ``None`` elsewhere (only ``tenant_id``'s, or every one with ``all_tenants``).
    tenant_ids: frozenset[int] | None = None
    all_tenants: bool = False
    platform: bool = False
    reason: str | None = None
    #: Inside :func:`joint_scope`: the joint campaign whose shared rows a participant may read.
    joint_campaign_id: int | None = None
    #: Inside :func:`cross_tenant` with ``area=``: the registry-code prefix of the businesses whose rows
    #: (:class:`AreaReadable`) are read besides the branch's, whichever department holds them — read, never written.
    area: str | None = None

    @property
    def across(self) -> bool:
        """Whether more than one department's rows are read: an opened set, or the whole deployment."""
        return self.all_tenants or self.tenant_ids is not None

    @property
    def reached(self) -> frozenset[int] | None:
        """The departments whose rows this scope reads — the opened ones, or the one worked as, or none; ``None``
        for every department, which the platform's own path (:func:`system_access`) alone reads."""
        if self.all_tenants:
            return None
        if self.tenant_ids is not None:
            return self.tenant_ids
        return frozenset() if self.tenant_id is None or self.platform else frozenset({self.tenant_id})

    def reaches(self, tenant_id: int | None) -> bool:
        """Whether a row of department ``tenant_id`` is within this scope (read, and written by the commands)."""
        if self.all_tenants:
            return True
        if tenant_id is None:  # a platform row (a platform administrator's own account): only where no department is
            return self.tenant_id is None
        return tenant_id == self.tenant_id or (self.tenant_ids is not None and tenant_id in self.tenant_ids)


_scope: ContextVar[Scope] = ContextVar("spotcheck_tenant_scope", default=Scope())  # noqa: B039 (frozen)


class TenantOwned:
    """Mixin for every row that belongs to one tenant (部门).

    ``tenant_id`` is set from the current scope on insert; reads are scoped automatically.
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("tenant.id"), index=True, nullable=False)


class SharedWithReceiver:
    """Mixin for a row that one tenant owns (``tenant_id``, set from the current scope on insert)
    and shares with one receiving tenant (``receiver_tenant_id``): visible and writable to both
    of them, to nobody else. What the receiver may change is up to the commands (only the
    acknowledgement of a transfer); what it may read is only what the row holds, so such a row
    keeps a copy of what is shared, never a reference the receiver would have to follow."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("tenant.id"), index=True, nullable=False)

    @declared_attr
    def receiver_tenant_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("tenant.id"), index=True, nullable=True)


class JointShared:
    """Mixin for a row of a joint campaign (联合抽查) that its participants share: owned by the lead
    department (``tenant_id``) and readable, inside :func:`joint_scope`, by every department taking
    part. ``joint_key`` names the column holding the joint campaign's id. Only the owner writes
    such rows."""

    joint_key = "campaign_id"

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("tenant.id"), index=True, nullable=False)


class AreaReadable:
    """Mixin, beside :class:`TenantOwned` or :class:`JointShared`, for rows that a read of an area's businesses
    (:attr:`Scope.area`) reads whichever department holds them: those :meth:`area_rows` names, an SQL condition
    on the model that row-level security states alike (the policy ``area_read``, ``FOR SELECT`` only). Such rows
    are read, never written: the flush check and the policies' ``WITH CHECK`` know the branch alone."""

    @classmethod
    def area_rows(cls, area: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """The rows read for the businesses whose registry code starts with ``area`` (a bound parameter)."""
        raise NotImplementedError(f"{cls.__name__} says which of its rows an area reads")


def _area_rows(cls: Any, area: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """:meth:`AreaReadable.area_rows` of ``cls`` (a model or an alias of one); none for any other model."""
    rows = getattr(cls, "area_rows", None)
    return rows(area) if rows is not None else sa.false()


#: The statuses of a department's ``joint_participant`` row that let it read the shared rows.
JOINT_READING_STATUSES = ("invited", "accepted", "approved")
_joint_participant = sa.table(
    "joint_participant", sa.column("campaign_id"), sa.column("receiver_tenant_id"), sa.column("status")
)


def current_scope() -> Scope:
    return _scope.get()


def current_tenant_id() -> int | None:
    return _scope.get().tenant_id


@contextmanager
def _scoped(scope: Scope) -> Iterator[Scope]:
    token = _scope.set(scope)
    _sync_database()
    try:
        yield scope
    finally:
        _scope.reset(token)
        _sync_database()


def tenant_scope(tenant_id: int | None) -> AbstractContextManager[Scope]:
    """Work as one tenant (or as no tenant with ``None``: every tenant-owned query is empty)."""
    return _scoped(Scope(tenant_id=tenant_id))


def cross_tenant(
    user: Actor,
    reason: str,
    *,
    permission: Permission = Permission.TENANTS_READ_ALL,
    departments: Iterable[int] | None = None,
    area: str | None = None,
) -> AbstractContextManager[Scope]:
    """Read across departments on behalf of ``user``, who must hold ``permission``, one of the
    permissions the policy says open the cross-department path (:data:`policy.CROSS_DEPARTMENT`):
    for ``tenants.read_all`` and ``supervision.read_all``, the departments of the user's region and of
    the regions below it (本级及下级), never more — a county's bureau reads its county and its towns, the
    city's bureau the city and its counties; for ``joint.manage``, only ``departments``, those a joint
    campaign's draw reads (the departments it invited), besides the user's own (a coordinator reads
    nothing else of another department; none named, none opened).

    The rows of the opened departments may be read and changed (a plan filed); new rows are the
    user's department's unless a command names another of them. With ``area`` (a branch only: a registry-code
    prefix), the rows about the businesses whose code starts with it are read too, whichever department holds
    them (:class:`AreaReadable`) — never written.
    """
    if permission not in CROSS_DEPARTMENT or not has_permission(user, permission):
        raise TenantViolationError(f"cross-tenant access needs the permission {permission.value}")
    own = frozenset() if user.tenant_id is None else frozenset({user.tenant_id})
    if permission is Permission.JOINT_MANAGE:
        if area is not None:
            raise TypeError(f"{permission.value} opens the departments named: no area")
        opened = own | frozenset(int(department) for department in departments or ())
    elif departments is not None:
        raise TypeError(f"{permission.value} opens the reader's branch: it names no departments")
    else:
        opened = own | branch_of(user.tenant_id)
    if area is not None and not area:
        raise ValueError("an area is a registry-code prefix: an empty one would be every business")
    return _scoped(Scope(tenant_id=user.tenant_id, tenant_ids=opened, reason=reason, area=area))


def narrowed(tenant_ids: Iterable[int]) -> AbstractContextManager[Scope]:
    """Inside a read across departments (:func:`cross_tenant`), read only ``tenant_ids`` of the departments it opened,
    and the reader's own: a count of a few departments' own rows does not read every department's of the branch (a
    province's bureau scoring its own level's departments). Never more than the scope reads; any other scope as it
    is."""
    scope = _scope.get()
    if scope.tenant_ids is None:
        return nullcontext(scope)
    own = frozenset() if scope.tenant_id is None else frozenset({scope.tenant_id})
    return _scoped(replace(scope, tenant_ids=scope.tenant_ids & (frozenset(tenant_ids) | own)))


def found_departments(tenant_ids: Iterable[int], reason: str) -> AbstractContextManager[Scope]:
    """Read the rows of exactly ``tenant_ids``: the departments an audited system look-up found for one reader (the
    departments that checked a business, for its own record), working as none of them — a new row belongs to no
    department, and nothing of any other department is read. The caller restricts every read to the rows the look-up
    found (the business's visits); row-level security reads the same opened set as :func:`cross_tenant`'s, no
    policy of its own."""
    opened = frozenset(int(department) for department in tenant_ids)
    return _scoped(Scope(tenant_id=None, tenant_ids=opened, reason=reason))


def joint_scope(tenant_id: int | None, joint_campaign_id: int) -> AbstractContextManager[Scope]:
    """Work as ``tenant_id`` and, if that department takes part in the joint campaign, read its shared
    rows too (:class:`JointShared`). Entering it grants nothing by itself: the participation is
    part of the condition, in the ORM scope and in row-level security."""
    return _scoped(Scope(tenant_id=tenant_id, joint_campaign_id=int(joint_campaign_id)))


def system_access(reason: str) -> AbstractContextManager[Scope]:
    """Act for the platform itself, across tenants (login lookups, CLI, audit verification): the one
    scope that holds every department."""
    return _scoped(Scope(tenant_id=None, all_tenants=True, reason=reason))


def bind_request_scope(tenant_id: int | None, *, platform: bool = False) -> Token[Scope]:
    """Set the scope for the rest of a web request; returns the token for :func:`unbind`."""
    token = _scope.set(Scope(tenant_id=tenant_id, platform=platform and tenant_id is None))
    _sync_database()
    return token


def unbind(token: Token[Scope]) -> None:
    _scope.reset(token)


# --- branches (辖区): the departments a reader's region holds -----------------------------------------

#: The departments of department ``tenant_id``'s region and of every region below it, as the accounts
#: domain finds them (:func:`use_branches`).
BranchResolver = Callable[[int], frozenset[int]]
_branches: BranchResolver | None = None
#: Where a transaction keeps the branches it has found (``Session.info``), by department.
_BRANCHES = "spotcheck.branches"


def use_branches(resolver: BranchResolver) -> None:
    """Find branches with ``resolver`` from now on (the app factory installs the accounts domain's)."""
    global _branches
    _branches = resolver


def branch_of(tenant_id: int | None) -> frozenset[int]:
    """The departments of department ``tenant_id``'s region and of the regions below it (its own among them;
    none for no department): found once per transaction."""
    if tenant_id is None:
        return frozenset()
    if _branches is None:
        raise RuntimeError("no resolver of branches installed (scoping.use_branches)")
    found = db.session.info.setdefault(_BRANCHES, {})
    if tenant_id not in found:
        found[tenant_id] = frozenset(_branches(tenant_id))
    return cast(frozenset[int], found[tenant_id])


@event.listens_for(Session, "after_transaction_end")
def _forget_branches(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the next transaction may see a department moved or a region added
        session.info.pop(_BRANCHES, None)


# --- SQLAlchemy integration -------------------------------------------------------------

#: The condition on a model's rows that a scope reads (``with_loader_criteria``).
_Criteria = Callable[[Any], sa.ColumnElement[bool]]


def _opened_array(scope_ids: frozenset[int]) -> sa.BindParameter[Any] | None:
    """The opened departments as one array parameter, where they are many on PostgreSQL (as :func:`~.database.one_of`
    names a long list); None where ``IN (…)`` names them (a few, or SQLite). A criterion's lambda must name it (or
    the tuple) itself: SQLAlchemy caches a lambda's statement by the closure variables it sees, and a value hidden
    in a function it calls would be cached with the first reader's departments."""
    try:
        postgres = db.session.get_bind().dialect.name == "postgresql"
    except RuntimeError:  # no application context, no session
        postgres = False
    if postgres and len(scope_ids) > ONE_PARAMETER_OVER:
        return sa.bindparam(None, value=sorted(scope_ids), type_=postgresql.ARRAY(sa.Integer))
    return None


def _tenant_criteria(scope: Scope, reading: bool = True) -> _Criteria:
    """The rows of a tenant-owned model the scope reaches; ``reading``: for a SELECT, which reads an area's rows too
    (:class:`AreaReadable`) — an UPDATE or a DELETE never does."""
    tenant_id = scope.tenant_id
    if scope.platform:
        return lambda cls: cls.tenant_id.is_(None)
    if scope.tenant_ids is not None:
        array = _opened_array(scope.tenant_ids)
        opened = tuple(sorted(scope.tenant_ids))
        if reading and scope.area is not None:
            area = sa.bindparam("scope_area", scope.area, type_=sa.String)
            if array is not None:
                return lambda cls: sa.or_(cls.tenant_id == sa.any_(array), _area_rows(cls, area))
            return lambda cls: sa.or_(cls.tenant_id.in_(opened), _area_rows(cls, area))
        if array is not None:
            return lambda cls: cls.tenant_id == sa.any_(array)
        return lambda cls: cls.tenant_id.in_(opened)
    if tenant_id is None:
        return lambda cls: sa.false()
    return lambda cls: cls.tenant_id == tenant_id


def _shared_criteria(scope: Scope) -> _Criteria:
    tenant_id = scope.tenant_id
    if scope.platform:
        return lambda cls: sa.false()
    if scope.tenant_ids is not None:
        array = _opened_array(scope.tenant_ids)
        if array is not None:
            return lambda cls: sa.or_(cls.tenant_id == sa.any_(array), cls.receiver_tenant_id == sa.any_(array))
        opened = tuple(sorted(scope.tenant_ids))
        return lambda cls: sa.or_(cls.tenant_id.in_(opened), cls.receiver_tenant_id.in_(opened))
    if tenant_id is None:
        return lambda cls: sa.false()
    return lambda cls: sa.or_(cls.tenant_id == tenant_id, cls.receiver_tenant_id == tenant_id)


def participates(tenant_id: int | None, joint_campaign_id: int | None) -> sa.Exists:
    """SQL: the department is named by a reading row of the joint campaign's participants."""
    return sa.exists().where(
        _joint_participant.c.campaign_id == joint_campaign_id,
        _joint_participant.c.receiver_tenant_id == tenant_id,
        _joint_participant.c.status.in_(JOINT_READING_STATUSES),
    )


def _joint_criteria(scope: Scope, reading: bool = True) -> _Criteria:
    """Outside a joint scope, a :class:`JointShared` row is its tenant's like any other."""
    if scope.platform:
        return lambda cls: sa.false()
    return _tenant_criteria(scope, reading)


def _joint_scope_options(scope: Scope) -> list[Any]:
    """Inside a joint scope: the department's own rows, and the rows of that joint campaign if the
    department takes part — one criterion per shared model, on its ``joint_key`` column."""
    tenant_id, joint = scope.tenant_id, scope.joint_campaign_id
    options = []
    for model in _joint_models():
        visible = sa.or_(
            model.tenant_id == tenant_id,
            sa.and_(getattr(model, model.joint_key) == joint, participates(tenant_id, joint)),
        )
        options.append(with_loader_criteria(model, visible, include_aliases=True))
    return options


def _joint_models() -> list[Any]:
    return [mapper.class_ for mapper in Model.registry.mappers if issubclass(mapper.class_, JointShared)]


def scoped(statement: Any, *, reading: bool = True) -> Any:
    """``statement`` with the current scope's criteria, as the session runs it (for a statement compiled and run past
    the session, such as an ``EXPLAIN`` of it); ``reading``: a SELECT (an UPDATE or a DELETE reaches fewer rows:
    never an area's, :class:`AreaReadable`)."""
    scope = _scope.get()
    if scope.all_tenants:
        return statement
    statement = statement.options(
        with_loader_criteria(TenantOwned, _tenant_criteria(scope, reading), include_aliases=True),
        with_loader_criteria(SharedWithReceiver, _shared_criteria(scope), include_aliases=True),
    )
    if scope.joint_campaign_id is not None and scope.tenant_id is not None and not scope.platform:
        return statement.options(*_joint_scope_options(scope))
    return statement.options(with_loader_criteria(JointShared, _joint_criteria(scope, reading), include_aliases=True))


@event.listens_for(Session, "do_orm_execute")
def _scope_orm_statement(state: sa.orm.ORMExecuteState) -> None:
    if state.is_select or state.is_update or state.is_delete:
        state.statement = scoped(state.statement, reading=state.is_select)


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, flush_context: object, instances: object) -> None:
    scope = _scope.get()
    for obj in session.new:
        if not isinstance(obj, (TenantOwned, JointShared)):
            continue
        if obj.tenant_id is None:
            if scope.tenant_id is None and (scope.all_tenants or scope.platform):
                continue  # platform rows (a platform admin and their tokens) belong to no tenant
            if scope.tenant_id is None:
                raise TenantViolationError(f"{type(obj).__name__} needs a tenant, and no tenant is current")
            obj.tenant_id = scope.tenant_id
        elif not scope.reaches(obj.tenant_id):
            raise TenantViolationError(
                f"{type(obj).__name__} of tenant {obj.tenant_id} written in tenant {scope.tenant_id}"
            )
    for obj in session.new:
        if isinstance(obj, SharedWithReceiver):
            if obj.tenant_id is None:
                if scope.tenant_id is None:
                    raise TenantViolationError(f"{type(obj).__name__} needs a tenant, and no tenant is current")
                obj.tenant_id = scope.tenant_id
            elif not scope.reaches(obj.tenant_id):
                raise TenantViolationError(
                    f"{type(obj).__name__} of tenant {obj.tenant_id} written in tenant {scope.tenant_id}"
                )
    for obj in session.dirty:
        if isinstance(obj, (TenantOwned, JointShared)) and not scope.reaches(obj.tenant_id):
            raise TenantViolationError(
                f"{type(obj).__name__} of tenant {obj.tenant_id} changed in tenant {scope.tenant_id}"
            )
        if isinstance(obj, SharedWithReceiver) and not (
            scope.reaches(obj.tenant_id) or scope.reaches(obj.receiver_tenant_id)
        ):
            raise TenantViolationError(
                f"{type(obj).__name__} of tenant {obj.tenant_id} changed in tenant {scope.tenant_id}"
            )


_SET_SCOPE_SQL = sa.text(
    "SELECT set_config('app.tenant_id', :tenant, true), set_config('app.tenant_ids', :tenants, true), "
    "set_config('app.all_tenants', :all, true), set_config('app.platform', :platform, true), "
    "set_config('app.joint_campaign', :joint, true), set_config('app.area', :area, true)"
)


#: Where a connection keeps the scope its transaction was last given (``set_config(…, true)`` lasts
#: as long as the transaction): the same scope again is not sent again.
_APPLIED = "spotcheck_scope"


def _apply_to_connection(connection: sa.Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    scope = _scope.get()
    values = {
        "tenant": "" if scope.tenant_id is None else str(scope.tenant_id),
        # the opened departments, as row-level security reads them (``rls.BRANCH``): "3,5,9"
        "tenants": "" if scope.tenant_ids is None else ",".join(str(t) for t in sorted(scope.tenant_ids)),
        "all": "on" if scope.all_tenants else "",
        "platform": "on" if scope.platform else "",
        "joint": "" if scope.joint_campaign_id is None else str(scope.joint_campaign_id),
        # the businesses whose rows an area's read reads besides the branch's (``area_read``): a registry-code prefix
        "area": scope.area or "",
    }
    if connection.info.get(_APPLIED) == values:
        return
    connection.execute(_SET_SCOPE_SQL, values)
    connection.info[_APPLIED] = values


@event.listens_for(Session, "after_begin")
def _scope_transaction(session: Session, transaction: object, connection: sa.Connection) -> None:
    connection.info.pop(_APPLIED, None)  # a new transaction starts with none of the last one's settings
    _apply_to_connection(connection)


@event.listens_for(sa.engine.Engine, "rollback_savepoint")
def _forget_rolled_back_scope(connection: sa.Connection, name: object, context: object) -> None:
    if connection.invalidated:  # lost (a server gone, a session ended): asking it would hide why, and it has none left
        return
    connection.info.pop(_APPLIED, None)  # the settings made inside the savepoint are undone with it


def _sync_database() -> None:
    """Re-apply the scope to the open transaction of the current session, if there is one."""
    try:
        session = db.session()
    except RuntimeError:  # outside an application context: no session to re-scope
        return
    if session.in_transaction():
        _apply_to_connection(session.connection())
