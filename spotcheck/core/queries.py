"""Queries (查询): every read that depends on who asks goes through one — the read-side twin of
:mod:`spotcheck.core.commands`.

A query is a function decorated with :func:`query`. It takes the reader as ``reader`` (a keyword
argument), and the decorator

1. checks the permission through the one policy (:func:`spotcheck.core.policy.require`) before
   anything is read — :class:`~spotcheck.core.errors.Forbidden` otherwise;
2. asks the domain's policy (its ``policy.py``) which scope the read needs, with ``scope=``: a
   function of the reader and the query's arguments giving :data:`OWN` (the reader's own
   department, the ordinary ORM scope), :class:`Across` (the departments of the reader's region and
   the regions below it, through the one cross-department path — with ``area``, and every department's rows
   about the businesses of the reader's region, read-only) or :class:`Joint` (one joint
   campaign's shared rows); the decorator
   opens it around the read and records it in the reader's audit chain (留痕) — a read across
   departments or into a joint campaign is never silent;
3. otherwise runs the function as it is: the ORM scope (and row-level security) applies the
   department's visibility, and the domain's policy the finer rules a query needs (which visits
   an inspector may see), written once and called by the page and the API alike.

Every query is listed in :data:`REGISTRY` (a test calls each one as a reader without its
permission and expects Forbidden).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from spotcheck.core import audit, policy
from spotcheck.core.actor import Actor
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import Scope, branch_of, cross_tenant, current_scope, joint_scope


@dataclass(frozen=True)
class Across:
    """Read across departments (跨部门读取) — those of the reader's region and of the regions below it —
    for ``reason``, through the cross-department path that ``permission`` opens (the policy says which
    permissions open one); with ``area`` (a registry-code prefix), also every department's rows about the
    businesses located there, read-only (:class:`spotcheck.core.scoping.AreaReadable`)."""

    reason: str
    permission: Permission = Permission.TENANTS_READ_ALL
    area: str | None = None


@dataclass(frozen=True)
class Joint:
    """Read the shared rows of one joint campaign (联合抽查) as a department taking part in it."""

    campaign_id: int


#: The reader's own department: the ordinary scope, nothing to open.
OWN = None

Opening = Across | Joint | None


@dataclass(frozen=True)
class Query:
    """A registered query: its name (module.function), the permission it needs, the function."""

    name: str
    permission: Permission | None
    function: Callable[..., Any]
    #: Whether the domain's policy may open a scope beyond the reader's department for it.
    opens: bool = False


#: Every query of the platform, by name.
REGISTRY: dict[str, Query] = {}

P = ParamSpec("P")
R = TypeVar("R")


def query(
    permission: Permission | None, *, scope: Callable[..., Opening] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make a function a query needing ``permission`` (:data:`ANYONE`: no permission — the public
    portal). ``scope(reader, **arguments)`` is the domain policy's rule for the scope the read needs."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        if "reader" not in signature.parameters:
            raise TypeError(f"query {function.__qualname__} must take the one who asks as `reader`")
        name = f"{function.__module__}.{function.__qualname__}"

        @wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            reader = arguments.pop("reader")
            if permission is not ANYONE:
                policy.require(reader, permission)
            opening = scope(reader, **arguments) if scope is not None else OWN
            with opened(reader, opening, name):
                return function(*args, **kwargs)

        # the ignore: a function declares no attributes; the wrapper carries its query for the registry
        run.query = REGISTRY[name] = Query(name, permission, function, scope is not None)  # type: ignore[attr-defined]
        return run

    return decorate


@contextmanager
def opened(reader: Actor, opening: Opening, what: str) -> Iterator[None]:
    """Open the scope a read needs (nothing for :data:`OWN`), recording it first."""
    if opening is OWN:
        yield
        return
    scope = current_scope()
    if isinstance(opening, Joint):
        if scope.joint_campaign_id == int(opening.campaign_id) and scope.tenant_id == reader.tenant_id:
            yield  # already inside this campaign's scope (a query called by another)
            return
        note_scope("read.joint", what, campaign=int(opening.campaign_id), actor=reader)
        with joint_scope(reader.tenant_id, opening.campaign_id):
            yield
        return
    if scope.all_tenants or _holds(scope, reader, opening):
        yield  # the platform's own scope, or this reader's path already open (a query called by another)
        return
    note_scope("read.across", what, reason=opening.reason, actor=reader)
    with cross_tenant(reader, opening.reason, permission=opening.permission, area=opening.area):
        yield


def _holds(scope: Scope, reader: Actor, opening: Across) -> bool:
    """Whether ``scope`` is already the reader's own path across departments (their branch: a joint
    frame's set is another), with the area asked for if any."""
    if scope.tenant_ids is None or scope.tenant_id != reader.tenant_id:
        return False
    if opening.area is not None and scope.area != opening.area:
        return False
    return opening.permission is not Permission.JOINT_MANAGE and branch_of(reader.tenant_id) <= scope.tenant_ids


@command(ANYONE)
def note_scope(action: str, what: str, *, campaign: int | None = None, reason: str = "", actor: Actor) -> None:
    """Record that ``actor`` opened a read beyond their own department (跨部门或联合抽查读取留痕)."""
    details: dict[str, Any] = {"query": what}
    if campaign is not None:
        details["campaign"] = campaign
    if reason:
        details["reason"] = reason
    audit.record(action, "scope", campaign, actor=actor, tenant_id=getattr(actor, "tenant_id", None), details=details)
