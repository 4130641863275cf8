"""后台任务的读取规则: who may see a background job (作业) — whoever asked for it, and the
department's administrator; the pages and the API read jobs through this one rule."""
from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.policy import Permission, has_permission
from spotcheck.tasks.models import Job


def visible_jobs(reader):
    """The SQL condition on :class:`Job` for the jobs ``reader`` may see: whoever asked for a job
    reads it, and so does the department's administrator."""
    if has_permission(reader, Permission.USERS_MANAGE):
        return sa.true()
    return Job.created_by_id == getattr(reader, "id", None)
