"""A database and app built once per test module, for the walks over every route.

A walk only reads (or is answered with refusals that change nothing), so the tests of a module that
walk the routes share one world instead of copying the template database, starting an app and
populating it again for each test. Like ``conftest.database_url``: once on SQLite, once on
PostgreSQL (with the same test ids, ``[sqlite]`` and ``[postgresql]``).

A plugin of ``tests/conftest.py``: a test names ``module_app`` among its arguments.
``postgresql_module_app`` is the same on PostgreSQL alone, for walks whose answers are decided
before any query runs or by the templates (a NUL byte refused on arrival, ID numbers masked on the
pages): the deployed database, with its row-level security, is the one worth walking twice over.
"""

from __future__ import annotations

import shutil

import pytest

from spotcheck.core.database import db
from tests.support.helpers import _with_database, drop_pg_database, make_app, new_pg_database


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def module_app(request, tmp_path_factory):
    """An app on a fresh demo-loaded database of its own, shared by the tests of one module."""
    yield from _module_app(request, tmp_path_factory, request.param)


@pytest.fixture(scope="module")
def postgresql_module_app(request, tmp_path_factory):
    """The same, on PostgreSQL only (mark its tests ``postgres``)."""
    yield from _module_app(request, tmp_path_factory, "postgresql")


def _module_app(request, tmp_path_factory, kind: str):
    server = None
    if kind == "sqlite":
        path = tmp_path_factory.mktemp("module-db") / "spotcheck.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        server = request.getfixturevalue("pg_server")
        name = new_pg_database(server)
        url = _with_database(server["admin_url"], name)
    application = make_app(url)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    if server is not None:
        drop_pg_database(server, name)
