"""The credit-system export (信用信息共享) in batches: every published result and every correction goes
out exactly once, in a numbered batch of its department (JSON Lines, CSV, a manifest with their
SHA-256), is marked delivered only once a delivery succeeded, and results published before the export
existed are queued once by the console."""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import http.server
import json
import threading
from pathlib import Path
from typing import ClassVar

import pytest
import sqlalchemy as sa

from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError
from spotcheck.core.policy import CONSOLE, SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.exports import commands as exports, formats, queries as export_queries
from spotcheck.tenants.exports.models import BatchStatus, ExportBatch, ExportRecord
from tests.support.export_world import NOTHING, TODAY, audited, corrected
from tests.support.exported import lines as _lines
from tests.support.helpers import tenant_id, user_named
from tests.support.results_world import handed_out, published


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.seconds(1.9)
def test_a_published_result_goes_out_in_the_next_batch_and_in_no_later_one(app, tmp_path):
    """Published, then corrected: two batches of the department, 1 and 2, each delivered whole into
    the folder; the correction points to the record it corrects; a run with nothing new adds nothing."""
    out = tmp_path / "credit"
    app.config["SPOTCHECK_EXPORT_DIR"] = str(out)
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = published(ids)
            entity, campaign = one.entity, one.campaign
            assert export_queries.pending_count() == 1
        assert exports.export_due(SCHEDULER) == {"batches": 1, "records": 1, "delivered": 1, "failed": 0}
        first = out / "YJJ" / "YJJ-000001"
        assert sorted(p.name for p in first.iterdir()) == [
            "YJJ-000001.csv",
            "YJJ-000001.jsonl",
            "YJJ-000001.manifest.json",
        ]
        assert [p.name for p in (out / "YJJ").iterdir()] == ["YJJ-000001"]  # nothing partial beside it
        manifest = json.loads((first / "YJJ-000001.manifest.json").read_text(encoding="utf-8"))
        assert manifest["batch_number"] == 1 and manifest["record_count"] == 1 and manifest["corrections"] == 0
        assert manifest["department_code"] == "YJJ" and manifest["department_name"] == "宁安市应急管理局"
        assert manifest["format_version"] == formats.FORMAT_VERSION and "GB/T 40478" in manifest["standard"]
        assert manifest["published_from"] == manifest["published_to"] and manifest["published_from"].startswith(
            "2026-10-12T01:00"
        )
        for described in manifest["files"]:
            assert _sha(first / described["name"]) == described["sha256"]
            assert (first / described["name"]).stat().st_size == described["size"]
        [record] = _lines(first / "YJJ-000001.jsonl")
        assert record["record_type"] == "result" and record["corrects_record_id"] is None and record["version"] == 1
        assert record["entity_uscc"] == entity.code and record["entity_name"] == entity.name
        assert record["department_name"] == "宁安市应急管理局" and record["campaign_code"] == campaign.code
        assert record["check_date"] == record["check_end_date"] == "2026-04-30"
        assert record["publication_date"] == "2026-10-12"
        assert record["result_category_codes"] == ["pending_own_rules"]
        assert record["result_category_names"] == ["发现问题待后续处理：违反本部门其他规定"]
        assert record["follow_up_code"] == "to_follow_up" and record["check_method_name"] == "实地检查"
        assert record["items"][0]["findings"] == "应急预案未按规定演练。"
        header, row = (first / "YJJ-000001.csv").read_text(encoding="utf-8").splitlines()
        assert header.split(",") == formats.CSV_COLUMNS and row.startswith(
            f"{record['record_id']},result,,1,{entity.code},"
        )

        assert exports.export_due(SCHEDULER) == NOTHING  # a re-run exports nothing new, builds no empty batch
        with tenant_scope(ids["tenant"]):
            corrected(ids)
        assert exports.export_due(SCHEDULER) == {"batches": 1, "records": 1, "delivered": 1, "failed": 0}
        assert exports.export_due(SCHEDULER) == NOTHING
        second = out / "YJJ" / "YJJ-000002"
        [correction] = _lines(second / "YJJ-000002.jsonl")
        assert correction["record_type"] == "correction" and correction["corrects_record_id"] == record["record_id"]
        assert correction["version"] == 2 and correction["correction_reason"] == "检查结果类别录入有误，予以更正。"
        assert correction["result_category_codes"] == ["rectified"]
        assert _lines(first / "YJJ-000001.jsonl") == [record]  # the first batch is as it was
        with tenant_scope(ids["tenant"]):
            batches = db.session.scalars(sa.select(ExportBatch).order_by(ExportBatch.number)).all()
            assert [(b.number, b.status, b.records, b.corrections) for b in batches] == [
                (1, BatchStatus.delivered, 1, 0),
                (2, BatchStatus.delivered, 1, 1),
            ]
            records = db.session.scalars(sa.select(ExportRecord).order_by(ExportRecord.id)).all()
            assert [(r.id, r.batch_id) for r in records] == [
                (record["record_id"], batches[0].id),
                (correction["record_id"], batches[1].id),
            ]
            assert all(r.delivered_at is not None for r in records)
            assert (audited("export.batch_built"), audited("export.batch_delivered")) == (2, 2)
            targets = db.session.scalars(
                sa.select(AuditEntry.details).where(AuditEntry.action == "export.batch_delivered")
            ).all()
            assert {d["target"] for d in targets} == {f"{out.name}/"}  # the folder's name, never the server's path
        with tenant_scope(tenant_id("SCJ")):  # another department has nothing of it
            assert (
                export_queries.pending_count() == 0 and db.session.scalars(export_queries.batches_query()).all() == []
            )


class _Endpoint(http.server.BaseHTTPRequestHandler):
    """The credit platform's receiving endpoint, on loopback: refuses the first delivery (503)."""

    received: ClassVar[list] = []
    refuse = 1

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        cls = type(self)
        if cls.refuse > 0:
            cls.refuse -= 1
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"busy")
            return
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body
        )
        parts = {
            part.get_param("name", header="content-disposition"): (part.get_filename(), part.get_content())
            for part in message.iter_parts()
        }
        cls.received.append(
            {
                "batch": self.headers["X-Spotcheck-Batch"],
                "path": self.path,
                "manifest_sha256": self.headers["X-Spotcheck-Manifest-SHA256"],
                "auth": self.headers.get("Authorization"),
                "parts": parts,
            }
        )
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    handler = type("Endpoint", (_Endpoint,), {"received": [], "refuse": 1})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_port}/credit/batches"
    server.shutdown()
    server.server_close()


@pytest.mark.seconds(2.8)
def test_a_failed_delivery_leaves_the_batch_to_be_tried_again_with_the_same_files_and_number(app, endpoint):
    handler, url = endpoint
    app.config.update(SPOTCHECK_EXPORT_URL=url, SPOTCHECK_EXPORT_TOKEN="s3cret-token")
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
        assert exports.export_due(SCHEDULER) == {"batches": 1, "records": 1, "delivered": 0, "failed": 1}
        with tenant_scope(ids["tenant"]):
            [batch] = db.session.scalars(export_queries.batches_query()).all()
            assert batch.status == BatchStatus.failed and "503" in batch.last_error
            assert db.session.scalar(sa.select(ExportRecord.delivered_at)) is None  # not delivered: not marked
            manifest_key = batch.manifest_key
        assert exports.export_due(SCHEDULER) == {"batches": 0, "records": 0, "delivered": 1, "failed": 0}
        assert exports.export_due(SCHEDULER) == NOTHING
        [got] = handler.received
        assert (
            got["batch"] == "YJJ-000001" and got["path"] == "/credit/batches" and got["auth"] == "Bearer s3cret-token"
        )
        name, manifest_bytes = got["parts"]["manifest"]
        assert (
            name == "YJJ-000001.manifest.json" and hashlib.sha256(manifest_bytes).hexdigest() == got["manifest_sha256"]
        )
        manifest = json.loads(manifest_bytes)
        for described, field in zip(manifest["files"], ("jsonl", "csv"), strict=True):
            file_name, content = got["parts"][field]
            content = content if isinstance(content, bytes) else content.encode("utf-8")
            assert file_name == described["name"] and hashlib.sha256(content).hexdigest() == described["sha256"]
        with tenant_scope(ids["tenant"]):
            batch = export_queries.get_batch(batch.id)
            assert batch.status == BatchStatus.delivered and batch.number == 1 and batch.attempts == 2
            assert batch.manifest_key == manifest_key and storage.read(manifest_key) == manifest_bytes  # the same bytes
            assert batch.delivered_to == url and "s3cret" not in batch.delivered_to
            log = db.session.scalars(export_queries.deliveries_query()).all()
            assert [(d.ok, d.status_code) for d in log] == [(True, 200), (False, 503)]
            assert db.session.scalar(sa.select(ExportRecord.delivered_at)) is not None


@pytest.mark.seconds(2.4)
def test_results_published_before_the_export_existed_are_queued_once_by_the_console(app, tmp_path):
    """A deployment upgraded to the export: `spotcheck exports backfill` queues each result already
    published (its current version, as a result the credit system never saw) once; a later
    correction of it points to that record."""
    app.config["SPOTCHECK_EXPORT_DIR"] = str(tmp_path / "credit")
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
            corrected(ids)
            db.session.execute(sa.delete(ExportRecord))  # as before migration 0012
            db.session.commit()
            assert export_queries.pending_count() == 0
            with pytest.raises(ForbiddenError):
                exports.backfill(actor=user_named("yjj_admin"))
            assert exports.backfill(actor=CONSOLE) == 1
            assert exports.backfill(actor=CONSOLE) == 0  # once
            [record] = db.session.scalars(sa.select(ExportRecord)).all()
            assert record.kind == "result" and record.version == 2 and record.corrects_id is None
            assert record.payload["result_category_codes"] == ["rectified"]
            assert audited("exports.backfilled") == 1
    runner = app.test_cli_runner()
    outcome = runner.invoke(args=["exports", "backfill"])
    assert outcome.exit_code == 0 and "YJJ" in outcome.output and "0 published result(s)" in outcome.output
