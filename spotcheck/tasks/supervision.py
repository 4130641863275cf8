"""The statistical tables of the rules in force (统计报表) built as durable Celery jobs with their progress
(:mod:`spotcheck.tenants.supervision.tables`); the workbook is kept in the core storage and downloaded
by whoever asked for it. Asking for one is the command
:func:`spotcheck.tenants.supervision.commands.request_table`."""

from __future__ import annotations

from typing import cast

from celery import shared_task

from spotcheck.core import storage
from spotcheck.core.job_models import Job
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.supervision import periods, queries
from spotcheck.tenants.supervision.vocabulary import TABLE_TASK

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
