"""The statistical tables of the rules in force (统计报表) built as durable Celery jobs with their progress
(:mod:`spotcheck.tenants.supervision.tables`); the workbook is kept in the core storage and
downloaded by whoever asked for it."""
from __future__ import annotations

from celery import shared_task
from flask_babel import lazy_gettext as _l

from spotcheck.core import storage
from spotcheck.core.commands import command
from spotcheck.core.errors import NotFound
from spotcheck.core.policy import Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.supervision import periods, queries
from spotcheck.tenants.supervision.policy import check_request

KIND = "supervision.table"
AREA = "statistics"


def _work(code: str, period_code: str, department_id: int | None):
    def work(job, user, progress) -> dict:
        period = periods.parse(period_code)
        progress(5)
        data, name = queries.build_table(user, code, period, department_id, progress=progress)
        stored = storage.save_bytes(data, area=AREA, tenant_id=user.tenant_id, suffix=".xlsx")
        return {"code": code, "period": period.code, "department_id": department_id, "storage_key": stored.key,
                "file_name": name, "title": name.rsplit(".", 1)[0], "size": stored.size, "sha256": stored.sha256}

    return work


@shared_task(name="spotcheck.supervision.table")
def build_table(job_id: int, tenant_id: int, user_id: int, *, code: str, period: str,
                department_id: int | None = None, locale: str = "zh_CN") -> dict:
    return jobs.run_job(job_id, tenant_id, user_id, _work(code, period, department_id), locale=locale)


@command(Permission.SUPERVISION_VIEW)
def request_table(code: str, period: str, *, department_id: int | None = None, actor, locale: str = "zh_CN") -> Job:
    """Build table ``code`` for ``period`` in the background (生成统计表); returns the job. A
    department leader asks for their own department's tables only; the area-wide table is the
    justice bureau's."""
    parsed = periods.required(period)
    check_request(code, actor, department_id, parsed)
    return jobs.submit(build_table, KIND, actor, code=code, period=parsed.code, department_id=department_id,
                       locale=locale)


def table_jobs(reader, limit: int = 20) -> list[Job]:
    return jobs.list_jobs(reader, kinds=[KIND], limit=limit)


def table_file(job_id: int, reader) -> tuple[bytes, str]:
    """The workbook of a finished table job of the reader's (NotFound otherwise)."""
    job = jobs.job_for(job_id, reader)
    result = job.result or {}
    if job.kind != KIND or not result.get("storage_key") or not storage.exists(result["storage_key"]):
        raise NotFound(_l("No such table."))
    return storage.read(result["storage_key"]), result["file_name"]
