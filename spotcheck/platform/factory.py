"""The application factory (应用工厂)."""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

from flask import Config, Flask, current_app, has_request_context, session
from sqlalchemy import Connection, event
from sqlalchemy.pool import ConnectionPoolEntry

from spotcheck.core import clock, scoping, settings
from spotcheck.core.commands import in_command
from spotcheck.core.database import db, sqlite_begin, sqlite_connected
from spotcheck.platform import commands_line, errors, identity_platform, routing, session as web_session, translating
from spotcheck.platform.client_address import trust_proxies
from spotcheck.platform.compiled_templates import COMPILED
from spotcheck.platform.config import load_config
from spotcheck.platform.extensions import api, babel, csrf, limiter, login_manager, migrate, talisman
from spotcheck.platform.permissions import is_static_endpoint, public

if TYPE_CHECKING:
    import psycopg
    from flask.typing import RouteCallable

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def select_locale() -> str:
    """The user's choice (session), else zh_CN: the UI is Chinese unless English is asked for."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return str(chosen)
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _current_config() -> Config:
    return current_app.config


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    app = Flask(
        "spotcheck",
        instance_path=os.environ.get("SPOTCHECK_INSTANCE") or None,
        template_folder="platform/templates",
        static_folder="platform/static",
    )
    app.jinja_options = {**app.jinja_options, "bytecode_cache": COMPILED}
    app.config.update(load_config(app.instance_path, config))
    if app.config["SPOTCHECK_TODAY"]:
        clock.run_from(date.fromisoformat(app.config["SPOTCHECK_TODAY"]))
    settings.use(_current_config)
    routing.init_app(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=app.config["SPOTCHECK_MIGRATIONS"])
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / ".." / "translations"),
    )
    translating.install(app)
    talisman.init_app(
        app,
        force_https=False,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy={
            **CONTENT_SECURITY_POLICY,
            "form-action": identity_platform.form_action_sources(app.config),
        },
        frame_options="DENY",
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
        referrer_policy="same-origin",
    )
    limiter.init_app(app)
    identity_platform.init_app(app)
    trust_proxies(app)
    _set_database_role(app)
    _sqlite_transactions(app)

    import spotcheck.models  # noqa: F401  (every model registered before mappers configure)
    from spotcheck.platform import (
        api as api_package,  # late wiring: pages and API after the models
        web,
    )
    from spotcheck.tasks import celery_init_app  # late wiring: the jobs after the models
    from spotcheck.tenants.accounts import branches  # late wiring: the kernel asks the accounts for a region's branch

    scoping.use_branches(branches.of_department)

    api.init_app(app)
    api_package.register(api)
    web.register(app)
    web_session.init_app(app)
    app.before_request(api_package.refuse_empty_changes)  # after who is asking is known
    errors.init_app(app)
    celery_init_app(app)
    commands_line.register_app_commands(app)
    _mark_framework_routes_public(app)
    return app


def _set_database_role(app: Flask) -> None:
    """On PostgreSQL, work as the application role, which owns no table: row-level security binds it
    (and, under testing only, commit without awaiting the disk: ``DATABASE_DURABLE``). Without JIT
    compilation: the platform's heavy statements run once each (a frame of a million rows, a dashboard),
    and compiling them took longer than it saved (the frame: 1.84 s with it, 1.54 s without)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    role, durable = app.config["SPOTCHECK_DB_ROLE"], app.config["DATABASE_DURABLE"]
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _set_role(
        dbapi_connection: psycopg.Connection[tuple[object, ...]], connection_record: ConnectionPoolEntry
    ) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            row = cursor.fetchone()
            assert row is not None  # SELECT current_user gives one row
            if row[0] != role:
                cursor.execute(f'SET ROLE "{role}"')
            cursor.execute("SET jit TO off")
            if not durable:
                cursor.execute("SET synchronous_commit TO off")
        dbapi_connection.commit()


#: How long a write on SQLite waits for the one writer before it fails (a job commits every batch).
SQLITE_BUSY_MS = 20_000


def _sqlite_transactions(app: Flask) -> None:
    """On SQLite, transactions begin when SQLAlchemy begins them (Python's sqlite3 driver would only
    begin one before the first write), so a command's savepoints nest inside its transaction and a
    failed command rolls back whole (SQLAlchemy's documented recipe for pysqlite); a command's begins
    as the writer and waits its turn (:func:`~spotcheck.core.database.sqlite_begin`). Under testing
    only, commits do not await the disk (``DATABASE_DURABLE``)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    durable = app.config["DATABASE_DURABLE"]
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection: sqlite3.Connection, connection_record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        # a write waits its turn behind a job's batch (a few seconds at most) rather than failing
        sqlite_connected(dbapi_connection, connection_record.info, SQLITE_BUSY_MS)
        if not durable:
            dbapi_connection.execute("PRAGMA synchronous = OFF")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        sqlite_begin(connection, writing=in_command())


def _mark_framework_routes_public(app: Flask) -> None:
    """Static files and the OpenAPI document are public; every other route declares its own access."""
    for endpoint, view in list(app.view_functions.items()):
        if is_static_endpoint(endpoint) or endpoint == "api-docs.openapi_json":
            # the same route under another function object (a mark on it leaves the framework's own untouched)
            wrapped = cast("RouteCallable", functools.wraps(view)(functools.partial(view)))
            app.view_functions[endpoint] = public(wrapped)
