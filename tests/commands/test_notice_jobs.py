"""The notices' jobs and the beat: a real beat and worker send the due e-mail; a campaign's notices
are written in committed batches, and a run that fails, dies or is taken over is taken up again
with every document exactly once."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from celery.schedules import crontab

from spotcheck.core import jobs as job_records
from spotcheck.core.clock import frozen_at
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.scoping import tenant_scope
from spotcheck.tasks import jobs, notices as notice_tasks
from spotcheck.tasks.schedule import BEAT_SCHEDULE
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.notices import commands as notice_commands, commands as writing_commands, delivery
from spotcheck.tenants.notices.models import Channel, Delivery, DeliveryStatus, NoticeKind
from tests.support.campaign_world import planner_of
from tests.support.helpers import make_app, signed_in, user_named
from tests.support.notice_world import TODAY, Mailbox, notices_of, raising, store_with, submit_notices_job
from tests.support.results_world import handed_out
from tests.support.workers import WORKER_READY_TIMEOUT, Beat, Worker

# --- the beat, for real ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow(8)
def test_a_real_beat_and_worker_send_the_due_email(tmp_path, postgres_url, celery_queue):
    """Beat's sender entry (every second here, every minute in production) reaches a real worker on
    Redis, which sends a waiting e-mail to a real SMTP server, once."""
    with Mailbox() as mailbox:
        settings = {"SPOTCHECK_SMTP_HOST": "127.0.0.1", "SPOTCHECK_SMTP_PORT": str(mailbox.port)}
        web = make_app(
            postgres_url,
            REDIS_URL="redis://127.0.0.1:1/0",  # no broker: the e-mail waits for beat
            SPOTCHECK_SMTP_HOST="127.0.0.1",
            SPOTCHECK_SMTP_PORT=mailbox.port,
            SPOTCHECK_STORAGE=str(tmp_path),
        )
        with web.app_context():
            chief = user_named("scj_inspector")
            with tenant_scope(chief.tenant_id):
                accounts.set_contact({"email": "chief@scj.example.cn", "mobile": ""}, actor=chief)
                with unit_of_work():
                    delivery.deliver(chief, purpose="beat-test", subject="待办提醒", body="测试")
                email = db.session.scalar(sa.select(Delivery).where(Delivery.channel == Channel.email))
                assert email.status == DeliveryStatus.pending and email.attempts == 0
                email_id = email.id
        env = {**settings, "SPOTCHECK_SEND_SECONDS": "1", "SPOTCHECK_SWEEP_SECONDS": "3600"}
        worker = Worker(celery_queue, postgres_url, env=env)
        beat = Beat(celery_queue, postgres_url, cwd=tmp_path, env=env)
        try:
            worker.wait_ready(WORKER_READY_TIMEOUT)
            beat.wait_ready(WORKER_READY_TIMEOUT)
            deadline = time.monotonic() + 30
            while not mailbox.received and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2)  # more beats: nothing more is sent
        finally:
            beat.stop()
            worker.stop()
        assert len(mailbox.received) == 1, (beat.output[-2000:], worker.output[-3000:])
        assert "spotcheck.notices.send_due" in beat.output and "spotcheck.notices.send_due" in worker.output
        with web.app_context():
            db.session.remove()
            with tenant_scope(user_named("scj_inspector").tenant_id):
                sent = db.session.get(Delivery, email_id)
                assert sent.status == DeliveryStatus.sent and sent.attempts == 1
            db.engine.dispose()


def test_the_beat_schedule_has_each_periodic_job_once():
    tasks = [entry["task"] for entry in BEAT_SCHEDULE.values()]
    assert len(tasks) == len(set(tasks))
    assert {"spotcheck.jobs.sweep", "spotcheck.notices.send_due", "spotcheck.notices.reminders"} <= set(tasks)
    reminder = next(e for e in BEAT_SCHEDULE.values() if e["task"] == "spotcheck.notices.reminders")["schedule"]
    assert isinstance(reminder, crontab) and reminder.hour == {8} and reminder.minute == {30}


@pytest.mark.seconds(4)
def test_a_campaigns_notices_are_written_in_committed_batches_and_a_failed_run_is_taken_up_again(app, monkeypatch):
    """The notices job commits every batch (a page that writes never waits on it for long); a
    batch that fails gives back its numbers, the batches before it stay, and the next run writes
    only what is missing — each document once, the numbers without a gap."""

    monkeypatch.setattr(notice_tasks, "NOTICES_PER_BATCH", 3)
    real_store, failing_fifth = writing_commands.store, store_with(5, raising(RuntimeError("the disk is full")))

    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        assert ids["visits"] > 6
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            monkeypatch.setattr(writing_commands, "store", failing_fifth)
            first = submit_notices_job(ids, planner)
            failed = db.session.get(Job, first.id, populate_existing=True)
            assert failed.status.value == "failed"
            assert len(notices_of(NoticeKind.inspection)) == 3  # the first batch stays, the second is undone
            monkeypatch.setattr(writing_commands, "store", real_store)
            second = submit_notices_job(ids, planner)
            done = db.session.get(Job, second.id, populate_existing=True)
            # the retried job reports the documents that exist, the failed job's first batch too
            assert done.status.value == "succeeded" and done.result["inspection"] == ids["visits"]
            assert done.result["assignment"] == len(notices_of(NoticeKind.assignment)) > 0
            assert done.result["remaining"] == 0
            assert done.items_done == done.items_total
            inspections = notices_of(NoticeKind.inspection)
            assert len({n.visit_id for n in inspections}) == len(inspections) == ids["visits"]
            numbers = sorted(int(re.search(r"〔\d{4}〕(\d+)号", n.number).group(1)) for n in inspections)
            assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))  # none lost with the failed batch
            written = db.session.scalars(
                sa.text("SELECT details FROM audit_entry WHERE action = 'notices.written' ORDER BY id")
            ).all()
            assert len(written) == 1 + -(-(ids["visits"] - 3) // 3)  # a batch, a command: each audited


@pytest.mark.seconds(4)
def test_a_retried_notices_job_shows_every_document_that_exists_on_its_page_and_in_the_api(app, monkeypatch):
    """文书份数: the first job fails after its first batch; the job retried (重新生成文书) writes only the
    rest, yet its page and its JSON count every inspection and assignment notice of the campaign."""
    monkeypatch.setattr(notice_tasks, "NOTICES_PER_BATCH", 2)
    real_store, failing_third = (
        writing_commands.store,
        store_with(3, raising(RuntimeError("the worker's disk is full"))),
    )

    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            monkeypatch.setattr(writing_commands, "store", failing_third)
            first = submit_notices_job(ids, planner)
            assert db.session.get(Job, first.id, populate_existing=True).status.value == "failed"
            assert len(notices_of(NoticeKind.inspection)) == 2
            monkeypatch.setattr(writing_commands, "store", real_store)
            retried = notice_commands.retry_campaign_notices(ids["campaign"], actor=planner)
            assignments = len(notices_of(NoticeKind.assignment))
        assert assignments > 0
        client = signed_in(app, "yjj_admin")
        page = client.get(f"/jobs/{retried.id}").get_data(as_text=True)
        assert 'id="notices-job-outcome"' in page
        assert f"检查通知书 {ids['visits']:,} 份" in page and f"检查任务派遣通知 {assignments:,} 份" in page
        shown = client.get(f"/api/v1/jobs/{retried.id}").json
        assert shown["status"] == "succeeded"
        assert shown["result"]["inspection"] == ids["visits"] and shown["result"]["assignment"] == assignments


@pytest.mark.seconds(4)
def test_a_notices_job_taken_over_after_its_worker_died_counts_the_dead_runs_documents_too(app, monkeypatch):
    """A worker dies after the job's first batch (its run holds the job, its batch committed); after
    the lease another run takes the job over and writes the rest: the job reports every document of
    the campaign, not only the second run's."""

    class WorkerDied(BaseException):
        """The worker process ends mid-job (nothing of the job's own handling runs)."""

    monkeypatch.setattr(notice_tasks, "NOTICES_PER_BATCH", 2)
    monkeypatch.setattr(jobs, "dispatch", lambda *args, **kwargs: True)  # the test runs the job itself
    real_store, dying_at_third = writing_commands.store, store_with(3, raising(WorkerDied()))

    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            job = submit_notices_job(ids, planner)
        job_id, planner_id = job.id, planner.id
        run = notice_tasks.write_campaign_notices.run
        monkeypatch.setattr(writing_commands, "store", dying_at_third)
        with pytest.raises(WorkerDied):
            run(job_id, ids["tenant"], planner_id, campaign_id=ids["campaign"])
        db.session.remove()
        monkeypatch.setattr(writing_commands, "store", real_store)
        with tenant_scope(ids["tenant"]):
            assert job_records.get_job(job_id).status.value == "running" and len(notices_of(NoticeKind.inspection)) == 2
        monkeypatch.setitem(app.config, "SPOTCHECK_JOB_LEASE_SECONDS", -1)  # the dead run's lease is over
        run(job_id, ids["tenant"], planner_id, campaign_id=ids["campaign"])
        with tenant_scope(ids["tenant"]):
            done = job_records.get_job(job_id)
            assert done.status.value == "succeeded" and done.attempt == 2
            assert done.result["inspection"] == len(notices_of(NoticeKind.inspection)) == ids["visits"]
            assert done.result["assignment"] == len(notices_of(NoticeKind.assignment)) > 0


@pytest.mark.postgres
def test_a_run_taken_over_while_paused_mid_batch_commits_nothing_of_that_batch(postgres_url, monkeypatch):
    """围栏: a worker paused in the middle of a batch (SIGSTOP, a long GC, a frozen VM) is taken for dead and
    its job given to another run; when it resumes and ends its batch, the batch's fence finds the job no
    longer its own and the batch is undone — no document of it is committed, nothing is numbered twice,
    and the job stays the new run's. Here the takeover is made from another connection while the first
    run is inside its second batch (PostgreSQL: two writers at once)."""
    app = make_app(postgres_url)
    monkeypatch.setattr(notice_tasks, "NOTICES_PER_BATCH", 2)
    monkeypatch.setattr(jobs, "dispatch", lambda *args, **kwargs: True)  # the test runs the job itself
    other = sa.create_engine(postgres_url, poolclass=sa.pool.NullPool)

    def taken_over():  # paused inside batch 2: meanwhile the sweep and another run take the job
        with other.begin() as connection:
            connection.execute(
                sa.text("UPDATE job SET attempt = attempt + 1, heartbeat_at = now() WHERE id = :id"), {"id": job_id}
            )

    try:
        with app.app_context(), frozen_at(TODAY):
            ids = handed_out()
            planner = planner_of(user_named("yjj_admin"))
            with tenant_scope(ids["tenant"]):
                job = submit_notices_job(ids, planner)
            job_id, planner_id = job.id, planner.id
            monkeypatch.setattr(writing_commands, "store", store_with(3, taken_over))
            outcome = notice_tasks.write_campaign_notices.run(
                job_id, ids["tenant"], planner_id, campaign_id=ids["campaign"]
            )
            db.session.remove()
            assert outcome == {"skipped": True, "job_id": job_id}
            with tenant_scope(ids["tenant"]):
                assert len(notices_of(NoticeKind.inspection)) == 2  # batch 1 only: batch 2 was undone
                held = job_records.get_job(job_id)
                assert held.status.value == "running" and held.attempt == 2  # the new run's, untouched
    finally:
        other.dispose()
        with app.app_context():
            db.engine.dispose()
