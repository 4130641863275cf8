"""What the benchmarks share: a fresh PostgreSQL database each, the demo city's generator, timing
and the result files (``bench/results/<name>.json`` and ``bench/RESULTS.md``)."""

from __future__ import annotations

import json
import logging
import os
import platform
import socket
import statistics
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, NotRequired, Self, TypeAlias, TypedDict

import flask_migrate
import psycopg
from flask import Flask
from psycopg.rows import TupleRow

from spotcheck.core import clock, personal_data
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.demo import load_demo
from spotcheck.platform.config import DEFAULT_SECRET_KEY
from spotcheck.platform.factory import create_app

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
ADMIN_URL = os.environ.get(
    "SPOTCHECK_BENCH_DATABASE_URL", os.environ.get("SPOTCHECK_TEST_DATABASE_URL", "postgresql://localhost/test")
)
#: Sizes (override with the environment for a quick try: BENCH_ENTITIES=50000 python -m bench).
ENTITIES = int(os.environ.get("BENCH_ENTITIES", "1000000"))
#: The day the benchmarks' departments draft and approve their 2026 campaigns: before the windows (March on), as a
#: window already over is refused (issue 94) — the draws and visits then run on the clock as before.
PLANNING_DAY = date(2026, 2, 20)


@contextmanager
def planning() -> Iterator[None]:
    """Within the block the clock shows :data:`PLANNING_DAY` (drafting and approving a campaign)."""
    with clock.frozen_at(PLANNING_DAY):
        yield


ORM_ROWS = int(os.environ.get("BENCH_ORM_ROWS", "20000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
#: The day the generated data is relative to (fixed, so every run generates the same rows).
TODAY = date(2026, 11, 21)


#: A benchmark's figures, a step's measure or a run's shape: a JSON object, as ``bench/results/<name>.json`` holds it.
Figures: TypeAlias = dict[str, Any]


class Line(TypedDict):
    """One printed figure beside its baseline (a row of ``RESULTS.md``)."""

    figure_name: str
    figure: str
    baseline_name: str
    baseline: str
    ratio: NotRequired[float | None]
    budget: NotRequired[str | None]


def log(message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def admin_connect(url: str = ADMIN_URL, *, autocommit: bool = False) -> psycopg.Connection[TupleRow]:
    return psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=5, autocommit=autocommit
    )


def with_database(url: str, name: str) -> str:
    return f"{url.rpartition('/')[0]}/{name}"


@contextmanager
def fresh_database(label: str) -> Iterator[str]:
    """A new database, migrated, with the demo departments and users (no city); dropped afterwards
    (kept with ``BENCH_KEEP_DATABASE=1``)."""
    name = f"sc_bench_{label}_{uuid.uuid4().hex[:8]}"
    with admin_connect(autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = with_database(ADMIN_URL, name)
    try:
        app = create_app({"DATABASE_URL": url})
        with app.app_context():
            logging.disable(logging.INFO)  # no migration chatter between the figures
            try:
                flask_migrate.upgrade(directory=app.config["SPOTCHECK_MIGRATIONS"])
            finally:
                logging.disable(logging.NOTSET)
            load_demo(entities=0, actor=CONSOLE)
            db.session.remove()
            db.engine.dispose()
        yield url
    finally:
        if os.environ.get("BENCH_KEEP_DATABASE") == "1":  # to look into what a benchmark measured
            log(f"database kept: {url}")
        else:
            with admin_connect(autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def vacuum_analyze(url: str, *tables: str) -> None:
    """What autovacuum does a little later on its own, done now as the owner: statistics and the
    visibility map for the planner; then a checkpoint, so that the load's writes are on disk before
    anything is timed (left to itself, the load's checkpoint spread them over the timed runs, unevenly:
    the same draw ceremony took 3.4–5.0 s at a million)."""
    with admin_connect(url, autocommit=True) as conn:
        for table in tables:
            conn.execute(f"VACUUM (ANALYZE) {table}")
        conn.execute("CHECKPOINT")


@contextmanager
def app_context(url: str, **overrides: object) -> Iterator[Flask]:
    """An app on ``url`` (and ``overrides`` of its settings), in its context; disposed afterwards."""
    app = create_app({"DATABASE_URL": url, **overrides})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


class Timer:
    start: float
    seconds: float

    def __enter__(self) -> Self:
        self.start = time.perf_counter()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.seconds = time.perf_counter() - self.start


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, object]:
    with admin_connect() as conn:
        row = conn.execute("SHOW server_version").fetchone()
        assert row is not None  # SHOW answers one row
        version = row[0]
        settings: dict[str, str] = dict(
            conn.execute(
                "SELECT name, setting || COALESCE(unit, '') FROM pg_settings "
                "WHERE name IN ('shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit')"
            ).fetchall()
        )
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "postgresql": version,
        "postgresql_settings": settings,
        "platform": platform.platform(),
    }


def ratio_text(ratio: float | None) -> str:
    """A ratio as printed: two significant digits below 1 (0.0095× is not 0.0×), one decimal above."""
    if ratio is None:
        return "—"
    return f"{ratio:.2g}×" if ratio < 1 else f"{ratio:,.1f}×"


def line(
    figure_name: str, figure: str, baseline_name: str, baseline: str, ratio: float | None, budget: str | None = None
) -> str:
    """One ``figure  [budget]  baseline  ratio`` line as ``make bench`` prints it."""
    beside = f"   [{budget}]" if budget else ""
    return f"{figure_name:<46} {figure:>12}{beside}   {baseline_name:<40} {baseline:>12}   ratio {ratio_text(ratio):>8}"


#: Sizes overridden for a quick try: the results then go to bench/results/trial/, not into RESULTS.md.
TRIAL = (
    any(
        name in os.environ
        for name in (
            "BENCH_ORM_ROWS",
            "BENCH_QUERIES",
            "BENCH_PS_ENTITIES",
            "BENCH_PS_SECONDS",
            "BENCH_PS_USERS",
            "BENCH_EXPORT_RECORDS",
            "BENCH_SUPERVISION_VISITS",
        )
    )
    or (float(os.environ.get("BENCH_CITY_SCALE", "1")) < 0.25)
    or (  # the city's quick version is a trial too
        ENTITIES < 1_000_000
    )
)  # fewer entities than a city's: a trial; a province's (BENCH_ENTITIES=10000000) is kept
#: Where a run writes its result instead (a test's temporary folder): the json only, never RESULTS.md.
ELSEWHERE = os.environ.get("BENCH_RESULTS_DIR")


def save(name: str, result: Mapping[str, object], *, trial: bool | None = None) -> None:
    """``bench/results/<name>.json`` and ``RESULTS.md`` (``trial``: a benchmark's own sizes say whether the run is
    a trial, rather than :data:`TRIAL`)."""
    trial = TRIAL if trial is None else trial
    folder = Path(ELSEWHERE) if ELSEWHERE else RESULTS / "trial" if trial else RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    if trial and not ELSEWHERE:
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")  # trials are not results to keep
    result = {
        "benchmark": name,
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {**machine(), "load_average_at_end": [round(x, 2) for x in os.getloadavg()]},
        **result,
    }
    (folder / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if trial or ELSEWHERE:
        log(f"results written to {folder / (name + '.json')} only (RESULTS.md unchanged)")
    else:
        write_markdown()


def write_markdown() -> None:
    """``bench/RESULTS.md`` from the last result of every benchmark."""
    parts = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench`) from `bench/results/*.json`; each benchmark ran on a fresh "
        "PostgreSQL database created for it. Re-run to refresh.",
        "",
    ]
    for path in sorted(RESULTS.glob("*.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(result, dict) or "title" not in result:
            continue  # not a benchmark's figures (suite.json: the suite's runs, reported by bench.suite)
        parts += [
            f"## {result['title']}",
            "",
            f"Run {result['run_at']} on {result['machine']['cpus']} CPU(s), "
            f"PostgreSQL {result['machine']['postgresql']} "
            f"({', '.join(f'{k} {v}' for k, v in sorted(result['machine']['postgresql_settings'].items()))}), "
            f"Python {result['machine']['python']}"
            + (
                f"; load average at the end {result['machine']['load_average_at_end'][0]:.1f}"
                if "load_average_at_end" in result["machine"]
                else ""
            )
            + ".",
            "",
        ]
        budgets = any("budget" in row for row in result["lines"])
        parts += (
            ["| figure | value | budget | baseline | value | ratio |", "|---|---:|---|---|---:|---:|"]
            if budgets
            else ["| figure | value | baseline | value | ratio |", "|---|---:|---|---:|---:|"]
        )
        for row in result["lines"]:
            budget = f" {row.get('budget', '')} |" if budgets else ""
            parts.append(
                f"| {row['figure_name']} | {row['figure']} |{budget} {row['baseline_name']} | "
                f"{row['baseline']} | {ratio_text(row.get('ratio'))} |"
            )
        for table in result.get("tables", []):
            parts += [
                "",
                f"{table['title']}:",
                "",
                "| " + " | ".join(table["columns"]) + " |",
                "|" + "---|" * len(table["columns"]),
            ]
            parts += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in table["rows"]]
        over = result.get("over_budget")
        if isinstance(over, list) and all(isinstance(o, dict) for o in over):  # with figure, budget and cause
            parts += ["", f"Over budget ({len(over)}):" if over else "Over budget: none."]
            parts += [f"- **{o['what']}**: {o['figure']} (budget {o['budget']}). {o.get('cause', '')}" for o in over]
        parts += [""] + [f"- {note}" for note in result.get("notes", [])] + [""]
    scale = HERE / "SCALE.md"  # what would need a second machine, written from these figures
    if scale.exists():
        parts += [scale.read_text(encoding="utf-8").rstrip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(parts), encoding="utf-8")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def web_workers() -> int:
    """How many gunicorn workers serve a benchmark's pages: 2 × cores + 1, gunicorn's own advice."""
    return 2 * (os.cpu_count() or 1) + 1


def production_environment() -> dict[str, str]:
    """What a benchmark's server needs to start in production, as deployed: a secret key of its own, the data key the
    benchmark's data was written under (its own process's, derived from the default secret), and a public address for
    the QR codes (a production server refuses to start with a local one; nothing here prints a code)."""
    return {
        "SPOTCHECK_ENV": "production",
        "SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "SPOTCHECK_DATA_KEY": personal_data.derived_key(DEFAULT_SECRET_KEY),
        "SPOTCHECK_PUBLIC_BASE_URL": "https://bench.spotcheck.invalid",
    }


def gunicorn_command(app: str, port: int, workers: int) -> list[str]:
    """gunicorn serving ``app`` on 127.0.0.1:``port`` as the product is deployed (the Dockerfile, the README): sync
    workers, each answering one request at a time and closing its connection, so that every request waits in one
    queue for the first free worker. Workers of threads keep each connection a client keeps alive to themselves:
    fifty clients asking without a pause were shared out unequally, and the searches of the fullest worker waited —
    on a busy machine p50 650 / p95 1,800 ms with 3 workers × 4 threads, against 810 / 1,100 with 5 sync workers,
    at the same throughput (56 and 60 searches a second)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        app,
    ]


def emit(lines: list[Line]) -> None:
    for row in lines:
        print(
            line(
                row["figure_name"],
                row["figure"],
                row["baseline_name"],
                row["baseline"],
                row.get("ratio"),
                row.get("budget"),
            ),
            flush=True,
        )
