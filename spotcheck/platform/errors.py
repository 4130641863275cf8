"""How the web and API layers show the domain errors (:mod:`spotcheck.core.errors`)."""
from __future__ import annotations

from http import HTTPStatus

from flask import jsonify, render_template, request
from flask_babel import gettext as _
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
            body = {"code": error.code, "status": _status_name(error.code), "message": data.get("message") or error.description}
            if data.get("messages"):
                body["errors"] = data["messages"]
            response = jsonify(body)
            response.status_code = error.code
            _keep_headers(error, response)
            if error.code == 401:
                response.headers["WWW-Authenticate"] = 'Bearer realm="spotcheck"'
            return response
        response = app.make_response((render_template("error.html", status=error.code, message=error.description),
                                      error.code))
        _keep_headers(error, response)
        return response


def _keep_headers(error: HTTPException, response) -> None:
    """The headers the error carries (``Allow`` of a 405 above all) survive its page or JSON body."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
