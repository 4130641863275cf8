"""Who is asking (会话): Flask-Login wiring, bearer tokens, idle timeout, CSRF, and the one
place where the current tenant is taken from the signed-in user.

A browser session is a row on the server (:class:`~spotcheck.tenants.accounts.models.UserSession`); the
signed cookie carries its key. Every request checks the row, so signing out, a password change, a
deactivation or "sign out everywhere" end every copy of the cookie, and a session idle longer
than ``SESSION_IDLE_TIMEOUT`` is refused whatever the cookie says. A request carrying a bearer
token is the token's user; a bearer token that is not valid is a 401, whatever else the request
carries."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from flask import Flask, Request, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from spotcheck.core import text
from spotcheck.core.scoping import bind_request_scope, unbind
from spotcheck.platform.extensions import csrf, login_manager
from spotcheck.platform.permissions import declared_access, is_api_request, is_static_endpoint
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.businesses import queries as businesses

if TYPE_CHECKING:
    from werkzeug.wrappers import Response

    from spotcheck.tenants.accounts.models import User
    from spotcheck.tenants.businesses.models import BusinessPerson

_UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: Liveness and readiness (/healthz, /readyz): answered without looking anybody up.
HEALTH_ENDPOINTS = {"health.healthz", "health.readyz"}


def _bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


#: Where the session's key lives in the signed cookie.
SESSION_KEY = "sid"
#: Where the key of a sign-in awaiting its second factor lives (两步验证): a session that grants nothing yet, never
#: under :data:`SESSION_KEY` nor with a Flask-Login user id.
PENDING_KEY = "sid_pending"


@login_manager.user_loader
def _load_user(session_id: str) -> User | BusinessPerson | None:
    """A staff user (``tenant:user:stamp``) or a business's person (``b:person:stamp``), by the id's form."""
    if _bearer_secret() is not None:
        return None  # the token decides who this is (the request loader)
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    if businesses.is_business_session(session_id):
        held = businesses.session_person(session_id, session.get(SESSION_KEY), idle=idle)
        found, why = held.person, held.why
    else:
        check = accounts.session_user(session_id, session.get(SESSION_KEY), idle=idle)
        found, why = check.user, check.why
    if found is None:
        session.clear()
        if why == "idle":
            flash(_l("You were signed out after 30 minutes without activity."), "warning")
    # a User or a BusinessPerson: the vocabularies' SessionChecks cannot name the models
    return cast("User | BusinessPerson | None", found)


def is_business(principal: object) -> bool:
    """Whether the one signed in is a business's person (企业人员), not a staff user."""
    return getattr(principal, "business_place", None) is not None


@login_manager.request_loader
def _load_user_from_token(req: Request) -> User | BusinessPerson | None:
    secret = _bearer_secret()
    if secret is None:
        return None
    user: User | BusinessPerson | None = accounts.user_for_token(secret) or businesses.person_for_token(secret)
    if user is not None:
        g.authenticated_by_token = True
    return user


def _bind_tenant() -> None:
    """Set the current tenant (当前租户) from the signed-in user: the only place that does."""
    user = current_user._get_current_object()
    if is_business(user):  # a business binds no department, and never the platform's scope
        g.scope_token = bind_request_scope(None)
    elif user.is_authenticated:
        g.scope_token = bind_request_scope(user.tenant_id, platform=user.tenant_id is None)
    else:
        g.scope_token = bind_request_scope(None)


def _enforce_declared_access() -> None:
    """Refuse any route that declares neither a permission nor public access (deny by default)."""
    if request.endpoint is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and declared_access(view, request.method) is None:
        current_app.logger.error("route %s declares no permission; refused", request.endpoint)
        abort(403)


def _refuse_unstorable_text() -> None:
    """A NUL byte (or another character no text field may hold) in the path or a query parameter is
    a bad request, answered before any search reaches the database."""
    if text.has_forbidden(request.path):
        abort(404)
    for name, value in request.args.items(multi=True):
        if text.has_forbidden(name) or text.has_forbidden(value):
            abort(
                400,
                description=str(
                    _l(
                        "The address holds a character that is not allowed (in %(name)s).",
                        name=name if not text.has_forbidden(name) else "?",
                    )
                ),
            )


def _refuse_bad_token() -> None:
    """A bearer token that is not valid (unknown, revoked, of a deactivated user) is a 401 on every
    method, before anything else is checked."""
    if _bearer_secret() is not None and not g.get("authenticated_by_token"):
        abort(401)


#: What a user with a temporary password may open before choosing their own: the account page (to
#: change it) and signing out; the public pages stay open as for anyone.
TEMPORARY_PASSWORD_ENDPOINTS = {"account.profile", "auth.logout"}


def _require_own_password() -> Response | None:
    """A user signed in with a temporary password (reset by the platform administrator) is sent to
    their account page to choose their own before any other page (an API call is refused)."""
    user = current_user._get_current_object()
    if not user.is_authenticated or not getattr(user, "must_change_password", False) or g.get("authenticated_by_token"):
        return None
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if request.endpoint in TEMPORARY_PASSWORD_ENDPOINTS or (
        view is not None and declared_access(view, request.method) == "public"
    ):
        return None
    if is_api_request():
        abort(403, description=str(_l("Choose your own password on your account page first.")))
    flash(str(_l("You signed in with a temporary password: choose your own password before anything else.")), "warn")
    return redirect(url_for("account.profile"))


def _check_csrf() -> None:
    if request.method in _UNSAFE_METHODS and not g.get("authenticated_by_token"):
        csrf.protect()


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"  # "strong" would drop bearer-token calls that also carry a cookie

    @login_manager.unauthorized_handler
    def unauthorized() -> Response:
        if is_api_request():
            abort(401)
        if request.blueprint in ("business_pages", "business_record_pages"):  # a business's page: its own sign-in
            flash(login_manager.login_message, "info")
            return redirect(url_for("business_pages.sign_in"))
        if session.get(PENDING_KEY):  # a right password, the second factor still awaited: its page
            flash(_l("Give the second factor to finish signing in."), "info")
            return redirect(url_for("auth.second_factor"))
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))

    @app.before_request
    def _identify() -> Response | None:
        if request.routing_exception is None and request.endpoint in HEALTH_ENDPOINTS:
            _refuse_unstorable_text()  # a health check answers while the database is away: nobody to look up
            g.scope_token = bind_request_scope(None)
            return None
        if request.routing_exception is not None or is_static_endpoint(request.endpoint):
            # no such page or method (404/405 as it is), or a public static file: nobody to look up
            g.scope_token = bind_request_scope(None)
            return None
        _refuse_unstorable_text()
        _enforce_declared_access()
        _bind_tenant()
        _refuse_bad_token()
        _check_csrf()
        return _require_own_password()

    @app.teardown_request
    def _release(exc: BaseException | None) -> None:
        token = g.pop("scope_token", None)
        if token is not None:
            unbind(token)
