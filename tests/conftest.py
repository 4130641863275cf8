"""The tests' root: the environment, and the plugins of ``tests/support`` that hold the fixtures.

Every database test runs on SQLite and on PostgreSQL (:mod:`tests.support.databases`).

PostgreSQL and Redis come from ``SPOTCHECK_TEST_DATABASE_URL`` / ``SPOTCHECK_TEST_REDIS_URL``
(defaults: the local ``test`` database and Redis db 0). Without them the tests that need them
skip, unless ``SPOTCHECK_REQUIRE_SERVICES=1`` (CI), which turns their absence into a failure."""
from __future__ import annotations

import os

os.environ["SPOTCHECK_ENV"] = "testing"

pytest_plugins = ["tests.support.shared", "tests.support.databases", "tests.support.browsers", "tests.support.workers",
                  "tests.support.snapshots", "tests.support.ordering", "tests.support.clusters",
                  "tests.support.route_walk"]
