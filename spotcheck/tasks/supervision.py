"""Supervision's jobs: the statistical tables of the rules in force (统计报表) built as durable Celery jobs with
their progress (:mod:`spotcheck.tenants.supervision.tables`), the workbook kept in the core storage and downloaded
by whoever asked for it (asking for one is the command :func:`spotcheck.tenants.supervision.commands.request_table`);
and the figures the dashboard and the bureau's home read (:mod:`spotcheck.tenants.supervision.stored`), counted
again for a bureau's branch on demand (立即重新统计, :func:`~spotcheck.tenants.supervision.commands.request_count`) and
for every department on the schedule (beat, ``count-supervision-figures``); and the bureau's check of a blinded draw
(核验抽取, :func:`~spotcheck.tenants.supervision.commands.request_check`), seconds of work at a million rows."""

from __future__ import annotations

from typing import cast

from celery import shared_task

from spotcheck.core import storage
from spotcheck.core.job_models import Job
from spotcheck.core.policy import SCHEDULER
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.supervision import commands, periods, queries
from spotcheck.tenants.supervision.vocabulary import COUNT_DUE_TASK, COUNT_TASK, DRAW_CHECK_TASK, TABLE_TASK

AREA = "statistics"


def _work(code: str, period_code: str, department_id: int | None) -> jobs.Work:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        period = cast(periods.Period, periods.parse(period_code))  # checked when the job was asked for
        progress(5)
        data, name = queries.build_table(user, code, period, department_id, progress=progress)
        # a department's people ask for its tables (SUPERVISION_VIEW); storage refuses a file of no department
        tenant_id = cast(int, user.tenant_id)
        stored = storage.save_bytes(data, area=AREA, tenant_id=tenant_id, suffix=".xlsx")
        return {
            "code": code,
            "period": period.code,
            "department_id": department_id,
            "storage_key": stored.key,
            "file_name": name,
            "title": name.rsplit(".", 1)[0],
            "size": stored.size,
            "sha256": stored.sha256,
        }

    return work


@shared_task(name=TABLE_TASK)
def build_table(
    job_id: int,
    tenant_id: int,
    user_id: int,
    *,
    code: str,
    period: str,
    department_id: int | None = None,
    locale: str = "zh_CN",
) -> jobs.JobResult:
    return jobs.run_job(job_id, tenant_id, user_id, _work(code, period, department_id), locale=locale)


@shared_task(name=COUNT_TASK)
def count_figures(job_id: int, tenant_id: int, user_id: int, *, period: str, locale: str = "zh_CN") -> jobs.JobResult:
    """Count the figures of ``period`` of the asking bureau's branch again (立即重新统计), with its progress."""

    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        return {"period": period, "departments": commands.count_branch(period, actor=user, progress=progress)}

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=COUNT_DUE_TASK)
def count_due() -> dict[str, int]:
    """Every ``SPOTCHECK_FIGURES_SECONDS`` (beat): every department's figures of the current year counted again."""
    return commands.count_scheduled(actor=SCHEDULER)


@shared_task(name=DRAW_CHECK_TASK)
def check_draw(
    job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, draw: str, locale: str = "zh_CN"
) -> jobs.JobResult:
    """The bureau's check of the draw ``draw`` (its kind) of campaign ``campaign_id``, with its progress; the verdict
    is kept (and in the job's result: whether it passed, how many checks and how many failed)."""

    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        verdict = commands.check_draw(campaign_id, draw, actor=user, progress=progress)
        failed = sum(not check["ok"] for check in verdict.checks)
        return {
            "campaign_id": campaign_id,
            "draw": draw,
            "passed": verdict.passed,
            "checks": len(verdict.checks),
            "failed": failed,
        }

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)
