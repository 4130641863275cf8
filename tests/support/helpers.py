"""Helpers of the tests (测试辅助): services, apps, signing in, looking up demo rows, serving the app.

Plain functions and constants, imported by the tests (``from tests.support.helpers import signed_in``);
the fixtures are in :mod:`tests.support.databases`, :mod:`tests.support.browsers` and
:mod:`tests.support.workers`.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import uuid
from contextlib import contextmanager

import flask_migrate
import psycopg
import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import system_access
from spotcheck.demo import load_demo
from spotcheck.platform.factory import create_app
from spotcheck.tenants.accounts.models import Tenant, User

REQUIRE_SERVICES = os.environ.get("SPOTCHECK_REQUIRE_SERVICES") == "1"
PG_ADMIN_URL = os.environ.get("SPOTCHECK_TEST_DATABASE_URL", "postgresql://localhost/test")
REDIS_URL = os.environ.get("SPOTCHECK_TEST_REDIS_URL", "redis://localhost:6379/0")
DEMO_PASSWORD = "Spotcheck-2026"


def service_missing(what: str, why: str):
    """A service the test needs is absent: a failure under ``SPOTCHECK_REQUIRE_SERVICES=1`` (CI),
    else a skip with the reason (DESIGN.md: ``make test`` on a machine without PostgreSQL or Redis)."""
    message = f"{what} not reachable ({why})"
    if not REQUIRE_SERVICES:
        pytest.skip(message)
    pytest.fail(message + " and SPOTCHECK_REQUIRE_SERVICES=1", pytrace=False)


def _pg_connect(url: str, **kwargs):
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3, **kwargs)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def build_database(url: str) -> None:
    """Migrate an empty database and load the demo departments into it."""
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
        # Departments and users only: the tests build the items, entities and inspectors they need
        # and assert on them exactly; tests/system/test_demo_city.py loads a small demo city of its own.
        load_demo(entities=0, actor=CONSOLE)
        db.engine.dispose()


def new_pg_database(server) -> str:
    name = f"sc_t_{uuid.uuid4().hex[:10]}"
    with _pg_connect(server["admin_url"], autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{server["template"]}"')
    return name


def drop_pg_database(server, name: str) -> None:
    with _pg_connect(server["admin_url"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate_to(app, revision: str = "head") -> None:
    """The app's database moved to ``revision`` (down, or up to the head), with no session or pooled connection
    left on the schema it had."""
    directory = app.config["SPOTCHECK_MIGRATIONS"]
    db.session.remove()
    db.engine.dispose()
    move = flask_migrate.upgrade if revision == "head" else flask_migrate.downgrade
    move(directory=directory, revision=revision)
    db.engine.dispose()


def make_app(url: str, **overrides):
    """An app on ``url``; its stored files in a folder of its own (``SPOTCHECK_STORAGE``)."""
    storage = overrides.pop("SPOTCHECK_STORAGE", None) or tempfile.mkdtemp(prefix="spotcheck-storage-")
    return create_app({"DATABASE_URL": url, "SPOTCHECK_STORAGE": storage, **overrides})


#: The app of each database kind this worker keeps, with what it was made as (see ``app``).
# --- helpers for tests ------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _session_csrf(client) -> str | None:
    """The raw CSRF secret the client's signed session cookie holds (None before any form)."""
    application = client.application
    cookie = client.get_cookie(application.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return None
    serializer = application.session_interface.get_signing_serializer(application)
    try:
        return serializer.loads(cookie.value).get("csrf_token")
    except Exception:
        return None


def csrf_token(client, url: str = "/login") -> str:
    """The token a form of ``url`` carries: read from the page the first time, then reused as long as
    the session holds the same secret (a browser's forms all carry the same one)."""
    known = getattr(client, "_spotcheck_csrf", None)
    if known is not None and known[0] == _session_csrf(client):
        return known[1]
    page = client.get(url)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    client._spotcheck_csrf = (_session_csrf(client), match.group(1))
    return match.group(1)


def login(client, login_name: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"login": login_name, "password": password, "csrf_token": token})
    return response


def post_form(client, url: str, data: dict, *, token_from: str = "/"):
    """Submit a form the way a browser does: with the CSRF token of the session."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from)})


def count_figures(client, period: str = "2026"):
    """A bureau's 立即重新统计 on its dashboard: the figures of ``period`` counted again and kept (the job runs at once
    in the tests), as the pages read them."""
    response = post_form(client, "/supervision/count", {"period": period}, token_from=f"/supervision?period={period}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def signed_in(app, login_name: str):
    client = app.test_client()
    response = login(client, login_name)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def bearer(app, login_name: str) -> dict:
    """Headers carrying a fresh personal API token of ``login_name``."""
    client = signed_in(app, login_name)
    response = post_form(client, "/account/tokens", {"name": "tests"}, token_from="/account/tokens")
    secret = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    return {"Authorization": f"Bearer {secret}"}


def tenant_id(code: str) -> int:
    """The id of a demo department (inside an app context)."""
    return db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code))


def level_url(app, path: str, department: str = "YJJ", **query) -> str:
    """``path`` (a portal's list of a region's departments: ``/public/draws``, ``/public/inspectors``) for the region
    demo department ``department`` belongs to (the demo's departments sit below the deployment's root, 宁安市 under
    牡丹江市): ``?region=<its code>`` (none for the root), then ``query``."""
    with app.app_context():
        region = db.session.scalar(sa.select(Tenant).where(Tenant.code == department)).region
        params = {"region": region.code} if region.parent_id is not None else {}
    params |= {key: value for key, value in query.items() if value is not None}
    return path + ("?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else "")


def user_named(login_name: str):
    """A demo user, looked up across departments (inside an app context)."""
    with system_access("test lookup"):
        return db.session.scalar(sa.select(User).where(User.login == login_name))


@contextmanager
def served(sqlite_template, folder, prepare=None, overrides=None):
    """A copy of the template database served by werkzeug on a free local port: yields (app, url).

    ``prepare(app)`` runs in an app context before serving (data a browser test needs); ``overrides``: settings."""
    path = folder / "spotcheck.db"
    shutil.copy(sqlite_template, path)
    application = make_app(f"sqlite:///{path}", **(overrides or {}))
    if prepare is not None:
        with application.app_context():
            prepare(application)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="spotcheck-live-server", daemon=True)
    thread.start()
    try:
        yield application, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        with application.app_context():
            db.engine.dispose()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
