"""The year's joint-inspection statistics as a workbook (联合检查工作进展情况统计表导出), an export job like the
catalog's lists: the lead department asks for it (:func:`submit_statistics_export`, the job to watch), the job
reads the year's joint campaigns with its progress, writes the table and keeps it
(:func:`run_statistics_export`); :func:`spotcheck.core.jobs.file_of` hands it to whoever may see the job."""

from __future__ import annotations

from typing import Any

from spotcheck.core import jobs
from spotcheck.core.actor import Actor
from spotcheck.core.calendar_notice import YEAR_REFUSED
from spotcheck.core.clock import today
from spotcheck.core.commands import command
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.accounts.models import tenant_of
from spotcheck.tenants.joint import statistics
from spotcheck.tenants.joint.policy import require_statistics_reader
from spotcheck.tenants.joint.queries import statistics_table
from spotcheck.tenants.joint.vocabulary import STATISTICS_JOB, STATISTICS_TASK, STATISTICS_YEARS, Year


def _year(year: object) -> int:
    """The year asked for (年度; none: the present one): a whole number a campaign may have, else refused under
    ``year``."""
    if year is None:
        return today().year
    if isinstance(year, bool) or not isinstance(year, int) or year not in STATISTICS_YEARS:
        raise InvalidInputError({"year": [YEAR_REFUSED]})
    return year


@command(Permission.JOINT_VIEW)
def submit_statistics_export(year: int | None = None, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Queue the workbook of the year's joint-inspection statistics (导出作业), the lead department's alone;
    returns the job to watch, whose result names the file once it is written."""
    require_statistics_reader(actor)
    return jobs.submit(STATISTICS_TASK, STATISTICS_JOB, actor, year=_year(year), locale=locale)


@command(Permission.JOINT_VIEW)
def run_statistics_export(year: int, *, actor: Actor, progress: statistics.Progress | None = None) -> dict[str, Any]:
    """Write the year's table (the one the justice bureau reads for the department, one builder) as a workbook
    and keep it for the download (run by the export job): the result names the file and its rows."""
    require_statistics_reader(actor)
    table = statistics_table(Year(_year(year)), reader=actor, progress=progress)
    data = statistics.workbook(table)
    if progress is not None:
        progress(100, len(table.rows), len(table.rows))
    return {
        "ok": True,
        "year": table.year,
        "rows": len(table.rows),
        **jobs.keep_file(data, statistics.file_name(table), tenant_of(actor).id),
    }
