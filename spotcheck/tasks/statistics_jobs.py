"""The seeds' statistical tables (统计报表) built as durable Celery jobs with their progress
(:mod:`spotcheck.tenants.supervision.tables`); the workbook is kept in the core storage and
downloaded by whoever asked for it."""
from __future__ import annotations

from celery import shared_task
from flask_babel import lazy_gettext as _l

from spotcheck.core import storage
from spotcheck.core.commands import command
from spotcheck.core.errors import Forbidden, ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.supervision import access, figures, periods, tables

KIND = "supervision.table"
AREA = "statistics"


def _work(code: str, period_code: str, department_id: int | None):
    def work(job, user, progress) -> dict:
        period = periods.parse(period_code)
        progress(5)
        with access.reading(user, f"table {code}", period=period, department_id=department_id) as visible:
            ids = [department_id] if department_id is not None else visible
            tenants = figures.departments(ids)
            single = len(tenants) == 1 and (department_id is not None or visible is not None)
            data, title = tables.build(code, period, tenants, single=single, progress=progress)
        stored = storage.save_bytes(data, area=AREA, tenant_id=user.tenant_id, suffix=".xlsx")
        name = tables.file_name(title, period, tenants[0].name if single and tenants else None)
        return {"code": code, "period": period.code, "department_id": department_id, "storage_key": stored.key,
                "file_name": name, "size": stored.size, "sha256": stored.sha256}

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
    errors = {}
    if code not in tables.TABLES:
        errors["code"] = [_l("Choose one of the tables.")]
    parsed = periods.parse(period)
    if parsed is None:
        errors["period"] = [_l("Choose a year, half-year or quarter.")]
    if errors:
        raise ValidationFailed(errors)
    every = access.sees_every_department(actor)
    if not every:
        if tables.TABLES[code].area_wide:
            raise Forbidden(_l("This table covers every department: the justice bureau files it."))
        if department_id is not None and department_id != actor.tenant_id:
            raise Forbidden(_l("You may only ask for your own department's tables."))
    elif department_id is not None and not figures.department_exists(department_id):
        raise ValidationFailed({"department_id": [_l("No such department.")]})
    return jobs.submit(build_table, KIND, actor, code=code, period=parsed.code, department_id=department_id,
                       locale=locale)


def table_jobs(reader, limit: int = 20) -> list[Job]:
    return jobs.list_jobs(reader, kinds=[KIND], limit=limit)


def table_file(job_id: int, reader) -> tuple[bytes, str]:
    """The workbook of a finished table job of the reader's (NotFound otherwise)."""
    from spotcheck.core.errors import NotFound

    job = jobs.job_for(job_id, reader)
    result = job.result or {}
    if job.kind != KIND or not result.get("storage_key") or not storage.exists(result["storage_key"]):
        raise NotFound(_l("No such table."))
    return storage.read(result["storage_key"]), result["file_name"]
