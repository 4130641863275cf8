"""The bureaus' two pages at a province's size, in-process (a quick look between two runs of ``python -m bench
province``): a copy of the kept world (``CREATE DATABASE … TEMPLATE``), migrated to the head, its figures counted
as the hourly schedule counts them (:func:`bench.province.count_figures`, timed), then the province's and a
county's justice bureau (home, ``/supervision?period=YEAR`` and the drill-downs of a county department's checks) and
a citizen's three public pages asked for
through the Flask test client, each page ``BENCH_PAGES_ROUNDS`` times after a warm-up, and traced once (its costliest
statements).

``python -m bench.province_pages [--keep]`` — ``--keep`` leaves the copy (``bench_province_pages``) for the next
look, which reuses it (migrated again to the head); without it the copy is dropped. The kept world itself is never
written.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import sys
import time

import flask_migrate
from flask import Flask

os.environ.setdefault("SPOTCHECK_ENV", "testing")  # before the app's settings are read


from bench import city_services as services, province_world as world
from bench.common import ADMIN_URL, admin_connect, app_context, log, with_database

COPY = "bench_province_pages"
ROUNDS = int(os.environ.get("BENCH_PAGES_ROUNDS", "5"))
PAGES: list[tuple[str, str | None, str]] = [
    ("province bureau: home", "sfj_supervisor", "/"),
    ("province bureau: dashboard", "sfj_supervisor", f"/supervision?period={world.YEAR}"),
    ("county bureau: home", "county_sfj_supervisor", "/"),
    ("county bureau: dashboard", "county_sfj_supervisor", f"/supervision?period={world.YEAR}"),
    ("public: portal (/public)", None, "/public"),
    ("public: a department's page", None, f"/public/SCJ{world.COUNTY}"),
    ("public: a region's page", None, f"/public/regions/{world.COUNTY}"),
    # the drill-downs (指标明细) of a county's market-regulation lead, by its county's bureau and the province's
    *(
        (
            f"{who}: a county department's {key}",
            login,
            f"/supervision/departments/{{department_id}}/{key}?period={world.YEAR}",
        )
        for who, login in (("county bureau", "county_sfj_supervisor"), ("province bureau", "sfj_supervisor"))
        for key in ("checked", "problems")
    ),
]


def _copy() -> str:
    with admin_connect(autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (COPY,)).fetchone()
        if not exists:
            started = time.perf_counter()
            conn.execute(f'CREATE DATABASE "{COPY}" TEMPLATE "{world.NAME}"')
            log(f"copied {world.NAME} to {COPY}: {time.perf_counter() - started:.0f} s")
    return with_database(ADMIN_URL, COPY)


def _migrate(url: str) -> None:
    with app_context(url) as app:
        logging.disable(logging.INFO)
        try:
            flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
        finally:
            logging.disable(logging.NOTSET)


def _count(url: str) -> dict:
    """The figures stored as the hourly schedule stores them (its command, committed), before the pages are asked."""
    from bench.province import count_figures

    return count_figures(url)


def _department_id(app: Flask) -> int:
    """The id of the county's market-regulation lead (``SCJ`` + the county's code), whose rows the drill-downs open."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import system_access
    from spotcheck.tenants.accounts.models import Tenant

    with app.app_context(), system_access("bench: the drilled department"):
        found = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == f"SCJ{world.COUNTY}"))
    if found is None:
        raise LookupError(f"the world has no SCJ{world.COUNTY}: rebuild it (python -m bench province --rebuild)")
    return found


def _time(url: str) -> dict:
    found: dict = {}
    with app_context(url) as app:
        department_id = _department_id(app)
        for label, login, pattern in PAGES:
            path = pattern.replace("{department_id}", str(department_id))
            with app.app_context():
                client = services.signed_in_client(app, login, world.PASSWORD) if login else app.test_client()
                first = time.perf_counter()
                status = client.get(path).status_code
                warm = time.perf_counter() - first
                times = []
                for _ in range(ROUNDS):
                    started = time.perf_counter()
                    client.get(path)
                    times.append(time.perf_counter() - started)
            trace = services.trace_page(app, login, world.PASSWORD, path)
            found[label] = {
                "status": status,
                "first_s": round(warm, 3),
                "median_s": round(statistics.median(times), 3),
                "max_s": round(max(times), 3),
                "trace": trace["cause"],
            }
            log(f"{label}: {json.dumps(found[label], ensure_ascii=False)}")
    return found


def main(argv: list[str]) -> int:
    keep = "--keep" in argv
    url = _copy()
    try:
        _migrate(url)
        counted = _count(url)
        if counted:
            log(f"figures counted: {counted}")
        print(json.dumps({"count": counted, "pages": _time(url)}, ensure_ascii=False, indent=2))
    finally:
        if not keep:
            with admin_connect(autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{COPY}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
