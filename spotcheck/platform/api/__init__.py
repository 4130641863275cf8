"""REST API under ``/api/v1`` (flask-smorest); OpenAPI at ``/api/openapi.json``."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Api

from spotcheck.core.policy import has_permission
from spotcheck.platform.permissions import declared_access


def refuse_empty_changes() -> None:
    """A PATCH of the API says what to change: with no body, or an empty object, it is a 422 naming
    the body (not a change of nothing answered 200)."""

    if request.method != "PATCH" or not request.path.startswith("/api/") or request.routing_exception is not None:
        return None
    if not _may_use_route():
        return None  # the route's own check answers 401 or 403 first: its rules stay unsaid
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body:
        abort(422, description=_("Give at least one field to change, as a JSON object."))
    return None


def _may_use_route() -> bool:
    """The signed-in user holds the permission the route declares for this method."""
    permission = declared_access(current_app.view_functions.get(request.endpoint or ""), request.method)
    if permission == "public":
        return True
    return bool(current_user.is_authenticated and permission is not None and has_permission(current_user, permission))


def register(api: Api) -> None:
    from spotcheck.platform.api.blueprints import RESOURCES  # they import this package: loaded once it is whole

    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    for module in RESOURCES:
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.PREFIX}")
