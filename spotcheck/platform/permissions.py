"""Route access: every route declares the permission it needs with :func:`requires`, or is marked
:func:`public`. A route with neither is refused at run time (see ``session.enforce_declared``)
and fails the test that walks ``app.url_map``.
"""

from __future__ import annotations

from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from spotcheck.core.policy import Permission, has_permission, refusal


def acting_user():
    """The signed-in user as the actor of a command or the reader of a query (the object itself,
    not Flask-Login's proxy)."""
    return current_user._get_current_object()


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def is_static_endpoint(endpoint: str | None) -> bool:
    """A static file (style sheet, script, font): public, served without asking who is there."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


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
                abort(403, description=str(refusal(permission)))
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
