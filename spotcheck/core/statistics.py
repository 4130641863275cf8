"""The planner's statistics refreshed after a bulk write (统计信息刷新): a command that writes hundreds of rows
at once (a hand-out, an import of results, an approval or publication of a whole list, a draw) asks
PostgreSQL to ANALYZE the tables it filled once it has committed — what autovacuum would do a minute later,
meanwhile the planner would take the new rows for none and a page of the next minute could take seconds
(the review list of 3,000 fresh results: 1.7 s at p95 without, a few ms with).

The application's database role does not own the tables and may not ANALYZE them itself: it calls
``spotcheck_refresh_statistics``, a function of the tables' owner (migration 0038) that analyzes only tables
of the schema. Best effort: a failure is logged and changes nothing else. SQLite: nothing to do.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from spotcheck.core.commands import after_commit, in_command
from spotcheck.core.database import db

log = logging.getLogger(__name__)

#: From this many rows written at once, the tables' statistics are refreshed after the commit.
REFRESH_FROM_ROWS = 200


def refresh_after_commit(*tables: str, rows: int) -> None:
    """Once the command commits, refresh the statistics of ``tables`` when it wrote ``rows`` or more. Outside a
    command (a script writing with the helpers) nothing is done: refreshing would commit the caller's open
    transaction, which is the caller's to end; autovacuum catches up."""
    if rows < REFRESH_FROM_ROWS or not in_command() or db.session.get_bind().dialect.name != "postgresql":
        return
    wanted = sorted(set(tables))
    after_commit(lambda: refresh(wanted))


def refresh(tables: list[str]) -> None:
    """ANALYZE ``tables`` now, in a transaction of its own (after the writes were committed)."""
    try:
        db.session.execute(sa.text("SELECT spotcheck_refresh_statistics(CAST(:tables AS text[]))"), {"tables": tables})
        db.session.commit()
    except sa.exc.DBAPIError as failed:
        db.session.rollback()
        log.warning("statistics of %s not refreshed: %s", ", ".join(tables), str(failed).splitlines()[0])
