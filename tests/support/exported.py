"""What the credit export (信用信息归集) wrote to its folder, read as the national system would: its
JSON-lines files, the record ids in them, and the demo's check that everything it published went out once."""

from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.exports.models import BatchStatus, ExportBatch, ExportRecord
from spotcheck.tenants.results.models import PublishedResult


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def exported_ids(out: Path) -> list[int]:
    return [line["record_id"] for path in sorted(out.rglob("*.jsonl")) for line in lines(path)]


def demo_exported_everything(app) -> None:
    """After the demo is loaded (called by tests/system/test_demo_draws.py, which loads it twice): every
    result it published is in one delivered batch of its department, batch 1 — the second load
    built nothing — and the folder holds each department's batch whole."""
    with system_access("test: the demo's export"):
        published_ids = set(db.session.scalars(sa.select(PublishedResult.id)))
        records = db.session.execute(
            sa.select(ExportRecord.published_result_id, ExportRecord.batch_id, ExportRecord.delivered_at)
        ).all()
        batches = db.session.scalars(sa.select(ExportBatch)).all()
    assert (
        published_ids
        and {r.published_result_id for r in records} == published_ids
        and len(records) == len(published_ids)
    )
    assert all(r.batch_id is not None and r.delivered_at is not None for r in records)
    assert batches and all(b.number == 1 and b.status == BatchStatus.delivered for b in batches)
    out = Path(app.config["SPOTCHECK_STORAGE"]) / "credit-export"
    assert len(exported_ids(out)) == len(records)
