"""The tests' root: the environment, and the plugins of ``tests/support`` that hold the fixtures.

Every database test runs on SQLite and on PostgreSQL (:mod:`tests.support.databases`).

PostgreSQL and Redis come from ``SPOTCHECK_TEST_DATABASE_URL`` / ``SPOTCHECK_TEST_REDIS_URL``
(defaults: the local ``test`` database and Redis db 0). Without them the tests that need them
skip, unless ``SPOTCHECK_REQUIRE_SERVICES=1`` (CI), which turns their absence into a failure."""

from __future__ import annotations

import os

os.environ["SPOTCHECK_ENV"] = "testing"
# A test's commits need not wait for the disk (异步提交): what a transaction sees and what a crash
# keeps in a test database change nothing a test checks, and each commit saves a flush. libpq reads
# this for every connection the tests and the workers they start open.
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")

pytest_plugins = [
    "tests.support.shared",
    "tests.support.databases",
    "tests.support.browsers",
    "tests.support.workers",
    "tests.support.snapshots",
    "tests.support.ordering",
    "tests.support.clusters",
    "tests.support.route_walk",
    "tests.support.planning_day",
]
