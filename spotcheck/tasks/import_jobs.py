"""Spreadsheet imports as background jobs (导入作业): the upload is checked and kept by the web
request, the job reads it in two passes (check every row, then write all or nothing) and
reports its progress and result on the job."""
from __future__ import annotations

import sqlalchemy as sa
from celery import shared_task
from flask_babel import force_locale
from sqlalchemy.orm import Session

from spotcheck.core.database import db
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.spreadsheets import importing, uploads


def _progress_beside(job_id: int):
    """Progress reported while the import's writes are pending: through a session of its own, so
    the import's transaction stays whole. SQLite allows one writer at a time, so there the bar
    waits for the end (embedded mode runs jobs inside the request anyway)."""

    def report(percent: int) -> None:
        if db.engine.dialect.name == "sqlite":
            return
        with Session(db.engine) as side:
            side.execute(sa.update(Job).where(Job.id == job_id).values(progress=max(0, min(100, int(percent)))))
            side.commit()

    return report


@shared_task(name="spotcheck.sheets.import")
def import_sheet(job_id: int, tenant_id: int, user_id: int, *, sheet: str, stored_name: str, file_name: str,
                 locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        try:
            with force_locale(locale):
                return importing.run_import(importing.kind_named(sheet), uploads.stored_path(stored_name),
                                            actor=user, file_name=file_name, progress=_progress_beside(job_id))
        finally:
            uploads.discard(stored_name)

    return jobs.run_job(job_id, tenant_id, user_id, work)


def submit_import(kind_name: str, filename: str | None, stream, user, *, locale: str = "zh_CN") -> Job:
    """Check and keep an uploaded file, then queue its import; returns the job to watch."""
    kind = importing.kind_named(kind_name)
    upload = uploads.store_upload(filename, stream, tenant_id=user.tenant_id)
    try:
        return jobs.submit(import_sheet, f"import.{kind.name}", user, sheet=kind.name, stored_name=upload.stored_name,
                           file_name=upload.file_name, locale=locale)
    except Exception:  # not queued: the upload would never be read
        uploads.discard(upload.stored_name)
        raise
