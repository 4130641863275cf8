"""Services of a test's own (私有服务): a PostgreSQL cluster made with ``initdb`` and a Redis server,
which a test may stop and start again without touching the shared ones other tests use; and the
fault tests (``@pytest.mark.chaos``), which run under ``make chaos`` only (``SPOTCHECK_CHAOS=1``)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.helpers import service_missing

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster of the test: its URL (database ``spotcheck``, superuser ``postgres``), and
    stop/start as an operator would (``pg_ctl``)."""

    def __init__(self):
        initdb = shutil.which("initdb") or str(PG_BIN / "initdb")
        if not Path(initdb).exists() or not (PG_BIN / "pg_ctl").exists():
            service_missing("initdb/pg_ctl", "PostgreSQL server binaries not installed")
        # in a folder of its own (pytest's is not readable by the user ``postgres``); initdb refuses root
        self.folder = Path(tempfile.mkdtemp(prefix="spotcheck-cluster-"))
        self.as_user = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.port = free_port()
        subprocess.run(
            [
                *self.as_user,
                initdb,
                "-D",
                str(self.folder / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            check=True,
            capture_output=True,
        )
        self.pg_ctl = [*self.as_user, str(PG_BIN / "pg_ctl"), "-D", str(self.folder / "data")]
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/spotcheck"

    def start(self) -> None:
        subprocess.run(
            [
                *self.pg_ctl,
                "-o",
                f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -F",
                "-l",
                str(self.folder / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run([*self.pg_ctl, "-m", mode, "-w", "stop"], capture_output=True)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def new_cluster():
    """A new, empty PostgreSQL cluster; its URL. Stopped and removed after."""
    cluster = Cluster()
    try:
        yield cluster.url
    finally:
        cluster.remove()


@pytest.fixture
def own_cluster():
    """A new PostgreSQL cluster the test may stop and start (:class:`Cluster`)."""
    cluster = Cluster()
    try:
        yield cluster
    finally:
        cluster.remove()


class RedisServer:
    """A ``redis-server`` of the test (no persistence, like a broker restarted empty), on a port of its own."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if not self.binary:
            service_missing("redis-server", "not installed")
        self.port = free_port()
        self.proc = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def own_redis():
    server = RedisServer()
    try:
        yield server
    finally:
        server.stop()


def pytest_collection_modifyitems(config, items):
    """The fault tests stop and start services and take minutes: ``make chaos`` runs them
    (``SPOTCHECK_CHAOS=1``); ``make test`` leaves them out (deselected, not skipped)."""
    if os.environ.get("SPOTCHECK_CHAOS") == "1":
        return
    chaos = [item for item in items if item.get_closest_marker("chaos")]
    if chaos:
        config.hook.pytest_deselected(items=chaos)
        items[:] = [item for item in items if not item.get_closest_marker("chaos")]
