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

from tests.support.helpers import login, make_app

#: How long the other writer (a job's batch) keeps its transaction open.
HELD_SECONDS = 1.0


class OtherWriter(threading.Thread):
    """A second connection that writes and keeps its transaction open a while, as a job's batch does."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.holding, self.error = path, threading.Event(), None

    def run(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=20)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO writer_probe VALUES (1)")
            self.holding.set()
            threading.Event().wait(HELD_SECONDS)
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
