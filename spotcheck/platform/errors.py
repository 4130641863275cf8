"""How the web and API layers show the domain errors (:mod:`spotcheck.core.errors`)."""
from __future__ import annotations

from http import HTTPStatus

from flask import jsonify, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from spotcheck.core.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed  # noqa: F401


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _json_error(status: int, message: str, errors: dict | None = None):
    body = {"code": status, "status": _status_name(status), "message": message}
    if errors:
        body["errors"] = {"json": errors}
    return jsonify(body), status


def _status_name(status: int) -> str:
    return HTTPStatus(status).phrase


def _general_description(code: int):
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
    """The error's own description when a view gave one, else the general one in the user's language."""
    if error.description and error.description != type(error).description:
        return error.description
    general = _general_description(error.code)
    return str(general) if general is not None else error.description


def init_app(app) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        if _wants_json():
            return _json_error(error.status, str(error), getattr(error, "errors", None))
        return render_template("error.html", status=error.status, message=str(error)), error.status

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = _("The form has expired or was not sent by this site. Reload the page and try again.")
        if _wants_json():
            return _json_error(400, message)
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if _wants_json():
            data = getattr(error, "data", None) or {}
            body = {"code": error.code, "status": _status_name(error.code), "message": data.get("message") or _description(error)}
            if data.get("messages"):
                body["errors"] = data["messages"]
            response = jsonify(body)
            response.status_code = error.code
            _keep_headers(error, response)
            if error.code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="spotcheck"'
            return response
        response = app.make_response((render_template("error.html", status=error.code, message=_description(error)),
                                      error.code))
        _keep_headers(error, response)
        return response


def _keep_headers(error: HTTPException, response) -> None:
    """The headers the error carries (``Allow`` of a 405 above all) survive its page or JSON body."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
