"""The credit-system export (信用信息共享): every published result and every correction goes out exactly
once, in a numbered batch of its department (JSON Lines, CSV, a manifest with their SHA-256), is
marked delivered only once a delivery succeeded, is never in two batches even when two runs go at
once, and survives a worker killed mid-batch; the administrator's pages and API."""
from __future__ import annotations

import email.parser
import email.policy
import hashlib
import http.server
import json
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import Forbidden
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.exports import commands as exports, formats, queries as export_queries
from spotcheck.tenants.exports.models import BatchStatus, ExportBatch, ExportRecord
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import PublishedResult
from tests.support.campaign_world import planner_of
from tests.support.exported import exported_ids as _exported_ids, lines as _lines
from tests.support.helpers import REDIS_URL, bearer, make_app, post_form, signed_in, tenant_id, user_named
from tests.support.results_world import complete_result, handed_out, published, visit

TODAY = date(2026, 10, 12)
NOTHING = {"batches": 0, "records": 0, "delivered": 0, "failed": 0}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _corrected(ids, reason: str = "检查结果类别录入有误，予以更正。") -> None:
    """Correct the published result of ``ids`` and publish the new version (更正)."""
    chief, leader, planner = user_named("yjj_inspector"), user_named("yjj_leader"), planner_of(user_named("yjj_admin"))
    results.start_correction(visit(ids).id, {"reason": reason}, actor=planner)
    results.record_result(visit(ids).id, complete_result(ids, items={str(ids["item"]): {
        "categories": ["rectified"], "findings": "应急预案已按要求补充演练。"}}), actor=chief)
    results.submit_result(visit(ids).id, actor=chief)
    results.approve_result(visit(ids).id, actor=leader)
    results.publish_results([ids["visit"]], actor=planner)
    db.session.commit()


def _audited(action: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


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
        assert sorted(p.name for p in first.iterdir()) == ["YJJ-000001.csv", "YJJ-000001.jsonl",
                                                           "YJJ-000001.manifest.json"]
        assert [p.name for p in (out / "YJJ").iterdir()] == ["YJJ-000001"]  # nothing partial beside it
        manifest = json.loads((first / "YJJ-000001.manifest.json").read_text(encoding="utf-8"))
        assert manifest["batch_number"] == 1 and manifest["record_count"] == 1 and manifest["corrections"] == 0
        assert manifest["department_code"] == "YJJ" and manifest["department_name"] == "应急管理局"
        assert manifest["format_version"] == formats.FORMAT_VERSION and "GB/T 40478" in manifest["standard"]
        assert manifest["published_from"] == manifest["published_to"] and manifest["published_from"].startswith("2026-10-12T01:00")
        for described in manifest["files"]:
            assert _sha(first / described["name"]) == described["sha256"]
            assert (first / described["name"]).stat().st_size == described["size"]
        [record] = _lines(first / "YJJ-000001.jsonl")
        assert record["record_type"] == "result" and record["corrects_record_id"] is None and record["version"] == 1
        assert record["entity_uscc"] == entity.code and record["entity_name"] == entity.name
        assert record["department_name"] == "应急管理局" and record["campaign_code"] == campaign.code
        assert record["check_date"] == record["check_end_date"] == "2026-04-30"
        assert record["publication_date"] == "2026-10-12"
        assert record["result_category_codes"] == ["pending_own_rules"]
        assert record["result_category_names"] == ["发现问题待后续处理：违反本部门其他规定"]
        assert record["follow_up_code"] == "to_follow_up" and record["check_method_name"] == "实地检查"
        assert record["items"][0]["findings"] == "应急预案未按规定演练。"
        header, row = (first / "YJJ-000001.csv").read_text(encoding="utf-8").splitlines()
        assert header.split(",") == formats.CSV_COLUMNS and row.startswith(f"{record['record_id']},result,,1,{entity.code},")

        assert exports.export_due(SCHEDULER) == NOTHING  # a re-run exports nothing new, builds no empty batch
        with tenant_scope(ids["tenant"]):
            _corrected(ids)
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
                (1, BatchStatus.delivered, 1, 0), (2, BatchStatus.delivered, 1, 1)]
            records = db.session.scalars(sa.select(ExportRecord).order_by(ExportRecord.id)).all()
            assert [(r.id, r.batch_id) for r in records] == [(record["record_id"], batches[0].id),
                                                            (correction["record_id"], batches[1].id)]
            assert all(r.delivered_at is not None for r in records)
            assert (_audited("export.batch_built"), _audited("export.batch_delivered")) == (2, 2)
        with tenant_scope(tenant_id("SCJ")):  # another department has nothing of it
            assert export_queries.pending_count() == 0 and db.session.scalars(export_queries.batches_query()).all() == []


class _Endpoint(http.server.BaseHTTPRequestHandler):
    """The credit platform's receiving endpoint, on loopback: refuses the first delivery (503)."""

    received: list = []
    refuse = 1

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        cls = type(self)
        if cls.refuse > 0:
            cls.refuse -= 1
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"busy")
            return
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body)
        parts = {part.get_param("name", header="content-disposition"): (part.get_filename(), part.get_content())
                 for part in message.iter_parts()}
        cls.received.append({"batch": self.headers["X-Spotcheck-Batch"], "path": self.path,
                             "manifest_sha256": self.headers["X-Spotcheck-Manifest-SHA256"],
                             "auth": self.headers.get("Authorization"), "parts": parts})
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
        assert got["batch"] == "YJJ-000001" and got["path"] == "/credit/batches" and got["auth"] == "Bearer s3cret-token"
        name, manifest_bytes = got["parts"]["manifest"]
        assert name == "YJJ-000001.manifest.json" and hashlib.sha256(manifest_bytes).hexdigest() == got["manifest_sha256"]
        manifest = json.loads(manifest_bytes)
        for described, field in zip(manifest["files"], ("jsonl", "csv")):
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


def _more_published(ids, count: int) -> list[int]:
    """``count`` more published versions of the visit, queued for export as the publish command
    queues them (written in bulk: the batch machinery is what is tested, not publication)."""
    with tenant_scope(ids["tenant"]):
        [model] = db.session.scalars(sa.select(ExportRecord)).all()
        base = db.session.scalar(sa.select(PublishedResult).where(PublishedResult.id == model.published_result_id))
        start = 1000
        db.session.execute(sa.insert(PublishedResult), [
            {"tenant_id": base.tenant_id, "visit_id": base.visit_id, "campaign_id": base.campaign_id,
             "entity_id": base.entity_id, "version": start + n, "current": False, "corrected": False,
             "correction_reason": "", "checked_on": base.checked_on, "published_at": base.published_at,
             "content": base.content} for n in range(count)])
        made = db.session.execute(sa.select(PublishedResult.id, PublishedResult.version)
                                  .where(PublishedResult.version >= start).order_by(PublishedResult.id)).all()
        db.session.execute(sa.insert(ExportRecord), [
            {"tenant_id": ids["tenant"], "published_result_id": pr_id, "visit_id": model.visit_id, "version": version,
             "kind": "result", "published_at": model.published_at, "created_at": model.created_at,
             "payload": {**model.payload, "entity_name": f"{model.payload['entity_name']}（{version}）"}}
            for pr_id, version in made])
        db.session.commit()
        return list(db.session.scalars(sa.select(ExportRecord.id).order_by(ExportRecord.id)))


@pytest.mark.postgres
def test_two_batch_runs_at_once_never_put_a_record_in_two_batches(postgres_url, tmp_path):
    out = tmp_path / "credit"
    app = make_app(postgres_url, SPOTCHECK_EXPORT_DIR=str(out), SPOTCHECK_EXPORT_BATCH_SIZE=150)
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
        everything = _more_published(ids, 899)
        db.engine.dispose()
    barrier, built, errors = threading.Barrier(2), [], []

    def run():
        try:
            with app.app_context(), tenant_scope(ids["tenant"]):
                barrier.wait()
                while (batch := exports.build_batch(actor=SCHEDULER)) is not None:
                    built.append((batch.number, batch.records))
                db.session.remove()
        except Exception as failure:  # noqa: BLE001 — reported below
            errors.append(repr(failure))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(number for number, _ in built) == list(range(1, 7)) and sum(n for _, n in built) == 900
    with app.app_context(), tenant_scope(ids["tenant"]):
        assert exports.deliver_waiting(SCHEDULER) == {"delivered": 6, "failed": 0}
        exported = _exported_ids(out)
        assert len(exported) == len(set(exported)) == 900 and sorted(exported) == everything
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportRecord)
                                 .where(ExportRecord.delivered_at.is_(None))) == 0
        db.engine.dispose()


def test_the_administrator_reads_batches_manifests_and_the_log_and_delivers_again(app, tmp_path):
    out = tmp_path / "credit"
    app.config["SPOTCHECK_EXPORT_DIR"] = str(out)
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
    admin = bearer(app, "yjj_admin")
    client = app.test_client()
    with frozen_at(TODAY):
        started = client.post("/api/v1/exports/batches", headers=admin)
    assert started.status_code == 202, started.get_data(as_text=True)
    job = client.get(f"/api/v1/jobs/{started.json['id']}", headers=admin).json
    assert job["status"] == "succeeded" and job["progress"] == 100 and job["result"]["number"] == 1
    listing = client.get("/api/v1/exports/batches", headers=admin).json
    assert listing["pending"] == 0 and [(b["name"], b["status"], b["records"]) for b in listing["items"]] == [
        ("YJJ-000001", "delivered", 1)]
    batch_id = listing["items"][0]["id"]
    detail = client.get(f"/api/v1/exports/batches/{batch_id}", headers=admin).json
    assert detail["manifest"]["batch_number"] == 1 and detail["manifest"]["files"][0]["sha256"] == detail["jsonl_sha256"]
    jsonl = client.get(f"/api/v1/exports/batches/{batch_id}/files/jsonl", headers=admin)
    assert jsonl.status_code == 200 and hashlib.sha256(jsonl.data).hexdigest() == detail["jsonl_sha256"]
    import schemathesis
    from schemathesis import checks

    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[
        "/api/v1/exports/batches/{batch_id}/files/{kind}"]["GET"]
    case = operation.Case(path_parameters={"batch_id": batch_id, "kind": "manifest"})
    manifest = case.call(headers=admin)
    assert manifest.status_code == 200 and manifest.json()["batch_number"] == 1
    case.validate_response(manifest, checks=[checks.response_schema_conformance])  # as documented: JSON, not bytes
    again = client.post(f"/api/v1/exports/batches/{batch_id}/deliveries", headers=admin)
    assert again.status_code == 202 and client.get(f"/api/v1/jobs/{again.json['id']}", headers=admin).json["result"][
        "delivered"] is True
    log = client.get("/api/v1/exports/deliveries", headers=admin).json
    assert [(d["ok"], d["again"]) for d in log["items"]] == [(True, True), (True, False)]
    assert sorted(p.name for p in (out / "YJJ").iterdir()) == ["YJJ-000001"]  # delivered again in place
    nothing = client.post("/api/v1/exports/batches", headers=admin)  # nothing waits: no empty batch
    assert client.get(f"/api/v1/jobs/{nothing.json['id']}", headers=admin).json["result"] == {
        "batch_id": None, "number": None, "records": 0}
    assert client.get("/api/v1/exports/batches", headers=admin).json["total"] == 1

    bad = client.get("/api/v1/exports/deliveries?batch_id=abc&page=0", headers=admin)
    assert bad.status_code == 422 and {"batch_id", "page"} <= set(bad.json["errors"]["query"])
    for login, status in (("yjj_planner", 403), ("yjj_leader", 403), ("yjj_inspector", 403)):
        assert client.get("/api/v1/exports/batches", headers=bearer(app, login)).status_code == status
    other = bearer(app, "scj_admin")
    assert client.get(f"/api/v1/exports/batches/{batch_id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/exports/batches/{batch_id}/deliveries", headers=other).status_code == 404

    page = signed_in(app, "yjj_admin")
    home = page.get("/exports").get_data(as_text=True)
    assert "YJJ-000001" in home and 'id="nav-exports"' in home
    shown = page.get(f"/exports/batches/{batch_id}").get_data(as_text=True)
    assert detail["manifest_sha256"] in shown and '"batch_number": 1' in shown
    moved = post_form(page, f"/exports/batches/{batch_id}/deliver", {}, token_from=f"/exports/batches/{batch_id}")
    assert moved.status_code == 302 and "/jobs/" in moved.headers["Location"]
    assert 'id="export-job-outcome"' in page.get(moved.headers["Location"]).get_data(as_text=True)
    assert page.get("/exports/deliveries").get_data(as_text=True).count('data-delivery="') == 3
    assert signed_in(app, "yjj_planner").get("/exports").status_code == 403
    assert 'id="nav-exports"' not in signed_in(app, "yjj_planner").get("/").get_data(as_text=True)
    with app.app_context(), tenant_scope(ids["tenant"]):
        from spotcheck.tasks.models import Job

        kinds = db.session.scalars(sa.select(Job.kind).where(Job.kind.like("exports.%")).order_by(Job.id)).all()
        assert kinds == ["exports.export", "exports.deliver", "exports.export", "exports.deliver"]
        assert _audited("export.batch_delivered") == 3


# --- a real worker on Redis, killed mid-batch -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow(10)
def test_a_worker_killed_mid_batch_leaves_no_batch_and_the_next_run_exports_every_record_once(
        tmp_path, postgres_url, celery_queue):
    from spotcheck.tasks import job_sweep, jobs
    from spotcheck.tasks.export_jobs import request_export
    from spotcheck.tasks.models import JobStatus
    from tests.support.workers import WORKER_READY_TIMEOUT, Worker, _poll_job
    count = 4_000  # two chunks of reading (READ_CHUNK): progress is reported between them
    storage_dir, out, pause = tmp_path / "storage", tmp_path / "credit", tmp_path / "pause"
    pause.mkdir()
    settings = {"SPOTCHECK_STORAGE": str(storage_dir), "SPOTCHECK_EXPORT_DIR": str(out)}
    web = make_app(postgres_url, REDIS_URL=REDIS_URL, **settings)
    with web.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
        everything = _more_published(ids, count - 1)
    # the first worker stops once its progress passes 5 % (the job's test-only pause point): killed there
    first = Worker(celery_queue, postgres_url, env={**settings, "SPOTCHECK_TEST_PAUSE_DIR": str(pause),
                                                    "SPOTCHECK_TEST_PAUSE_AT": "6"})
    second = None
    try:
        first.wait_ready(WORKER_READY_TIMEOUT)
        with web.app_context(), tenant_scope(ids["tenant"]):
            job_id = request_export(actor=user_named("yjj_admin")).id
            deadline = time.monotonic() + 60
            while True:  # the progress shows while the batch is written; kill the worker well into it
                db.session.remove()
                job = jobs.get_job(job_id)
                if (pause / f"job-{job_id}.paused").exists():
                    assert job.status == JobStatus.running and 5 < job.progress < 85, (job.status, job.progress)
                    break
                assert job.status in (JobStatus.queued, JobStatus.running), (job.status, first.output[-3000:])
                assert time.monotonic() < deadline, first.output[-3000:]
                time.sleep(0.02)
        first.kill()
        assert not (pause / f"job-{job_id}.resume").exists()  # killed while paused: mid-batch
        with web.app_context(), tenant_scope(ids["tenant"]):
            db.session.remove()
            assert db.session.scalars(sa.select(ExportBatch)).all() == []  # no batch, not even a partial one
            assert export_queries.pending_count() == count and not out.exists()
        second = Worker(celery_queue, postgres_url, env=settings)
        second.wait_ready(WORKER_READY_TIMEOUT)
        sweeper = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_JOB_LEASE_SECONDS=0, **settings)
        with sweeper.app_context():
            assert job_sweep.sweep(actor=SCHEDULER)["requeued"] == 1
            db.engine.dispose()
        with web.app_context():
            job = _poll_job(ids["tenant"], job_id, 120)
            with tenant_scope(ids["tenant"]):
                assert job.status == JobStatus.succeeded and job.attempt == 2, (job.error, second.output[-3000:])
                assert job.result["number"] == 1 and job.result["records"] == count
                deadline = time.monotonic() + 30
                while export_queries.get_batch(job.result["batch_id"]).status != BatchStatus.delivered:  # after the commit
                    assert time.monotonic() < deadline, second.output[-3000:]
                    time.sleep(0.1)
                    db.session.remove()
                exported = _exported_ids(out)
                assert len(exported) == len(set(exported)) == count and sorted(exported) == everything
                assert sorted(p.name for p in (out / "YJJ").iterdir()) == ["YJJ-000001"]
                assert export_queries.pending_count() == 0
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()
        with web.app_context():
            db.engine.dispose()
def test_results_published_before_the_export_existed_are_queued_once_by_the_console(app, tmp_path):
    """A deployment upgraded to the export: `spotcheck exports backfill` queues each result already
    published (its current version, as a result the credit system never saw) once; a later
    correction of it points to that record."""
    from spotcheck.core.policy import CONSOLE

    app.config["SPOTCHECK_EXPORT_DIR"] = str(tmp_path / "credit")
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
            _corrected(ids)
            db.session.execute(sa.delete(ExportRecord))  # as before migration 0012
            db.session.commit()
            assert export_queries.pending_count() == 0
            with pytest.raises(Forbidden):
                exports.backfill(actor=user_named("yjj_admin"))
            assert exports.backfill(actor=CONSOLE) == 1
            assert exports.backfill(actor=CONSOLE) == 0  # once
            [record] = db.session.scalars(sa.select(ExportRecord)).all()
            assert record.kind == "result" and record.version == 2 and record.corrects_id is None
            assert record.payload["result_category_codes"] == ["rectified"]
            assert _audited("exports.backfilled") == 1
    runner = app.test_cli_runner()
    outcome = runner.invoke(args=["exports", "backfill"])
    assert outcome.exit_code == 0 and "YJJ" in outcome.output and "0 published result(s)" in outcome.output
