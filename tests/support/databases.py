"""The databases and apps of the tests (测试数据库): every database test runs on SQLite and on PostgreSQL.

PostgreSQL and Redis come from ``SPOTCHECK_TEST_DATABASE_URL`` / ``SPOTCHECK_TEST_REDIS_URL``
(defaults: the local ``test`` database and Redis db 0). Without them the tests that need them
skip, unless ``SPOTCHECK_REQUIRE_SERVICES=1`` (CI), which turns their absence into a failure.
A template database is migrated (``upgrade``) and loaded with the demo departments once per session
(of each xdist worker); before each test, the worker's own database is made like it again, and one
app per database kind serves the worker's tests.
"""

from __future__ import annotations

import copy
import shutil
import uuid

import pytest

from spotcheck.core import calendar, official_calendar
from spotcheck.core.database import db
from tests.support import pg_reset, shared
from tests.support.helpers import (
    PG_ADMIN_URL,
    _pg_connect,
    _with_database,
    build_database,
    drop_pg_database,
    make_app,
    new_pg_database,
    service_missing,
)


@pytest.fixture(scope="session")
def pg_server():
    """A migrated, demo-loaded PostgreSQL template database for this run: built by the first worker
    that needs it, with the rows every worker's reset puts back (nobody connects to it afterwards,
    so that databases can be created from it at any time)."""
    try:
        _pg_connect(PG_ADMIN_URL).close()
    except Exception as exc:
        service_missing("PostgreSQL", f"{PG_ADMIN_URL}: {type(exc).__name__}")
    with shared.locked("pg-template"):
        server = shared.load("pg-template")
        if server is None:
            template = f"sc_tpl_{uuid.uuid4().hex[:10]}"
            with _pg_connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{template}"')
            shared.drop_at_the_end(PG_ADMIN_URL, template)
            build_database(_with_database(PG_ADMIN_URL, template))
            server = {
                "admin_url": PG_ADMIN_URL,
                "template": template,
                "contents": pg_reset.contents(PG_ADMIN_URL, template),
            }
            shared.keep("pg-template", server)
    return server


@pytest.fixture(scope="session")
def sqlite_template():
    """The same for SQLite: one file for the run, copied for every test."""
    with shared.locked("sqlite-template"):
        path = shared.folder() / "template.db"
        if not path.exists():
            partial = shared.folder() / "template.partial.db"
            partial.unlink(missing_ok=True)
            build_database(f"sqlite:///{partial}")
            partial.replace(path)
    return path


@pytest.fixture(scope="session")
def worker_databases(tmp_path_factory):
    """Where this worker's tests work: one SQLite file and one PostgreSQL database name (created
    afresh from the template for each test), so that one app per kind serves every test."""
    folder = tmp_path_factory.mktemp("worker")
    places = {
        "sqlite": folder / "spotcheck.db",
        "postgresql": f"sc_w_{uuid.uuid4().hex[:10]}",
        "storage": {"sqlite": folder / "storage-sqlite", "postgresql": folder / "storage-postgresql"},
    }
    yield places
    _worker_apps.clear()
    if "server" in places:
        drop_pg_database(places["server"], places["postgresql"])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, worker_databases):
    """A fresh demo-loaded database, once on SQLite and once on PostgreSQL: the template copied to
    this worker's own place (the same URL test after test; nothing of the test before is left)."""
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
    server = request.getfixturevalue("pg_server")
    worker_databases["server"] = server
    name = worker_databases["postgresql"]
    if "resetter" not in worker_databases:
        worker_databases["resetter"] = pg_reset.Resetter(
            server["admin_url"], server["template"], name, server["contents"]
        )
    worker_databases["resetter"].fresh()
    yield _with_database(server["admin_url"], name)


@pytest.fixture
def postgres_url(request):
    """Like ``database_url`` but PostgreSQL only (row-level security, locking)."""
    server = request.getfixturevalue("pg_server")
    name = new_pg_database(server)
    yield _with_database(server["admin_url"], name)
    drop_pg_database(server, name)


_worker_apps: dict[str, dict] = {}


def _dispose(application) -> None:
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _settings_copy(config) -> dict:
    kept = {}
    for key, value in config.items():
        try:
            kept[key] = copy.deepcopy(value)
        except Exception:
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
    with calendar.counting_on(official_calendar.package_calendar()):
        yield
