"""Spreadsheet imports as background jobs (导入作业): the upload is checked and kept in the shared
storage by the submitting command (:func:`spotcheck.tenants.spreadsheets.commands.submit_import`,
:func:`~spotcheck.tenants.spreadsheets.commands.submit_results_import`); the job — in whichever
process runs it — imports it in two passes (check every row, then write all or nothing; the
directory's file is read once, its rows staged as they are checked), reports its progress, and
removes the file once the outcome is recorded. The lists of the catalog (items, directory,
inspectors) and a campaign's results entered offline (检查结果导入: thousands of rows, never
inside a request) alike. Exports of those lists too (导出作业): the job writes the workbook with its
progress and keeps it in the shared storage, for the page and the API to hand out; a campaign's results
workbook to fill offline likewise."""

from __future__ import annotations

from celery import shared_task

from spotcheck.core.commands import after_commit
from spotcheck.core.job_models import Job
from spotcheck.tasks import jobs
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.spreadsheets import commands as sheets, queries as sheet_queries, uploads
from spotcheck.tenants.spreadsheets.vocabulary import (
    EXPORT_TASK,
    IMPORT_TASK,
    RESULTS_IMPORT_TASK,
    RESULTS_TEMPLATE_TASK,
)


@shared_task(name=IMPORT_TASK)
def import_sheet(
    job_id: int, tenant_id: int, user_id: int, *, sheet: str, key: str, file_name: str, locale: str = "zh_CN"
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        after_commit(lambda: uploads.discard(key))  # imported: the file has served
        return sheets.run_import(
            sheet_queries.kind_named(sheet),
            uploads.stored_path(key),
            actor=user,
            file_name=file_name,
            progress=progress,
        )

    return _run_keeping_the_file(job_id, tenant_id, user_id, work, key, locale)


@shared_task(name=RESULTS_IMPORT_TASK)
def import_results(
    job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, key: str, file_name: str, locale: str = "zh_CN"
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        after_commit(lambda: uploads.discard(key))
        outcome = sheets.import_results(
            campaign_id, {"path": uploads.stored_path(key), "file_name": file_name}, actor=user, progress=progress
        )
        return {**outcome, "campaign_id": campaign_id}

    return _run_keeping_the_file(job_id, tenant_id, user_id, work, key, locale)


@shared_task(name=EXPORT_TASK)
def export_sheet(job_id: int, tenant_id: int, user_id: int, *, sheet: str, locale: str = "zh_CN") -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        return sheets.run_export(sheet_queries.kind_named(sheet), actor=user, progress=progress)

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


@shared_task(name=RESULTS_TEMPLATE_TASK)
def export_results_template(
    job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, locale: str = "zh_CN"
) -> jobs.JobResult:
    def work(job: Job, user: User, progress: jobs.Progress) -> jobs.JobResult:
        return sheets.run_results_template(campaign_id, actor=user, progress=progress)

    return jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)


def _run_keeping_the_file(
    job_id: int, tenant_id: int, user_id: int, work: jobs.Work, key: str, locale: str
) -> jobs.JobResult:
    """A run that dies keeps the file for the next; a run that ends the job failed removes it."""
    try:
        result = jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)
    except Exception:
        uploads.discard(key)
        raise
    if result.get("ok") is False and "error" in result:
        uploads.discard(key)
    return result
