"""A job's pause point, for tests only (作业暂停点): a Celery worker started with :func:`pausing`'s
settings imports this module (``SPOTCHECK_TEST_MODULES``, which config refuses outside
``SPOTCHECK_ENV=testing``), and the first time a job's progress reaches the given per cent, the job
says so in ``job-<id>.paused`` (the per cent) and waits until ``job-<id>.resume`` appears. A test
kills the worker meanwhile: mid-job, its work not committed, its progress and heartbeat written."""

from __future__ import annotations

import logging
import os
import time
from functools import partial
from pathlib import Path

from spotcheck.tasks import jobs

log = logging.getLogger(__name__)

#: The worker's settings (environment) this module reads: the folder of the files, and the per cent.
FOLDER, AT = "SPOTCHECK_TEST_PAUSE_DIR", "SPOTCHECK_TEST_PAUSE_AT"


def pausing(folder: Path, at: int = 5) -> dict[str, str]:
    """A worker's environment for jobs that pause once at ``at`` per cent, their files in ``folder``."""
    return {"SPOTCHECK_TEST_MODULES": __name__, FOLDER: str(folder), AT: str(at)}


def _pause(folder: Path, at: int, job_id: int, percent: int) -> None:
    """A progress listener (:data:`spotcheck.tasks.jobs.PROGRESS_LISTENERS`): the pause itself."""
    paused, resume = folder / f"job-{job_id}.paused", folder / f"job-{job_id}.resume"
    if percent < at or paused.exists():
        return
    log.info("job %s: paused at %s%% for a test", job_id, percent)
    paused.write_text(str(percent))
    while not resume.exists():
        time.sleep(0.05)


if os.environ.get(FOLDER):  # the worker's import; a test that only calls pausing() registers nothing
    jobs.PROGRESS_LISTENERS.append(partial(_pause, Path(os.environ[FOLDER]), int(os.environ.get(AT, "5"))))
