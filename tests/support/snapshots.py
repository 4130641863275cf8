"""Snapshots of built worlds (世界快照): a world is built through the commands once per test run and
database kind (by whichever worker needs it first, while the other waits), then copied for every
further test that asks for it, in either worker (:mod:`tests.support.shared`).

A builder decorated with :func:`snapshotted` (``campaign_world.build``, ``results_world.handed_out``,
``joint_world.world`` …) runs for real the first time it is called from a given state of the
database; the database it leaves (PostgreSQL: ``CREATE DATABASE … TEMPLATE``; SQLite: a copy of the
file) and the files it stored (``SPOTCHECK_STORAGE``) are kept with the ids it returned. A later call
with the same arguments from the same state (the same fingerprint of every table, sequence and
stored file, the same clock, settings and events switch) puts that copy in place of the test's
database instead of building again, and returns the same ids. The test then goes on exactly as if it
had built the world itself.

Whenever the copy could differ from a real build, the builder simply runs: writes not committed yet
in the session, another connection to the database, a monkeypatched test, a calendar counted on,
Celery not eager (jobs would go to a broker), arguments that are not plain data.
``SPOTCHECK_TEST_SNAPSHOTS=0`` (or the :func:`building` block, used by ``tests/commands/test_worlds.py``)
turns the copies off.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
import shutil
import sqlite3
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from flask import current_app, has_app_context

from spotcheck.core import calendar, clock, events
from spotcheck.core.database import db
from tests.support import pg_reset, shared

ENABLED = os.environ.get("SPOTCHECK_TEST_SNAPSHOTS", "1") != "0"
#: Settings that name the test's own database or folders: not part of what a world depends on.
_OWN_SETTINGS = {
    "DATABASE_URL",
    "SQLALCHEMY_DATABASE_URI",
    "SPOTCHECK_STORAGE",
    "SQLALCHEMY_ENGINES",
    "SQLALCHEMY_BINDS",
    "CELERY",
}

_state = {"enabled": ENABLED, "depth": 0, "item": None}
_memo: dict[str, Snapshot] = {}
stats = {"built": 0, "copied": 0, "plain": 0}


@dataclass
class Snapshot:
    kind: str
    where: str  # a PostgreSQL database name or a SQLite file
    files: Path  # the stored files
    result: object


@contextmanager
def building(really: bool = True):
    """Within the block every world is built for real (the tests of the builders themselves); with
    ``really=False``, copied where it can be whatever ``SPOTCHECK_TEST_SNAPSHOTS`` says."""
    before = _state["enabled"]
    _state["enabled"] = not really
    try:
        yield
    finally:
        _state["enabled"] = before


def snapshotted(builder):
    """Build once per state and arguments, copy afterwards (see the module's docstring)."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs):
        if not _state["enabled"] or _state["depth"]:
            return builder(*args, **kwargs)
        before = _fingerprint(builder, args, kwargs)
        if before is None:
            stats["plain"] += 1
            return _run(builder, args, kwargs)
        name = "snapshot-" + hashlib.sha1(repr(before).encode()).hexdigest()
        kept = _memo.get(name) or shared.load(name)
        if kept is None:
            with shared.locked(name):  # another worker may be building the same world: wait for it
                kept = shared.load(name)
                if kept is None:
                    return _build(builder, args, kwargs, name)
        if _restore(kept):
            _memo[name] = kept
            stats["copied"] += 1
            return copy.deepcopy(kept.result)
        return _build(builder, args, kwargs, None)

    return wrapper


def _build(builder, args, kwargs, name: str | None):
    """Build for real; keep the outcome under ``name`` for every worker of the run."""
    result = _run(builder, args, kwargs)
    stats["built"] += 1
    if name is not None:
        kept = _take(result)
        if kept is not None:
            _memo[name] = kept
            shared.keep(name, kept)
    return result


def _run(builder, args, kwargs):
    _state["depth"] += 1
    try:
        return builder(*args, **kwargs)
    finally:
        _state["depth"] -= 1


# --- when a copy is the same as a build ---------------------------------------------------------


def _plain(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _patched() -> bool:
    item = _state["item"]
    if item is None:
        return False
    patcher = getattr(item, "funcargs", {}).get("monkeypatch")
    return bool(
        patcher is not None
        and (patcher._setattr or patcher._setitem or patcher._cwd is not None or patcher._savesyspath is not None)
    )


def _settings() -> str:
    plain = {key: value for key, value in current_app.config.items() if key not in _OWN_SETTINGS}
    return repr(sorted((key, repr(value)) for key, value in plain.items()))


def _fingerprint(builder, args, kwargs) -> tuple | None:
    """The key of this call: None when a copy could differ from a build."""
    if not has_app_context() or not (_plain(list(args)) and _plain(kwargs)) or _patched():
        return None
    if not current_app.config["CELERY"].get("task_always_eager") or calendar._override.get() is not None:
        return None
    db.session.flush()
    kind = db.engine.dialect.name
    if kind == "postgresql":
        if db.session.scalar(db.text("SELECT pg_current_xact_id_if_assigned()")) is not None:
            return None  # this test wrote something not committed yet
        db.session.commit()  # nothing written: ends the transaction without expiring anything
        tables = _pg_fingerprint()
    elif kind == "sqlite":
        if not _sqlite_idle():
            return None  # this test (or another connection) wrote something not committed yet
        db.session.commit()
        tables = _sqlite_fingerprint()
    else:
        return None
    if tables is None:
        return None
    return (
        builder.__module__,
        builder.__qualname__,
        repr(args),
        repr(sorted(kwargs.items())),
        kind,
        tables,
        _files_fingerprint(),
        repr(clock._fixed),
        repr(clock.today()),
        events._suspended.get(),
        _settings(),
    )


def _storage() -> Path:
    return Path(current_app.config["SPOTCHECK_STORAGE"])


def _files_fingerprint() -> str:
    root = _storage()
    digest = hashlib.sha1()
    if root.exists():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(f"{path.relative_to(root)}\0{path.stat().st_size}\0".encode())
                digest.update(hashlib.sha1(path.read_bytes()).digest())
    return digest.hexdigest()


# --- PostgreSQL -----------------------------------------------------------------------------------


def _pg_url() -> tuple[str, str]:
    """(the admin's URL of the server, the test database's name)."""
    url = db.engine.url
    name = url.database
    admin = os.environ.get("SPOTCHECK_TEST_DATABASE_URL", "postgresql://localhost/test")
    return admin, name


def _pg_connect(url: str, database: str | None = None):
    url = url.replace("postgresql+psycopg://", "postgresql://")
    if database is not None:
        url = f"{url.rpartition('/')[0]}/{database}"
    return psycopg.connect(url, connect_timeout=3, autocommit=True)


def _pg_others(conn, name: str) -> int:
    """How many other connections the database has (a connection just closed may take a moment to go)."""
    for _ in range(20):
        others = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        ).fetchone()[0]
        if not others:
            return 0
        time.sleep(0.02)
    return others


def _pg_fingerprint() -> str | None:
    db.engine.dispose()
    admin, name = _pg_url()
    with _pg_connect(admin, name) as conn:
        if _pg_others(conn, name):
            return None  # another app of the test holds the database: its copy could not be swapped in
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        sequences = [
            row[0]
            for row in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename"
            )
        ]
        # a table holding the template's rows (whichever row versions) counts as the template's
        rows = [
            (t, "template" if s in pg_reset.CLEAN.get(t, ()) else s)
            for t, s in sorted(pg_reset.signatures(conn, tables).items())
        ]
        rows += [(s, conn.execute(f'SELECT last_value, is_called FROM "{s}"').fetchone()) for s in sequences]
    return hashlib.sha1(repr(rows).encode()).hexdigest()


def _new_folder() -> Path:
    folder = shared.folder() / "snapshots" / uuid.uuid4().hex[:10]
    folder.mkdir(parents=True)
    return folder


def _take(result) -> Snapshot | None:
    """Keep the database and files as the builder left them (None when that cannot be done)."""
    if not _plain(result):
        return None
    db.session.flush()
    kind = db.engine.dialect.name
    folder = _new_folder()
    if kind == "postgresql":
        if db.session.scalar(db.text("SELECT pg_current_xact_id_if_assigned()")) is not None:
            return None  # left uncommitted: the test goes on in that transaction
        db.session.commit()  # nothing written: ends the transaction without expiring anything
        db.engine.dispose()
        admin, name = _pg_url()
        snapshot = f"sc_snap_{uuid.uuid4().hex[:10]}"
        with _pg_connect(admin) as conn:
            try:
                conn.execute(f'CREATE DATABASE "{snapshot}" TEMPLATE "{name}"')
            except Exception:
                return None
        shared.drop_at_the_end(admin, snapshot)
        where = snapshot
    else:
        if not _sqlite_idle():
            return None
        db.session.commit()
        db.engine.dispose()
        where = str(folder / "database.db")
        shutil.copyfile(db.engine.url.database, where)
    files = folder / "files"
    if _storage().exists():
        shutil.copytree(_storage(), files)
    else:
        files.mkdir()
    return Snapshot(kind, where, files, copy.deepcopy(result))


def _restore(kept: Snapshot) -> bool:
    db.engine.dispose()  # the session's transaction ended in _fingerprint: its objects stay as they are
    if kept.kind == "postgresql":
        admin, name = _pg_url()
        with _pg_connect(admin) as conn:
            if _pg_others(conn, name):
                return False
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{kept.where}"')
    else:
        path = db.engine.url.database
        for suffix in ("-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
        shutil.copyfile(kept.where, path)
    storage = _storage()
    if storage.exists():
        shutil.rmtree(storage)
    shutil.copytree(kept.files, storage)
    calendar.forget()
    return True


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite_idle() -> bool:
    """No connection holds a write not committed yet (another could not take the write lock)."""
    probe = sqlite3.connect(db.engine.url.database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()


def _sqlite_fingerprint() -> str | None:
    db.engine.dispose()
    path = Path(db.engine.url.database)
    wal = Path(str(path) + "-wal")
    if wal.exists() and wal.stat().st_size:
        return None
    return hashlib.sha1(path.read_bytes()).hexdigest()


# --- the plugin -----------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    _state["item"] = item
    try:
        yield
    finally:
        _state["item"] = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    _state["item"] = item  # builders called by fixtures
    try:
        yield
    finally:
        _state["item"] = None


def pytest_sessionfinish(session):
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    if worker is not None:
        shared.keep(f"worlds-{worker}", stats)  # summed up by the controller's summary


def pytest_terminal_summary(terminalreporter):
    total = dict(stats)
    for path in shared.folder().glob("worlds-*.pickle"):
        for key, value in shared.load(path.stem).items():
            total[key] += value
    if any(total.values()):
        terminalreporter.write_line(
            f"worlds: {total['built']} built and kept, {total['copied']} copied from a "
            f"snapshot, {total['plain']} built where a copy could differ"
        )
