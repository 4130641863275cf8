"""The statistical tables of the rules in force (统计报表) built as durable Celery jobs with their progress
(:mod:`spotcheck.tenants.supervision.tables`); the workbook is kept in the core storage and downloaded
by whoever asked for it. Asking for one is the command
:func:`spotcheck.tenants.supervision.commands.request_table`."""

from __future__ import annotations

from typing import cast

from celery import shared_task

from spotcheck.core import storage
from spotcheck.tasks import jobs
from spotcheck.tenants.supervision import periods, queries
from spotcheck.tenants.supervision.vocabulary import TABLE_TASK

AREA = "statistics"


def _work(code: str, period_code: str, department_id: int | None):
    def work(job, user, progress) -> dict:
        period = cast(periods.Period, periods.parse(period_code))  # checked when the job was asked for
        progress(5)
        data, name = queries.build_table(user, code, period, department_id, progress=progress)
        stored = storage.save_bytes(data, area=AREA, tenant_id=user.tenant_id, suffix=".xlsx")
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
) -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, _work(code, period, department_id), locale=locale)
