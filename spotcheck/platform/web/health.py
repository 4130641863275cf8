"""Liveness (/healthz), readiness (/readyz: database and broker reachable), and which deployment answers
(/healthz/deployment: the identity made at ``spotcheck db upgrade``, which ``spotcheck check`` compares to tell that
the public address reaches this deployment)."""

import redis
from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from spotcheck.core import deployment
from spotcheck.core.database import ping
from spotcheck.platform.permissions import public

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.route("/healthz/deployment")
@public
def which_deployment() -> ResponseReturnValue:
    return jsonify(deployment=deployment.identity())


@bp.route("/readyz")
@public
def readyz() -> ResponseReturnValue:
    checks = {"database": _check_database(), "broker": _check_broker()}
    ready = all(value in ("ok", "embedded") for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), (200 if ready else 503)


def _check_database() -> str:
    try:
        ping()
        return "ok"
    except Exception as exc:  # report, don't crash: readiness is about telling
        current_app.logger.warning("readiness: database unreachable: %s", type(exc).__name__)
        return "unreachable"


def _check_broker() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "embedded"

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok"
    except redis.RedisError as exc:
        current_app.logger.warning("readiness: broker unreachable: %s", type(exc).__name__)
        return "unreachable"
