"""Bulk writes to the registry and directory (imports of up to millions of rows)."""
from __future__ import annotations

from typing import Callable, Iterable

import sqlalchemy as sa

from spotcheck.platform.clock import utcnow
from spotcheck.platform.extensions import db
from spotcheck.tenants.directory.models import Entity

CHUNK = 5000


def upsert_entities(rows: Iterable[dict], *, progress: Callable[[int], None] | None = None) -> int:
    """Insert or update registry entities (rows already cleaned by ``clean_entity``), by code.

    Runs in the caller's transaction: the caller commits all or nothing.
    """
    table = Entity.__table__
    count = 0
    chunk: list[dict] = []
    now = utcnow()
    for row in rows:
        chunk.append({**row, "updated_at": now})
        if len(chunk) >= CHUNK:
            count += _write_chunk(table, chunk)
            chunk = []
            if progress:
                progress(count)
    if chunk:
        count += _write_chunk(table, chunk)
        if progress:
            progress(count)
    return count


def _write_chunk(table, chunk: list[dict]) -> int:
    codes = [row["code"] for row in chunk]
    existing = dict(db.session.execute(sa.select(table.c.code, table.c.id).where(table.c.code.in_(codes))).all())
    new = [row for row in chunk if row["code"] not in existing]
    old = [{**row, "_id": existing[row["code"]]} for row in chunk if row["code"] in existing]
    if new:
        db.session.execute(table.insert(), new)
    if old:
        columns = {key: sa.bindparam(key) for key in chunk[0] if key != "code"}
        db.session.execute(table.update().where(table.c.id == sa.bindparam("_id")).values(**columns), old)
    return len(chunk)
