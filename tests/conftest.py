"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL and Redis come from ``SPOTCHECK_TEST_DATABASE_URL`` / ``SPOTCHECK_TEST_REDIS_URL``
(defaults: the local ``test`` database and Redis db 0). Without them the tests that need them
skip, unless ``SPOTCHECK_REQUIRE_SERVICES=1`` (CI), which turns their absence into a failure.
Each test gets a fresh database copied from a template that was migrated (``upgrade``) and
loaded with the demo departments once per session.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from contextlib import contextmanager

import pytest

os.environ["SPOTCHECK_ENV"] = "testing"

pytest_plugins = ["tests.support.snapshots"]

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
    import psycopg

    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3, **kwargs)


def _with_database(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def build_database(url: str) -> None:
    """Migrate an empty database and load the demo departments into it."""
    import flask_migrate

    from spotcheck.platform.factory import create_app
    from spotcheck.core.policy import CONSOLE
    from spotcheck.demo import load_demo
    from spotcheck.core.database import db

    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
        # Departments and users only: the tests build the items, entities and inspectors they need
        # and assert on them exactly; tests/test_demo_city.py loads a small demo city of its own.
        load_demo(entities=0, actor=CONSOLE)
        db.engine.dispose()


@pytest.fixture(scope="session")
def pg_server():
    """A migrated, demo-loaded PostgreSQL template database for this session."""
    try:
        _pg_connect(PG_ADMIN_URL).close()
    except Exception as exc:  # noqa: BLE001 — any failure means "not reachable"
        service_missing("PostgreSQL", f"{PG_ADMIN_URL}: {type(exc).__name__}")
    template = f"sc_tpl_{uuid.uuid4().hex[:10]}"
    with _pg_connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{template}"')
    build_database(_with_database(PG_ADMIN_URL, template))
    server = {"admin_url": PG_ADMIN_URL, "template": template}
    yield server
    with _pg_connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    build_database(f"sqlite:///{path}")
    return path


def new_pg_database(server) -> str:
    name = f"sc_t_{uuid.uuid4().hex[:10]}"
    with _pg_connect(server["admin_url"], autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{server["template"]}"')
    return name


def drop_pg_database(server, name: str) -> None:
    with _pg_connect(server["admin_url"], autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def worker_databases(tmp_path_factory):
    """Where this worker's tests work: one SQLite file and one PostgreSQL database name (created
    afresh from the template for each test), so that one app per kind serves every test."""
    folder = tmp_path_factory.mktemp("worker")
    places = {"sqlite": folder / "spotcheck.db", "postgresql": f"sc_w_{uuid.uuid4().hex[:10]}",
              "storage": {"sqlite": folder / "storage-sqlite", "postgresql": folder / "storage-postgresql"}}
    yield places
    _worker_apps.clear()
    if "server" in places:
        drop_pg_database(places["server"], places["postgresql"])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, worker_databases):
    """A fresh demo-loaded database, once on SQLite and once on PostgreSQL: the template copied to
    this worker's own place (the same URL test after test; nothing of the test before is left)."""
    from spotcheck.core import calendar

    for held in _worker_apps.values():  # no connection of the worker's apps outlives a test
        _dispose(held["app"])
    calendar.forget()  # read per database URL, and the URL is the same from test to test
    if request.param == "sqlite":
        path = worker_databases["sqlite"]
        for suffix in ("-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    from tests.support.pg_reset import Resetter

    server = request.getfixturevalue("pg_server")
    worker_databases["server"] = server
    name = worker_databases["postgresql"]
    if "resetter" not in worker_databases:
        worker_databases["resetter"] = Resetter(server["admin_url"], server["template"], name)
    worker_databases["resetter"].fresh()
    yield _with_database(server["admin_url"], name)


@pytest.fixture
def postgres_url(request):
    """Like ``database_url`` but PostgreSQL only (row-level security, locking)."""
    server = request.getfixturevalue("pg_server")
    name = new_pg_database(server)
    yield _with_database(server["admin_url"], name)
    drop_pg_database(server, name)


def make_app(url: str, **overrides):
    """An app on ``url``; its stored files in a folder of its own (``SPOTCHECK_STORAGE``)."""
    import tempfile

    from spotcheck.platform.factory import create_app

    storage = overrides.pop("SPOTCHECK_STORAGE", None) or tempfile.mkdtemp(prefix="spotcheck-storage-")
    return create_app({"DATABASE_URL": url, "SPOTCHECK_STORAGE": storage, **overrides})


#: The app of each database kind this worker keeps, with what it was made as (see ``app``).
_worker_apps: dict[str, dict] = {}


def _dispose(application) -> None:
    from spotcheck.core.database import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _settings_copy(config) -> dict:
    import copy

    kept = {}
    for key, value in config.items():
        try:
            kept[key] = copy.deepcopy(value)
        except Exception:  # noqa: BLE001 — a value that cannot be copied is kept as it is
            kept[key] = value
    return kept


@pytest.fixture
def app(database_url, worker_databases):
    """The app on ``database_url``: made once per worker and database kind, then given to each test
    as it was made (its settings restored, its stored files emptied, its Celery app the current
    one). A test that adds routes to it gets it, but the next test gets a new one."""
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    storage = worker_databases["storage"][kind]
    held = _worker_apps.get(kind)
    if held is not None and held["url"] == database_url:
        application = held["app"]
        application.config.clear()
        application.config.update(_settings_copy(held["config"]))
        application._got_first_request = False  # a test may still add a route (it then gets its own app)
        application.extensions["celery"].set_default()
    else:
        shutil.rmtree(storage, ignore_errors=True)
        application = make_app(database_url, SPOTCHECK_STORAGE=str(storage))
        held = {"app": application, "url": database_url, "config": _settings_copy(application.config)}
        _worker_apps[kind] = held
    routes = len(application.view_functions)
    shutil.rmtree(storage, ignore_errors=True)
    storage.mkdir(parents=True)
    yield application
    _dispose(application)
    if len(application.view_functions) != routes:
        _worker_apps.pop(kind, None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def package_calendar():
    """The official calendar of the package ``chinesecalendar`` (the years to 2026), counted on
    without a database: for the tests of counting working days alone."""
    from spotcheck.core import calendar, official_calendar

    with calendar.counting_on(official_calendar.package_calendar()):
        yield


# --- helpers for tests ------------------------------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/login") -> str:
    page = client.get(url)
    match = _CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def login(client, login_name: str, password: str = DEMO_PASSWORD):
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"login": login_name, "password": password, "csrf_token": token})
    return response


def post_form(client, url: str, data: dict, *, token_from: str = "/"):
    """Submit a form the way a browser does: with the CSRF token of the session."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from)})


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
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tenants.models import Tenant

    return db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code))


def user_named(login_name: str):
    """A demo user, looked up across departments (inside an app context)."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tenants.models import User
    from spotcheck.core.scoping import system_access

    with system_access("test lookup"):
        return db.session.scalar(sa.select(User).where(User.login == login_name))


@contextmanager
def served(sqlite_template, folder, prepare=None):
    """A copy of the template database served by werkzeug on a free local port: yields (app, url).

    ``prepare(app)`` runs in an app context before serving (data a browser test needs)."""
    import threading

    from werkzeug.serving import make_server

    from spotcheck.core.database import db

    path = folder / "spotcheck.db"
    shutil.copy(sqlite_template, path)
    application = make_app(f"sqlite:///{path}")
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


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright (never a downloaded browser): one for the session (of each
    xdist worker); every test opens its own context (own cookies, own pages) in it."""
    executable = shutil.which("chromium")
    if executable is None:
        service_missing("Chromium", "no `chromium` on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(autouse=True)
def _browser_contexts_closed(request):
    """The contexts a browser test opened are closed after it (the browser outlives the module)."""
    if "browser" not in request.fixturenames:
        yield
        return
    chromium = request.getfixturevalue("browser")
    before = set(chromium.contexts)
    yield
    for context in chromium.contexts:
        if context not in before:
            context.close()
