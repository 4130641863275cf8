"""The processes beside :mod:`bench.city_year`: a real Celery worker on Redis (后台作业进程), gunicorn
on loopback, locust (headless) asking for each role's pages, and the SQL statements of one
action or page when it is over its budget (what it spends its time on).
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Self

import psutil  # type: ignore[import-untyped]  # psutil ships no types (types-psutil is not installed)
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, ExecutionContext
from sqlalchemy.engine.interfaces import DBAPICursor

from bench.common import HERE, Figures, free_port, gunicorn_command, log, production_environment
from spotcheck.core.database import db

#: The Redis database the benchmark's queue lives in (not the tests' 0).
REDIS_URL = os.environ.get("BENCH_CITY_REDIS_URL", "redis://127.0.0.1:6379/5")


def _celery_command() -> list[str]:
    script = Path(sys.executable).with_name("celery")
    return [str(script)] if script.exists() else [sys.executable, "-m", "celery"]


def service_environment(url: str, storage: Path, queue: str) -> dict[str, str]:
    """What the worker and the web server share with the benchmark's own process: the database,
    Redis and its queue, the stored files."""
    return {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "SPOTCHECK_CELERY_QUEUE": queue,
        "SPOTCHECK_STORAGE": str(storage),
        "SPOTCHECK_EXPORT_DIR": str(storage / "credit-export"),
    }


class Worker:
    """``celery -A spotcheck.worker worker`` (solo pool, one job at a time) on the benchmark's queue."""

    def __init__(self, url: str, storage: Path, folder: Path):
        self.queue = f"spotcheck-bench-{uuid.uuid4().hex[:10]}"
        self.log_path = folder / "worker.log"
        env = {
            **os.environ,
            "SPOTCHECK_ENV": "testing",
            "PYTHONUNBUFFERED": "1",
            **service_environment(url, storage, self.queue),
        }
        with self.log_path.open("w", encoding="utf-8") as log_file:
            self.proc = subprocess.Popen(
                [
                    *_celery_command(),
                    "-A",
                    "spotcheck.worker",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "--loglevel=INFO",
                    "-Q",
                    self.queue,
                    "-n",
                    f"{self.queue}@%h",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=HERE.parent,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 60) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if " ready." in self.log_path.read_text(errors="replace"):
                return time.monotonic() - started
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready: see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        _forget_queue(self.queue)


def _forget_queue(queue: str) -> None:
    """Leave nothing of the benchmark's queue in Redis."""
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    connection.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    connection.close()


@contextmanager
def queue_environment(queue: str) -> Iterator[None]:
    """``SPOTCHECK_CELERY_QUEUE`` for the app the benchmark creates (read from the environment)."""
    before = os.environ.get("SPOTCHECK_CELERY_QUEUE")
    os.environ["SPOTCHECK_CELERY_QUEUE"] = queue
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SPOTCHECK_CELERY_QUEUE", None)
        else:
            os.environ["SPOTCHECK_CELERY_QUEUE"] = before


class WebServer:
    """gunicorn serving ``spotcheck.wsgi:app`` on 127.0.0.1 as deployed (:func:`bench.common.gunicorn_command`)."""

    def __init__(self, url: str, storage: Path, queue: str, folder: Path, workers: int):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "gunicorn.log"
        env = {**os.environ, **production_environment(), **service_environment(url, storage, queue)}
        with self.log_path.open("w", encoding="utf-8") as log_file:
            self.proc = subprocess.Popen(
                gunicorn_command("spotcheck.wsgi:app", self.port, workers),
                env=env,
                cwd=HERE.parent,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2).read()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not start: see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def locust(
    base: str,
    spec: Figures,
    folder: Path,
    label: str,
    *,
    users_per_page: int,
    warmup: int,
    requests: int,
    pause_max: float,
    limit: int | None = None,
    locustfile: Path = HERE / "city_locustfile.py",
) -> dict[str, Figures]:
    """The users of ``spec`` (role → login and pages; :mod:`bench.city_locustfile`) asking for their
    pages: a warm-up run of ``warmup`` seconds, then the timed run, in which each user asks for its page
    ``requests`` times (or as often as ``limit`` seconds allow); returns each page's p50/p95 (ms), requests and
    failures. ``locustfile``: another file of users reading the same spec (:mod:`bench.business_record_locustfile`)."""
    spec_path = folder / f"{label}-pages.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    users = users_per_page * sum(len({page for page, _ in role["pages"]}) for role in spec["roles"].values())
    env = {**os.environ, "BENCH_CITY_PAGES": str(spec_path)}
    timed = requests * math.ceil(30 + pause_max)
    timed = min(timed, limit) if limit else timed
    for run, length, asked in (("warmup", warmup, 0), ("timed", timed, requests)):
        if not length:
            continue  # no warm-up asked for
        with (folder / f"{label}-{run}.log").open("w", encoding="utf-8") as log_file:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(locustfile),
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    str(users),
                    "-t",
                    f"{length}s",
                    "--host",
                    base,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--stop-timeout",
                    "5",
                ],
                env={
                    **env,
                    "BENCH_CITY_REQUESTS": str(asked),
                    "BENCH_CITY_RESULT": str(folder / f"{label}-{run}.json"),
                },
                cwd=HERE.parent,
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
    return json.loads((folder / f"{label}-timed.json").read_text(encoding="utf-8"))


# --- what an action or a page spends its time on --------------------------------------------------


_WORDS = re.compile(r"\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b\s*(?:.*?\bFROM\s+)?(\w+)", re.S)


def _label(statement: str) -> str:
    """A statement's kind and first table, with the tables it joins (``SELECT visit ⋈ team_member``)."""
    found = _WORDS.search(statement)
    head = f"{found.group(1).split()[0]} {found.group(2)}" if found else statement.split(None, 1)[0]
    joined = list(dict.fromkeys(re.findall(r"\bJOIN\s+(\w+)", statement)))
    locking = " FOR UPDATE" if re.search(r"\bFOR (NO KEY )?UPDATE\b", statement) else ""
    return head + "".join(f" ⋈ {t}" for t in joined[:3]) + locking


class StatementTrace:
    """The SQL statements run on the app's engine while it is active: how many, their time, and
    the costliest kinds (by total time)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.rows: list[tuple[float, str]] = []

    def _before(
        self,
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: object,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        conn.info["bench_statement_started"] = time.perf_counter()

    def _after(
        self,
        conn: Connection,
        cursor: DBAPICursor,
        statement: str,
        parameters: object,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        self.rows.append(
            (time.perf_counter() - conn.info.pop("bench_statement_started", time.perf_counter()), statement)
        )

    def __enter__(self) -> Self:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def summary(self, top: int = 3) -> Figures:
        by_kind: dict[str, list[float]] = defaultdict(list)
        for seconds, statement in self.rows:
            by_kind[_label(statement)].append(seconds)
        costliest = sorted(by_kind.items(), key=lambda kv: -sum(kv[1]))[:top]
        longest = max(self.rows, default=(0.0, ""), key=lambda row: row[0])
        return {
            "statements": len(self.rows),
            "sql_seconds": round(sum(s for s, _ in self.rows), 3),
            "costliest": [
                {"statement": kind, "count": len(times), "seconds": round(sum(times), 3)} for kind, times in costliest
            ],
            "longest": {"statement": _label(longest[1]) if longest[1] else "", "seconds": round(longest[0], 3)},
        }


def describe(summary: Figures, seconds: float) -> str:
    """A trace in one line: the statements, the share of SQL, the costliest kinds, and a single
    statement that took most of the time (a locking read that long waited for a lock)."""
    parts = "; ".join(f"{row['statement']} ×{row['count']:,} {row['seconds']:.2f} s" for row in summary["costliest"])
    python = max(0.0, seconds - summary["sql_seconds"])
    text = (
        f"{summary['statements']:,} SQL statements taking {summary['sql_seconds']:.2f} s, the rest "
        f"({python:.2f} s) in Python; costliest: {parts}"
    )
    longest = summary.get("longest") or {}
    if longest.get("seconds", 0) > seconds / 2:
        text += f"; one statement took {longest['seconds']:.2f} s of it: {longest['statement']}" + (
            " (waiting for a row lock held by another transaction)" if "FOR UPDATE" in longest["statement"] else ""
        )
    return text


def signed_in_client(app: Flask, login: str, password: str) -> FlaskClient:
    """A test client of the app signed in as ``login`` (for tracing a page in-process)."""
    client = app.test_client()
    response = client.get("/login")
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    if found is None:
        raise RuntimeError(f"no sign-in form: {response.status_code} {response.get_data(as_text=True)[:500]}")
    token = found.group(1)
    client.post("/login", data={"login": login, "password": password, "csrf_token": token})
    return client


def trace_page(app: Flask, login: str | None, password: str, path: str) -> Figures:
    """One request of ``path`` in-process (as ``login``), with its statements traced: in an app
    context of its own (a request inside the benchmark's context would share its ``g``, and so the
    user signed in before)."""
    with app.app_context():
        client = signed_in_client(app, login, password) if login else app.test_client()
        client.get(path)  # warm
        started = time.perf_counter()
        with StatementTrace(db.engine) as trace:
            response = client.get(path)
        seconds = time.perf_counter() - started
        db.session.remove()
    summary = trace.summary()
    log(f"traced {path}: {response.status_code} in {seconds:.2f} s")
    return {
        "seconds": round(seconds, 3),
        "status": response.status_code,
        **summary,
        "cause": describe(summary, seconds),
    }


# --- where the CPU went --------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process and its children so far (0 once it is gone)."""
    try:
        process = psutil.Process(pid)
        total = sum(process.cpu_times()[:2])
        for child in process.children(recursive=True):
            with suppress(psutil.Error):
                total += sum(child.cpu_times()[:2])
        return total
    except psutil.Error:
        return 0.0


def database_cpu_seconds(database: str) -> float:
    """The CPU of the PostgreSQL backends connected to ``database`` now (their command line names it)."""
    total = 0.0
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            if process.info["name"] == "postgres" and database in " ".join(process.info["cmdline"] or []):
                total += sum(process.cpu_times()[:2])
        except psutil.Error:
            pass
    return total
