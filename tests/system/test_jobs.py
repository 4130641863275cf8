"""Durable jobs: queued only after their command commits, run exactly once whatever the broker or a
worker does, restarted by the periodic check; files every process reads."""

from __future__ import annotations

import io
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from spotcheck.core import clock, jobs as job_records
from spotcheck.core.clock import frozen_at
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import account_of
from spotcheck.tasks import audit as audit_tasks, job_sweep, jobs
from spotcheck.tenants.audit import commands as audit_commands
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.commands import submit_draw
from spotcheck.tenants.results import commands as results, commands as results_commands, queries as results_queries
from spotcheck.tenants.results.queries import listing
from spotcheck.tenants.spreadsheets.commands import submit_results_import, submit_results_template
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import REDIS_URL, bearer, make_app, signed_in, tenant_id, user_named
from tests.support.job_pause import pausing
from tests.support.results_world import filled_workbook, handed_out, template_rows
from tests.support.sheets import xlsx_text
from tests.support.workers import (
    JOB_TIMEOUT,
    WORKER_READY_TIMEOUT,
    Worker,
    _poll_job,
    directory_csv,
    job_actions,
    queue_import,
)

# --- in the web process (eager) -------------------------------------------------------------------


def test_a_job_is_queued_only_when_its_command_commits(app, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "dispatch", lambda *args: sent.append(args) or True)
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            with pytest.raises(RuntimeError), unit_of_work():
                audit_commands.request_verification(actor=admin)
                assert sent == []  # not before the commit
                raise RuntimeError("the command fails after asking for the job")
            assert sent == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
            job = audit_commands.request_verification(actor=admin)
            assert [args[1] for args in sent] == [job.id]
            assert job_records.get_job(job.id).status == JobStatus.queued and job_records.get_job(job.id).task


def test_a_message_delivered_twice_runs_the_job_once(app):
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            job = audit_commands.request_verification(actor=admin)  # eager: ran at the commit
            assert job_records.get_job(job.id).status == JobStatus.succeeded
            again = audit_tasks.verify_tenant_chain.run(job.id, admin.tenant_id, admin.id)
            assert again == {"skipped": True, "job_id": job.id}
            assert job_actions(job.id) == ["job.submitted", "job.succeeded"]


def test_a_running_job_shows_its_items_done_of_the_total_on_either_database(app):
    """What a run reports (per cent, items done of the total) is what the job's readers see while it
    runs — on SQLite too, where the run holds the only write lock (the figures wait in a file)."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            with unit_of_work():
                job = Job(
                    kind="notices.campaign",
                    created_by_id=admin.id,
                    tenant_id=admin.tenant_id,
                    task="t",
                    params={},
                    status=JobStatus.running,
                    attempt=1,
                    started_at=clock.now(),
                )
                db.session.add(job)
            jobs._Progress(job.id, 1)(40, done=400, total=1000)
            seen = job_records.job_for(job.id, admin)
            assert (seen.progress, seen.items_done, seen.items_total) == (40, 400, 1000)
            jobs._Progress(job.id, 2)(90, done=900, total=1000)  # another run's report: not this one's
            assert job_records.job_for(job.id, admin).items_done == 400
            client = signed_in(app, "scj_admin")
            page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
            assert "/ 1,000" in page or "of 1,000" in page


def test_the_periodic_check_restarts_a_lost_job_and_gives_up_after_too_many_tries(app, monkeypatch):
    sent = []
    monkeypatch.setattr(jobs, "dispatch", lambda *args: sent.append(args) or False)  # the broker is down
    app.config.update(SPOTCHECK_JOB_QUEUED_SECONDS=60, SPOTCHECK_JOB_MAX_DISPATCHES=3)
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            job_id = audit_commands.request_verification(actor=admin).id
        nothing_else = {"held": 0, "sessions_ended": 0}
        assert job_sweep.sweep(actor=SCHEDULER) == {
            "requeued": 0,
            "abandoned": 0,
            **nothing_else,
        }  # not yet long enough
        later = clock.now()
        for expected in (
            {"requeued": 1, "abandoned": 0},
            {"requeued": 1, "abandoned": 0},
            {"requeued": 0, "abandoned": 1},
        ):
            later += __import__("datetime").timedelta(minutes=2)
            with clock.frozen_at(later):
                assert job_sweep.sweep(actor=SCHEDULER) == {**expected, **nothing_else}
        with tenant_scope(admin.tenant_id):
            job = job_records.get_job(job_id)
            assert (job.status == JobStatus.failed and "several tries" in job.error) or "多次" in job.error
            assert job.dispatches == 3 and len(sent) == 3
            assert job_actions(job_id) == ["job.submitted", "job.requeued", "job.requeued", "job.abandoned"]


# --- with real workers on Redis -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
def test_an_import_queued_by_web_runs_in_a_worker_with_another_folder(tmp_path, postgres_url, celery_queue):
    """Web and worker share the database and the storage folder only: the worker runs elsewhere,
    with an instance folder of its own, and still reads the uploaded file."""
    storage, worker_home = tmp_path / "shared-storage", tmp_path / "worker-home"
    worker_home.mkdir()
    web = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage))
    process = Worker(
        celery_queue,
        postgres_url,
        cwd=worker_home,
        env={"SPOTCHECK_STORAGE": str(storage), "SPOTCHECK_INSTANCE": str(worker_home / "instance")},
    )
    try:
        process.wait_ready(WORKER_READY_TIMEOUT)
        job_id = queue_import(web, directory_csv(30))
        with web.app_context():
            job = _poll_job(tenant_id("SCJ"), job_id, JOB_TIMEOUT)
            with tenant_scope(tenant_id("SCJ")):
                assert job.status == JobStatus.succeeded, (job.error, process.output[-3000:])
                assert job.result["ok"] is True and job.result["created"] == 30
        assert not [path for path in storage.rglob("*") if path.is_file()]  # the upload is gone once imported
        assert Path(web.instance_path) != worker_home / "instance"
    finally:
        process.stop()
        with web.app_context():
            db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
def test_a_directory_export_asked_through_the_api_is_written_by_a_worker_and_downloaded_from_web(
    tmp_path, postgres_url, celery_queue
):
    """导出作业 on a real worker: the API answers 202 at once, the worker writes the workbook into the shared
    storage with its progress, and web hands it to the one who asked (another department: 404); the joint
    statistics' export too."""
    storage = tmp_path / "storage"
    web = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage))
    process = Worker(celery_queue, postgres_url, env={"SPOTCHECK_STORAGE": str(storage)})
    try:
        queue_import_done = queue_import(web, directory_csv(40, start=700))
        client, headers = web.test_client(), bearer(web, "scj_admin")
        answer = client.post("/api/v1/sheets/directory/exports", headers=headers)
        assert answer.status_code == 202 and answer.get_json()["status"] == "queued", answer.get_data(as_text=True)
        process.wait_ready(WORKER_READY_TIMEOUT)
        with web.app_context():
            _poll_job(tenant_id("SCJ"), queue_import_done, JOB_TIMEOUT)
            job = _poll_job(tenant_id("SCJ"), answer.get_json()["id"], JOB_TIMEOUT)
            with tenant_scope(tenant_id("SCJ")):
                assert job.status == JobStatus.succeeded, (job.error, process.output[-3000:])
                assert job.progress == 100 and job.result["rows"] >= 40 and job.items_total == job.result["rows"]
        workbook = client.get(f"/api/v1/jobs/{job.id}/file", headers=headers)
        assert workbook.status_code == 200 and "耐久测试企业39" in xlsx_text(workbook.data)
        assert client.get(f"/api/v1/jobs/{job.id}/file", headers=bearer(web, "yjj_admin")).status_code == 404
        # the lead department's joint-inspection statistics likewise (联合检查工作进展情况统计表, its own task)
        coordinator = bearer(web, "scj_coord")
        answer = client.post("/api/v1/joint/statistics/exports", json={"year": 2026}, headers=coordinator)
        assert answer.status_code == 202 and answer.get_json()["kind"] == "export.joint_statistics"
        with web.app_context():
            job = _poll_job(tenant_id("SCJ"), answer.get_json()["id"], JOB_TIMEOUT)
            with tenant_scope(tenant_id("SCJ")):
                assert job.status == JobStatus.succeeded, (job.error, process.output[-3000:])
                assert job.progress == 100 and job.result["file"] == "2026年度联合检查工作进展情况统计表.xlsx"
        table = client.get(f"/api/v1/jobs/{job.id}/file", headers=coordinator)
        assert table.status_code == 200 and "填报单位（盖章）：宁安市市场监督管理局" in xlsx_text(table.data)
    finally:
        process.stop()
        with web.app_context():
            db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
def test_a_job_queued_while_the_broker_is_down_runs_once_it_is_back(tmp_path, postgres_url, celery_queue):
    storage = tmp_path / "storage"
    down = make_app(postgres_url, REDIS_URL="redis://127.0.0.1:1/0", SPOTCHECK_STORAGE=str(storage))
    started = time.monotonic()
    job_id = queue_import(down, directory_csv(5, start=900))  # answers normally: the job waits
    assert time.monotonic() - started < 15
    with down.app_context(), tenant_scope(tenant_id("SCJ")):
        assert job_records.get_job(job_id).status == JobStatus.queued
        db.engine.dispose()
    up = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage), SPOTCHECK_JOB_QUEUED_SECONDS=0)
    process = Worker(celery_queue, postgres_url, env={"SPOTCHECK_STORAGE": str(storage)})
    try:
        process.wait_ready(WORKER_READY_TIMEOUT)
        with up.app_context():
            assert job_sweep.sweep(actor=SCHEDULER)["requeued"] == 1
            job = _poll_job(tenant_id("SCJ"), job_id, JOB_TIMEOUT)
            with tenant_scope(tenant_id("SCJ")):
                assert job.status == JobStatus.succeeded and job.result["created"] == 5, process.output[-3000:]
                assert job_actions(job_id) == ["job.submitted", "job.requeued", "job.succeeded"]
    finally:
        process.stop()
        with up.app_context():
            db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow(5)
def test_a_worker_killed_mid_import_leaves_the_job_to_another_which_imports_it_exactly_once(
    tmp_path, postgres_url, celery_queue
):
    rows = 2_000
    storage, pause = tmp_path / "storage", tmp_path / "pause"
    pause.mkdir()
    web = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage))
    env = {"SPOTCHECK_STORAGE": str(storage)}
    # the first worker stops once its progress reaches 5 % (the job's test-only pause point): killed there
    first = Worker(celery_queue, postgres_url, env={**env, **pausing(pause, 5)})
    second = None
    try:
        first.wait_ready(WORKER_READY_TIMEOUT)
        job_id = queue_import(web, directory_csv(rows, start=2000))
        scj = None
        with web.app_context():
            scj = tenant_id("SCJ")
            deadline = time.monotonic() + 60
            while True:  # wait until the worker is into the file (paused there), then kill it
                db.session.remove()
                paused = (pause / f"job-{job_id}.paused").exists()  # looked at before the job is read: a job read
                with tenant_scope(scj):  # first may be from just before the pause
                    job = job_records.get_job(job_id)
                    if paused:
                        assert job.status == JobStatus.running and job.progress >= 5, (job.status, job.progress)
                        break
                    assert job.status in (JobStatus.queued, JobStatus.running), (job.status, first.output[-2000:])
                assert time.monotonic() < deadline, first.output[-3000:]
                time.sleep(0.05)
        first.kill()
        assert not (pause / f"job-{job_id}.resume").exists()  # killed while paused: mid-job
        with web.app_context(), tenant_scope(scj):
            db.session.remove()
            assert job_records.get_job(job_id).status == JobStatus.running  # held by a dead run
        second = Worker(celery_queue, postgres_url, env=env)
        second.wait_ready(WORKER_READY_TIMEOUT)
        sweeper = make_app(
            postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage), SPOTCHECK_JOB_LEASE_SECONDS=0
        )
        with sweeper.app_context():
            assert job_sweep.sweep(actor=SCHEDULER)["requeued"] == 1
            db.engine.dispose()
        with web.app_context():
            job = _poll_job(scj, job_id, 120)
            with tenant_scope(scj):
                assert job.status == JobStatus.succeeded, (job.error, second.output[-3000:])
                # every row new to the second run: the killed run left nothing behind
                assert job.result["created"] == rows and job.result["entities_created"] == rows and job.attempt == 2
                assert job_actions(job_id) == ["job.submitted", "job.requeued", "job.succeeded"]
    finally:
        for worker in (first, second):
            if worker is not None:
                worker.stop()
        with web.app_context():
            db.engine.dispose()


def test_a_job_is_read_by_whoever_asked_for_it_and_the_administrator_only(app):
    client = app.test_client()
    job_id = client.post("/api/v1/audit/verifications", headers=bearer(app, "scj_leader")).json["id"]
    for login, status in (("scj_leader", 200), ("scj_admin", 200), ("scj_inspector", 404), ("scj_planner", 404)):
        assert client.get(f"/api/v1/jobs/{job_id}", headers=bearer(app, login)).status_code == status, login
    assert signed_in(app, "scj_inspector").get(f"/jobs/{job_id}").status_code == 404
    assert signed_in(app, "scj_leader").get(f"/jobs/{job_id}").status_code == 200


@pytest.mark.postgres
def test_of_two_simultaneous_draw_requests_the_second_is_refused_at_once(postgres_url, monkeypatch):
    """The draw is checked under the campaign's row lock before a job is queued: of two requests at
    the same moment one gets the job, the other a 409 — never a second job that fails later."""
    monkeypatch.setattr(jobs, "dispatch", lambda *args: True)  # queued, not run: both requests race on the check
    app = make_app(postgres_url)
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(world["tenant"]):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            campaign_commands.approve(campaign.id, actor=leader_of(admin))
            campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))
            campaign_id = campaign.id
        db.engine.dispose()
    outcomes, barrier = [], threading.Barrier(2)

    def request(label):
        with app.app_context(), tenant_scope(world["tenant"]):
            planner = user_named("yjj_planner")
            campaign = campaigns.get_campaign(campaign_id)
            barrier.wait()
            try:
                submit_draw(campaign.id, {"kind": "targets", "public_inputs": [label]}, actor=planner)
                outcomes.append("queued")
            except ConflictError as refused:
                outcomes.append(f"409: {refused}")

    threads = [threading.Thread(target=request, args=(f"observer {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes)[1] == "queued" and sorted(outcomes)[0].startswith("409"), outcomes
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job).where(Job.kind == "draw.targets")) == 1
        db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.redis
def test_a_results_import_an_approval_and_a_publication_of_the_whole_list_run_on_a_real_worker(
    tmp_path, postgres_url, celery_queue
):
    """检查结果导入, 批量审核 and 批量公示 as jobs on a real worker (and the workbook to fill, written by its export
    job there): the workbook kept by the page's command
    is read by the worker, every visit arrives a draft for its team, which each 组长 confirms, then the
    leader's "all of the list" approves those that found no problem, and the planner's publishes them,
    in the worker too."""
    storage = tmp_path / "storage"
    web = make_app(postgres_url, REDIS_URL=REDIS_URL, SPOTCHECK_STORAGE=str(storage))
    process = Worker(celery_queue, postgres_url, env={"SPOTCHECK_STORAGE": str(storage)})
    try:
        with web.app_context(), frozen_at(date(2026, 10, 12)):
            ids = handed_out()
            with tenant_scope(ids["tenant"]):
                headers, rows = template_rows(campaigns.get_campaign(ids["campaign"]))
                asker = planner_of(user_named("yjj_admin"))
                template_job = submit_results_template(ids["campaign"], actor=asker).id  # the workbook to fill
                job = submit_results_import(
                    ids["campaign"],
                    "结果.xlsx",
                    io.BytesIO(filled_workbook(headers, rows)),
                    actor=planner_of(user_named("yjj_admin")),
                )
                imported = job.id
        process.wait_ready(WORKER_READY_TIMEOUT)
        with web.app_context():
            written = _poll_job(ids["tenant"], template_job, JOB_TIMEOUT)
            with tenant_scope(ids["tenant"]):
                assert written.status == JobStatus.succeeded, (written.error, process.output[-3000:])
                kept, name = job_records.file_of(template_job, asker)
                sheet = load_workbook(kept).worksheets[0]
                assert name.endswith(".xlsx") and [list(r) for r in sheet.iter_rows(values_only=True)] == [
                    headers,
                    *rows,
                ]
            done = _poll_job(ids["tenant"], imported, JOB_TIMEOUT)
            with tenant_scope(ids["tenant"]):
                assert done.status == JobStatus.succeeded, (done.error, process.output[-3000:])
                assert done.result["ok"] is True and done.result["drafted"] == ids["visits"], done.result
                uploads = [p for p in storage.rglob("*") if p.is_file() and job_records.FILES_AREA not in p.parts]
                assert not uploads  # the imported workbook is gone (the exported one is kept for its download)
                for visit in db.session.scalars(listing.of_campaign(ids["campaign"])).all():  # each 组长 confirms
                    chief = next(m for m in results_queries.team_of(visit) if m.is_leader).inspector
                    results.submit_result(visit.id, actor=account_of("yjj", chief, user_named("yjj_admin")))
                db.session.commit()
                leader = user_named("yjj_leader")
                clean = listing.approvable_together(reader=leader, campaign_id=ids["campaign"])
                assert 0 < len(clean) < ids["visits"]  # those that found a problem are left for their own page
                approval = results_commands.submit_approval(clean, actor=leader).id
            approved = _poll_job(ids["tenant"], approval, JOB_TIMEOUT)
            with tenant_scope(ids["tenant"]):
                assert approved.status == JobStatus.succeeded and approved.result["approved"] == len(clean), (
                    approved.error,
                    process.output[-3000:],
                )
                planner = planner_of(user_named("yjj_admin"))
                ready = listing.publishable_together(reader=planner, campaign_id=ids["campaign"])
                assert sorted(ready) == sorted(clean)  # what was approved, and only that, may be published
                publication = results_commands.submit_publication(ready, actor=planner).id
            published = _poll_job(ids["tenant"], publication, JOB_TIMEOUT)
            with tenant_scope(ids["tenant"]):
                assert published.status == JobStatus.succeeded and published.result["published"] == len(ready), (
                    published.error,
                    process.output[-3000:],
                )
                assert listing.publishable_together(reader=planner, campaign_id=ids["campaign"]) == []
    finally:
        process.stop()
        with web.app_context():
            db.engine.dispose()
