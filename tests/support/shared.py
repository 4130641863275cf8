"""What the processes of one test run share (一次运行共享): a folder, locks, and the PostgreSQL
databases to drop when the run ends.

``pytest -n 2`` runs two worker processes; the template databases and the snapshots of worlds
(:mod:`tests.support.snapshots`) are built by whichever worker needs them first, under a lock, and
used by both. The folder is the run's own base temporary folder (a worker's is inside it). The
process that runs the session as a whole (xdist's controller, or pytest alone) drops the databases
once every worker has finished.
"""

from __future__ import annotations

import pickle
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from tests.support.helpers import _pg_connect

_config = {"config": None}
_DATABASES = "databases-to-drop"


def pytest_configure(config):
    _config["config"] = config


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def folder() -> Path:
    """The run's shared folder (the same path in every worker of the run)."""
    config = _config["config"]
    base = config._tmp_path_factory.getbasetemp()
    shared = (base.parent if _is_worker(config) else base) / "shared"
    shared.mkdir(exist_ok=True)
    return shared


@contextmanager
def locked(name: str):
    """Hold the run-wide lock ``name`` (one worker at a time builds a thing the others then use)."""
    with FileLock(str(folder() / f"{name}.lock")):
        yield


def load(name: str):
    """What a worker kept under ``name`` for the run (None when nothing was)."""
    path = folder() / f"{name}.pickle"
    return pickle.loads(path.read_bytes()) if path.exists() else None


def keep(name: str, value) -> None:
    path = folder() / f"{name}.pickle"
    partial = path.with_suffix(".partial")
    partial.write_bytes(pickle.dumps(value))
    partial.replace(path)  # whole or not at all: another worker may read it at any time


def drop_at_the_end(admin_url: str, database: str) -> None:
    """Drop ``database`` when the run ends (it may serve another worker until then)."""
    with (folder() / _DATABASES).open("a", encoding="utf-8") as listed:
        listed.write(f"{admin_url}\t{database}\n")


def pytest_sessionfinish(session):
    if _is_worker(session.config) or _config["config"] is None:
        return
    listed = folder() / _DATABASES
    if not listed.exists():
        return
    for line in listed.read_text(encoding="utf-8").splitlines():
        admin_url, _, database = line.partition("\t")
        try:
            with _pg_connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        except Exception:
            pass
    listed.unlink()
