"""统计结果命令: the figures the dashboard and the bureau's home read, counted by a job (:mod:`..stored`) — a bureau's
branch of a period on demand (立即重新统计: :func:`request_count` queues it, :func:`count_branch` is its work), every
department's on the schedule (:func:`count_scheduled`)."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, jobs
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.errors import ForbiddenError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.supervision import figures, periods, stored
from spotcheck.tenants.supervision.policy import reading, sees_every_department
from spotcheck.tenants.supervision.vocabulary import COUNT_JOB, COUNT_TASK


def _bureau(actor: Actor) -> None:
    if not sees_every_department(actor):
        raise ForbiddenError(
            _l("The justice bureau counts its departments' figures; yours are counted as you read them.")
        )


@command(Permission.SUPERVISION_VIEW)
def request_count(period: str, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Count the figures of ``period`` of every department of the bureau's branch again, in the background
    (立即重新统计); returns the job — the one already under way for the period, if the bureau asked before."""
    parsed = periods.required(period)
    _bureau(actor)
    under_way = stored.counting(actor.tenant_id, parsed)
    if under_way is not None:
        return under_way
    return jobs.submit(COUNT_TASK, COUNT_JOB, actor, period=parsed.code, locale=locale)


@command(Permission.SUPERVISION_VIEW)
def count_branch(period: str, *, actor: Actor, progress: Callable[[int], None] = lambda p: None) -> int:
    """The job's work: count and keep the figures of ``period`` of every department of the bureau's branch (read and
    written in the bureau's scope, as it reads them); returns how many departments."""
    parsed = periods.required(period)
    _bureau(actor)
    with reading(actor, "count the figures", period=parsed) as visible:
        counted = stored.count(parsed, figures.departments(visible, parsed), progress)
    audit.record("supervision.figures_counted", "period", parsed.code, actor=actor, details={"departments": counted})
    return counted


@command(Permission.PLATFORM_MAINTAIN)
def count_scheduled(*, actor: Actor) -> dict[str, int]:
    """The schedule's count (beat): every department's figures of the current year and of this year's periods
    already counted (:func:`stored.count_due`); period → departments."""
    counted = stored.count_due()
    audit.record("supervision.figures_counted", "period", None, actor=actor, tenant_id=None, details=counted)
    return counted
