"""The embedded queue's worker (嵌入式作业进程): with no ``REDIS_URL``, jobs are queued in files
under the instance folder (:func:`spotcheck.platform.config.embedded_queue`), and ``spotcheck run``
starts one Celery worker beside the web server to run them — so hand-outs, draws and documents
never run inside a request, on a laptop as in production. The worker also runs the beat (定时任务,
:mod:`spotcheck.tasks.schedule`): the periodic check that resumes a job a restart cut off, the
sending of notices, the reminders and the credit export, as in production.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from flask import Flask

log = logging.getLogger(__name__)


def is_embedded(app: Flask) -> bool:
    """Jobs go to the embedded queue (no broker of its own, not run eagerly)."""
    return str(app.config["CELERY"].get("broker_url", "")).startswith("filesystem://")


def start(app: Flask) -> subprocess.Popen | None:
    """Starts the worker of the embedded queue (one job at a time), unless jobs go elsewhere or
    this process is the reloader's child (its parent started it)."""
    if not is_embedded(app) or os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return None
    queue = app.config["CELERY"]["task_default_queue"]
    schedule = str(Path(app.instance_path) / "celerybeat-schedule")
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "spotcheck.worker",
        "worker",
        "--pool=solo",
        "--loglevel=WARNING",
        "-Q",
        queue,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--beat",
        "-s",
        schedule,
    ]
    # The one worker runs one job at a time, the periodic check among them: a job still "running"
    # when the check runs was left by a worker that stopped (the server restarted), and is queued
    # again at once (no lease to wait out) and goes on from where it was.
    process = subprocess.Popen(
        command, env={**os.environ, "SPOTCHECK_INSTANCE": app.instance_path, "SPOTCHECK_JOB_LEASE_SECONDS": "0"}
    )
    log.warning("embedded queue: worker started (pid %s)", process.pid)
    return process


def stop(process: subprocess.Popen | None) -> None:
    """Stops the worker: a job it was running is left to the periodic check of the next worker, which
    queues it again."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
