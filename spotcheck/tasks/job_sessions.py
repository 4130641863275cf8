"""The database session of a job's run (作业运行的数据库会话), on PostgreSQL: which session a run works
in (:func:`note_session`), ending the session of a run gone silent so that its locks go with it
(:func:`end_silent_sessions`), and waiting out a lost connection (:func:`when_reachable`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from spotcheck.core.database import db, is_unreachable
from spotcheck.core.job_models import Job, JobStatus

log = logging.getLogger(__name__)
_T = TypeVar("_T")


def note_session(job_id: int, attempt: int, noted: dict[str, object]) -> None:
    """Record, beside the work's transaction, which PostgreSQL session the run works in (its process
    and start), once per session: the periodic check ends it if the run goes silent for a lease."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    with as_login_role():
        pid, started = db.session.execute(
            sa.text("SELECT pid, backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        ).one()
    if noted.get("pid") == pid and noted.get("started") == started:
        return
    with Session(db.engine) as side:
        side.execute(
            sa.update(Job)
            .where(Job.id == job_id, Job.attempt == attempt)
            .values(run_backend_pid=pid, run_backend_started_at=started)
            .execution_options(synchronize_session=False)
        )
        side.commit()
    noted.update(pid=pid, started=started)


@contextmanager
def as_login_role() -> Iterator[None]:
    """For the statements inside, act as the role the connection logged in as rather than the
    application role it works as (which owns nothing): PostgreSQL shows a session's start, and lets
    one end it, only to a role with the privileges of the role that opened it. In a savepoint, so the
    application role is back whatever happens inside."""
    current, login = db.session.execute(sa.text("SELECT current_user, session_user")).one()
    with db.session.begin_nested():
        if current != login:
            db.session.execute(sa.text("SET LOCAL ROLE NONE"))
        yield
        if current != login:
            quoted = current.replace('"', '""')
            db.session.execute(sa.text(f'SET LOCAL ROLE "{quoted}"'))


#: How long a run that lost the database waits between two tries to reach it again.
RECONNECT_SECONDS = (0.5, 1, 2, 3, 5)


def when_reachable(step: Callable[[], _T], give_up_after: timedelta) -> _T:
    """``step()``, tried again while the database cannot be reached, for at most ``give_up_after``
    (then the error stands)."""
    deadline = time.monotonic() + give_up_after.total_seconds()
    tries = 0
    while True:
        try:
            return step()
        except Exception as error:
            if not is_unreachable(error) or time.monotonic() >= deadline:
                raise
            db.session.remove()  # a new connection next time
            time.sleep(RECONNECT_SECONDS[min(tries, len(RECONNECT_SECONDS) - 1)])
            tries += 1


def silent(moment: datetime, lease: timedelta) -> sa.ColumnElement[bool]:
    """A running job whose run has given no sign of life for a whole lease."""
    return sa.and_(
        Job.status == JobStatus.running, sa.or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < moment - lease)
    )


def end_silent_sessions(moment: datetime, lease: timedelta) -> int:
    """End the PostgreSQL session of every run silent for a lease (结束挂起作业的数据库会话): its open
    transaction is rolled back and its locks released. A session is ended only if it is still the one
    the run noted (same process, same start), never another that reuses the process id. Returns how
    many were ended."""
    if db.session.get_bind().dialect.name != "postgresql":
        return 0
    ended = 0
    runs = db.session.execute(
        sa.select(Job.id, Job.run_backend_pid, Job.run_backend_started_at).where(
            silent(moment, lease), Job.run_backend_pid.is_not(None)
        )
    ).all()
    for job_id, pid, started in runs:
        try:
            with as_login_role():
                done = db.session.scalar(
                    sa.text(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                        "WHERE pid = :pid AND backend_start = :started AND pid <> pg_backend_pid()"
                    ),
                    {"pid": pid, "started": started},
                )
        except sa.exc.DBAPIError:  # not allowed to (another role's session), or it would not end in time
            log.exception("job %s: could not end the session %s of its silent run", job_id, pid)
            continue
        if done:
            ended += 1
            log.warning("job %s: ended the database session %s of its run, silent for a lease", job_id, pid)
    return ended
