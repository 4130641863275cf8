"""Swagger UI at /api/docs, from the swagger-ui-bundle package (no CDN)."""

import swagger_ui_bundle
from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from spotcheck.platform.permissions import public

bp = Blueprint("apidocs", __name__, static_folder=swagger_ui_bundle.swagger_ui_path, static_url_path="/api/docs/assets")


@bp.route("/api/docs")
@public
def swagger_ui() -> ResponseReturnValue:
    return render_template("api_docs.html")
