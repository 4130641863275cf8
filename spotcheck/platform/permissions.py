"""Route access: every route declares the permission it needs with :func:`requires`, or is marked
:func:`public`. A route with neither is refused at run time (see ``session.enforce_declared``)
and fails the test that walks ``app.url_map``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Literal, ParamSpec, TypeVar

from flask import abort, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

from spotcheck.core.policy import Permission, has_permission, refusal

if TYPE_CHECKING:
    from spotcheck.tenants.accounts.models import User

P = ParamSpec("P")
R = TypeVar("R")
V = TypeVar("V", bound=Callable[..., object])


def acting_user() -> User:
    """The signed-in user as the actor of a command or the reader of a query (the object itself,
    not Flask-Login's proxy)."""
    return current_user._get_current_object()


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def is_static_endpoint(endpoint: str | None) -> bool:
    """A static file (style sheet, script, font): public, served without asking who is there."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def requires(permission: Permission) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Decorate a view (or a MethodView method): 401 when not logged in, 403 without ``permission``."""

    def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
        @wraps(view)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if not current_user.is_authenticated:
                if is_api_request():
                    abort(401)
                manager = current_app.login_manager  # type: ignore[attr-defined]  # set by Flask-Login's init_app
                unauthorized: Response = manager.unauthorized()
                return unauthorized
            if not has_permission(current_user, permission):
                abort(403, description=str(refusal(permission)))
            return view(*args, **kwargs)

        guarded.__dict__["required_permission"] = permission  # read by declared_access
        return guarded

    return decorate


def public(view: V) -> V:
    """Mark a view as open to anyone, logged in or not (the public portal, login, health)."""
    view.__dict__["is_public"] = True  # read by declared_access
    return view


def declared_access(view_function: Callable[..., object] | None, method: str) -> Permission | Literal["public"] | None:
    """The permission or ``"public"`` declared by the view handling ``method`` (``None``: no view), or ``None``.

    HEAD is answered by the GET view (Flask and its MethodView run it and drop the body), so it needs GET's
    permission. OPTIONS reads nothing: Flask answers it with the route's ``Allow`` header, so it is open to anyone
    on a route that declares access for at least one of its methods (a route declaring none stays refused)."""
    verb = method.upper()
    view_class = getattr(view_function, "view_class", None)
    if verb == "OPTIONS":
        if view_function is None:
            return None
        verbs = sorted(set(getattr(view_class, "methods", None) or ()) - {"HEAD", "OPTIONS"}) if view_class else []
        declared = (
            [declared_access(view_function, other) for other in verbs]
            if view_class
            else [declared_access(view_function, "GET")]
        )
        return "public" if any(access is not None for access in declared) else None
    target: Callable[..., object] | None = view_function
    if view_class is not None:
        target = getattr(view_class, verb.lower(), None)
        if target is None and verb == "HEAD":
            target = getattr(view_class, "get", None)
    if target is None:
        return None
    if getattr(target, "is_public", False):
        return "public"
    permission = getattr(target, "required_permission", None)
    if permission is not None:
        return permission
    return None
