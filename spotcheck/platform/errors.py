"""How the web and API layers show the domain errors (:mod:`spotcheck.core.errors`)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus

import kombu.exceptions
import redis.exceptions
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _, lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from spotcheck.core.database import DATABASE_ERRORS, is_unreachable
from spotcheck.core.errors import (  # noqa: F401 — re-exported: the refusals pages and the API name from here
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ServiceError,
)
from spotcheck.core.personal_data import DataKeyMismatchError

log = logging.getLogger(__name__)

#: What reaching the broker (Redis) fails with, when a request hands it a job itself.
BROKER_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
#: How long a client is asked to wait before trying again while the database or broker is away.
RETRY_AFTER_SECONDS = 30
#: What a user reads then (系统暂时无法访问).
UNAVAILABLE = _l("The system is unavailable for a moment. Please try again later.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _json_error(status: int, message: str, errors: Mapping[str, object] | None = None) -> tuple[Response, int]:
    body: dict[str, object] = {"code": status, "status": _status_name(status), "message": message}
    if errors:
        body["errors"] = {"json": errors}
    return jsonify(body), status


def _status_name(status: int) -> str:
    return HTTPStatus(status).phrase


def _general_description(code: int | None) -> object:
    if code is None:
        return None
    """What a person reads of an HTTP error that says nothing more than its kind (werkzeug's English
    description): in the user's language."""
    return {
        400: _l("The request is not valid."),
        401: _l("Sign in first (or send a valid API token)."),
        403: _l("You are not allowed to do this."),
        404: _l("Nothing is at this address."),
        405: _l("This address does not take this kind of request."),
        409: _l("This is not possible in the object's present state."),
        413: _l("The file or request is too large."),
        415: _l("This kind of content is not accepted here."),
        422: _l("The request could not be processed."),
        429: _l("Too many requests: wait a moment and try again."),
        500: _l("Something went wrong on the server. The problem has been recorded."),
        503: _l("The service is unavailable for a moment: try again shortly."),
    }.get(code)


def _description(error: HTTPException) -> str:
    """The error's own description when a view gave one, else the general one in the user's language
    (a rate limit's description is its limit in English: the general one is said instead)."""
    if error.description and error.description != type(error).description and not isinstance(error, RateLimitExceeded):
        return error.description
    general = _general_description(error.code)
    return str(general) if general is not None else str(error.description)


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(DataKeyMismatchError, _data_key_error)
    for kind in DATABASE_ERRORS:
        app.register_error_handler(kind, _database_error)
    for broker in BROKER_ERRORS:
        app.register_error_handler(broker, _broker_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)


def _service_error(error: ServiceError) -> ResponseReturnValue:
    if _wants_json():
        return _json_error(error.status, str(error), getattr(error, "errors", None))
    return _page(error.status, str(error))


def _database_error(error: Exception) -> Response:
    if not is_unreachable(error):
        raise error  # a programming error stays a 500, logged as one
    log.warning(
        "database unreachable on %s %s: %s", request.method, request.path, type(error.__cause__ or error).__name__
    )
    return _unavailable()


def _broker_error(error: Exception) -> Response:
    log.warning("broker unreachable on %s %s: %s", request.method, request.path, type(error).__name__)
    return _unavailable()


def _data_key_error(error: DataKeyMismatchError) -> Response:
    """A process started with another data key than the one the values are under (a rotation half done):
    unavailable until it is restarted with the right one — it never reads or writes them with the wrong key."""
    log.error("data key mismatch on %s %s: %s", request.method, request.path, error)
    return _unavailable()


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    message = _("The form has expired or was not sent by this site. Reload the page and try again.")
    if _wants_json():
        return _json_error(400, message)
    return _page(400, message)


def _http_error(error: HTTPException) -> ResponseReturnValue:
    if error.code is None or error.code < 400:
        return error
    if _wants_json():
        return _http_error_json(error, error.code)
    response = _page(error.code, _description(error))
    if response.status_code == error.code:
        _keep_headers(error, response)
    return response


def _http_error_json(error: HTTPException, code: int) -> Response:
    """An HTTP error as the API's JSON error body (a validation's messages under ``errors``)."""
    data = getattr(error, "data", None) or {}
    body = {
        "code": code,
        "status": _status_name(code),
        "message": data.get("message") or _description(error),
    }
    if data.get("messages"):
        body["errors"] = data["messages"]
    response = jsonify(body)
    response.status_code = code
    _keep_headers(error, response)
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="spotcheck"'
    return response


def _page(status: int, message: str) -> Response:
    """The error page (its menu names the signed-in user); 503 when looking them up finds the
    database unreachable."""
    try:
        return current_app.make_response((render_template("error.html", status=status, message=message), status))
    except DATABASE_ERRORS as error:
        if not is_unreachable(error):
            raise
        return _unavailable()


def _unavailable() -> Response:
    """503 with ``Retry-After`` (系统暂时无法访问): the API's JSON error body, or a short page that asks
    nothing of the database (no menu, no signed-in user)."""
    message = str(UNAVAILABLE)
    if _wants_json():
        response = current_app.make_response(_json_error(503, message))
    else:
        # not render_template: its context processors would look the signed-in user up again
        page = current_app.jinja_env.get_template("unavailable.html")
        response = current_app.make_response((page.render(message=message, current_locale=str(get_locale())), 503))
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _keep_headers(error: HTTPException, response: Response) -> None:
    """The headers the error carries (``Allow`` of a 405 above all) survive its page or JSON body."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
