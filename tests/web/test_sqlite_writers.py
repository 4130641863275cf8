"""One writer at a time on the embedded SQLite database (单写者): a request that must write while a
job's batch holds the write lock waits its turn, instead of failing at once with "database is
locked" (a 500 on the page).

SQLite lets a transaction that has read turn into a writer only if no other writer is committing;
otherwise it answers "locked" without waiting (to avoid a deadlock). So a command ends the
transaction in which its request has only read, and begins its own as the writer (``BEGIN
IMMEDIATE``), which waits behind the other for up to the busy timeout."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from datetime import timedelta

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform import factory
from spotcheck.tasks import jobs
from tests.support.helpers import login, make_app, tenant_id, user_named

#: How long the other writer (a job's batch) keeps its transaction open.
HELD_SECONDS = 1.0


class OtherWriter(threading.Thread):
    """A second connection that writes and keeps its transaction open a while, as a job's batch does."""

    def __init__(self, path, held: float = HELD_SECONDS):
        super().__init__(daemon=True)
        self.path, self.held, self.holding, self.error = path, held, threading.Event(), None

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=20)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO writer_probe VALUES (1)")
            self.holding.set()
            threading.Event().wait(self.held)
            connection.execute("COMMIT")
        except sqlite3.Error as exc:  # kept for the test to report
            self.error = exc
            self.holding.set()
        finally:
            connection.close()


def _database(sqlite_template, tmp_path):
    path = tmp_path / "spotcheck.db"
    shutil.copy(sqlite_template, path)
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE writer_probe (x INTEGER)")
    return path


def test_a_sign_in_while_a_job_writes_waits_for_it_and_succeeds(sqlite_template, tmp_path):
    path = _database(sqlite_template, tmp_path)
    app = make_app(f"sqlite:///{path}")
    client = app.test_client()
    assert client.get("/login").status_code == 200
    writer = OtherWriter(path)
    writer.start()
    assert writer.holding.wait(10) and writer.error is None, writer.error
    answer = login(client, "scj_admin")  # reads the account, then writes the session row
    writer.join(30)
    assert writer.error is None, writer.error
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    home = client.get("/")
    assert home.status_code == 200 and "退出" in home.get_data(as_text=True)
    with sqlite3.connect(path) as connection:  # both writes are there, one after the other
        assert connection.execute("SELECT count(*) FROM writer_probe").fetchone()[0] == 1
        assert connection.execute("SELECT count(*) FROM user_session").fetchone()[0] >= 1


def test_pages_read_while_a_job_writes(sqlite_template, tmp_path):
    path = _database(sqlite_template, tmp_path)
    app = make_app(f"sqlite:///{path}")
    client = app.test_client()
    assert login(client, "scj_planner").status_code == 302
    writer = OtherWriter(path)
    writer.start()
    assert writer.holding.wait(10) and writer.error is None, writer.error
    answers = [client.get(url).status_code for url in ("/", "/campaigns", "/public/results")]
    writer.join(30)
    assert writer.error is None and answers == [200, 200, 200], (writer.error, answers)


def test_a_page_that_only_reads_never_waits_for_a_long_job_and_its_bookkeeping_comes_later(sqlite_template, tmp_path):
    """A job holding the write lock for long (a large results import writes all or nothing) does not
    hold up the pages that only read: the session's last activity, due once a minute, is written
    when the writer's turn comes at once, else left for the next request (it waited out the busy
    timeout before, 20 s, and then failed with a 500)."""
    path = _database(sqlite_template, tmp_path)
    app = make_app(f"sqlite:///{path}")
    client = app.test_client()
    assert login(client, "scj_planner").status_code == 302

    def last_seen():
        with sqlite3.connect(path) as connection:
            return connection.execute("SELECT max(last_seen_at) FROM user_session").fetchone()[0]

    signed_in = last_seen()
    writer = OtherWriter(path, held=4.0)
    writer.start()
    assert writer.holding.wait(10) and writer.error is None, writer.error
    with clock.frozen_at(clock.now() + timedelta(minutes=5)):  # the session's last activity is due
        started = time.monotonic()
        answer = client.get("/api/v1/me")
        took = time.monotonic() - started
        writer.join(30)
        assert writer.error is None, writer.error
        assert answer.status_code == 200 and took < 2.5, (answer.status_code, took)
        assert last_seen() == signed_in  # left for later, not waited for
        assert client.get("/api/v1/me").status_code == 200
        assert last_seen() > signed_in  # the next request, the writer gone, records it


def test_a_sign_in_gets_its_turn_between_the_batches_of_a_long_job(sqlite_template, tmp_path, monkeypatch):
    """A job of many batches (the notices of a large campaign) takes the write lock for each batch; it
    waits a moment before the next, so a sign-in waiting meanwhile gets in, rather than waiting out the
    busy timeout (shortened here to 2 s against a 5-second job) and failing."""
    monkeypatch.setattr(factory, "SQLITE_BUSY_MS", 2000)
    path = _database(sqlite_template, tmp_path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        admin, scj = user_named("scj_admin"), tenant_id("SCJ")
        with tenant_scope(scj):
            job = Job(kind="notices.campaign", tenant_id=scj, created_by_id=admin.id, task="test.batches")
            db.session.add(job)
            db.session.commit()
            job_id, admin_id = job.id, admin.id
        db.session.remove()

    def batch(job, user, progress):
        db.session.execute(sa.text("INSERT INTO writer_probe VALUES (1)"))
        threading.Event().wait(0.5)  # rendering, the write lock held
        written = db.session.scalar(sa.text("SELECT count(*) FROM writer_probe"))
        return {"written": 1, "remaining": max(0, 10 - written)}

    outcome = {}

    def run():
        with app.app_context():
            outcome.update(jobs.run_job(job_id, scj, admin_id, batch, batches=True))
            db.session.remove()

    worker = threading.Thread(target=run, daemon=True)
    client = app.test_client()
    assert client.get("/login").status_code == 200
    worker.start()
    threading.Event().wait(1.2)  # the job is on its third batch
    answer = login(client, "scj_admin")
    still_running = worker.is_alive()
    worker.join(30)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    assert still_running  # signed in while the job went on, between two of its batches
    assert outcome.get("written") == 10 and not outcome.get("remaining"), outcome
