"""Roles (角色) and permissions (权限): the one place that says who may do what.

Every route declares the permission it needs with :func:`requires`, or is marked
:func:`public`. A route with neither is refused at run time (see ``session.enforce_declared``)
and fails the test that walks ``app.url_map``.
"""
from __future__ import annotations

import enum
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user


class Role(str, enum.Enum):
    platform_admin = "platform_admin"
    tenant_admin = "tenant_admin"
    planner = "planner"
    leader = "leader"
    inspector = "inspector"
    coordinator = "coordinator"
    supervisor = "supervisor"


class Permission(str, enum.Enum):
    #: Any logged-in user: own home page, profile, password, API tokens.
    SIGNED_IN = "signed_in"
    #: Create tenants (departments) and their first administrators.
    TENANTS_MANAGE = "tenants.manage"
    #: Manage the users and roles of one's own tenant.
    USERS_MANAGE = "users.manage"
    #: Read one's own tenant's audit trail (全程留痕) and run its verification.
    AUDIT_VIEW = "audit.view"
    #: Read every tenant's data through the explicit cross-tenant path.
    TENANTS_READ_ALL = "tenants.read_all"
    #: Read the department's item list, target directory, inspector directory, rules document.
    CATALOG_VIEW = "catalog.view"
    #: Keep them (一单两库一细则), import and export them.
    CATALOG_MANAGE = "catalog.manage"
    #: Keep the shared entity registry (the lead department's administrators).
    REGISTRY_MANAGE = "registry.manage"
    #: See inspectors' full ID numbers (department administrator only).
    INSPECTORS_PERSONAL_DATA = "inspectors.personal_data"
    #: Read the department's plans and campaigns, their draws and teams.
    CAMPAIGNS_VIEW = "campaigns.view"
    #: Write annual plans and campaigns; run the ceremony steps (freeze, draw, replacements, team leaders).
    CAMPAIGNS_EDIT = "campaigns.edit"
    #: Approve: submit plans for filing (报备), approve campaigns, publish.
    CAMPAIGNS_APPROVE = "campaigns.approve"
    #: File or return the departments' plans (备案), as the justice bureau.
    PLANS_REVIEW = "plans.review"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.platform_admin: frozenset({Permission.SIGNED_IN, Permission.TENANTS_MANAGE}),
    Role.tenant_admin: frozenset({Permission.SIGNED_IN, Permission.USERS_MANAGE, Permission.AUDIT_VIEW,
                                  Permission.CATALOG_VIEW, Permission.CATALOG_MANAGE, Permission.REGISTRY_MANAGE,
                                  Permission.INSPECTORS_PERSONAL_DATA, Permission.CAMPAIGNS_VIEW}),
    Role.planner: frozenset({Permission.SIGNED_IN, Permission.CATALOG_VIEW, Permission.CAMPAIGNS_VIEW,
                             Permission.CAMPAIGNS_EDIT}),
    Role.leader: frozenset({Permission.SIGNED_IN, Permission.AUDIT_VIEW, Permission.CATALOG_VIEW,
                            Permission.CAMPAIGNS_VIEW, Permission.CAMPAIGNS_APPROVE}),
    Role.inspector: frozenset({Permission.SIGNED_IN}),
    Role.coordinator: frozenset({Permission.SIGNED_IN, Permission.TENANTS_READ_ALL, Permission.CATALOG_VIEW,
                                 Permission.REGISTRY_MANAGE}),
    Role.supervisor: frozenset({Permission.SIGNED_IN, Permission.TENANTS_READ_ALL, Permission.AUDIT_VIEW,
                                Permission.PLANS_REVIEW}),
}

#: Which tenant kinds may hold which roles; ``None`` is "no tenant" (the platform itself).
ROLES_BY_TENANT_KIND: dict[str | None, frozenset[Role]] = {
    None: frozenset({Role.platform_admin}),
    "ordinary": frozenset({Role.tenant_admin, Role.planner, Role.leader, Role.inspector}),
    "lead": frozenset({Role.tenant_admin, Role.planner, Role.leader, Role.inspector, Role.coordinator}),
    "supervisor": frozenset({Role.tenant_admin, Role.planner, Role.leader, Role.inspector, Role.supervisor}),
}


def permissions_of(roles) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles or ():
        granted |= ROLE_PERMISSIONS.get(Role(role), frozenset())
    return frozenset(granted)


def has_permission(user, permission: Permission) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and permission in permissions_of(user.roles)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def requires(permission: Permission):
    """Decorate a view (or a MethodView method): 401 when not logged in, 403 without ``permission``."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                if is_api_request():
                    abort(401)
                return current_app.login_manager.unauthorized()
            if not has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.required_permission = permission
        return guarded

    return decorate


def public(view):
    """Mark a view as open to anyone, logged in or not (the public portal, login, health)."""
    view.is_public = True
    return view


def declared_access(view_function, method: str):
    """The permission or ``"public"`` declared by the view handling ``method``, or ``None``."""
    targets = [view_function]
    view_class = getattr(view_function, "view_class", None)
    if view_class is not None:
        targets = [getattr(view_class, method.lower(), None)]
    for target in targets:
        if target is None:
            return None
        if getattr(target, "is_public", False):
            return "public"
        permission = getattr(target, "required_permission", None)
        if permission is not None:
            return permission
    return None
