"""统计报表命令: a statistical table of the rules in force built in the background (生成统计表,
:mod:`spotcheck.tenants.supervision.tables`); the workbook is kept in the core storage and downloaded
by whoever asked for it (:func:`spotcheck.tenants.supervision.queries.table_file`)."""

from __future__ import annotations

from spotcheck.core import jobs
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.supervision import periods
from spotcheck.tenants.supervision.policy import check_request
from spotcheck.tenants.supervision.vocabulary import TABLE_JOB, TABLE_TASK


@command(Permission.SUPERVISION_VIEW)
def request_table(
    code: str, period: str, *, department_id: int | None = None, actor: Actor, locale: str = "zh_CN"
) -> Job:
    """Build table ``code`` for ``period`` in the background (生成统计表); returns the job. A
    department leader asks for their own department's tables only; the area-wide table is the
    justice bureau's."""
    parsed = periods.required(period)
    check_request(code, actor, department_id, parsed)
    return jobs.submit(
        TABLE_TASK, TABLE_JOB, actor, code=code, period=parsed.code, department_id=department_id, locale=locale
    )
