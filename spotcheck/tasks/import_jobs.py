"""Spreadsheet imports as background jobs (导入作业): the upload is checked and kept in the shared
storage by the submitting command; the job — in whichever process runs it — reads it in two
passes (check every row, then write all or nothing), reports its progress, and removes the file
once the outcome is recorded. The lists of the catalog (items, directory, inspectors) and a
campaign's results entered offline (检查结果导入: thousands of rows, never inside a request) alike."""
from __future__ import annotations

from celery import shared_task
from flask_babel import lazy_gettext as _l

from spotcheck.core.commands import after_commit, command
from spotcheck.core.database import get_row
from spotcheck.core.policy import Permission
from spotcheck.tasks import jobs
from spotcheck.tasks.models import Job
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS
from spotcheck.tenants.spreadsheets import commands as sheets, queries as sheet_queries, uploads
from spotcheck.tenants.spreadsheets.vocabulary import RESULTS_JOB_KIND


@shared_task(name="spotcheck.sheets.import")
def import_sheet(job_id: int, tenant_id: int, user_id: int, *, sheet: str, key: str, file_name: str,
                 locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        after_commit(lambda: uploads.discard(key))  # imported: the file has served
        return sheets.run_import(sheet_queries.kind_named(sheet), uploads.stored_path(key), actor=user,
                                    file_name=file_name, progress=progress)

    return _run_keeping_the_file(job_id, tenant_id, user_id, work, key, locale)


@shared_task(name="spotcheck.sheets.import_results")
def import_results(job_id: int, tenant_id: int, user_id: int, *, campaign_id: int, key: str, file_name: str,
                   locale: str = "zh_CN") -> dict:
    def work(job, user, progress) -> dict:
        after_commit(lambda: uploads.discard(key))
        outcome = sheets.import_results(campaign_id, {"path": uploads.stored_path(key), "file_name": file_name},
                                        actor=user, progress=progress)
        return {**outcome, "campaign_id": campaign_id}

    return _run_keeping_the_file(job_id, tenant_id, user_id, work, key, locale)


def _run_keeping_the_file(job_id: int, tenant_id: int, user_id: int, work, key: str, locale: str) -> dict:
    """A run that dies keeps the file for the next; a run that ends the job failed removes it."""
    try:
        result = jobs.run_job(job_id, tenant_id, user_id, work, locale=locale)
    except Exception:
        uploads.discard(key)
        raise
    if result.get("ok") is False and "error" in result:
        uploads.discard(key)
    return result


@command(Permission.CATALOG_MANAGE)
def submit_import(kind_name: str, filename: str | None, stream, *, actor, locale: str = "zh_CN") -> Job:
    """Check and keep an uploaded file, then queue its import (导入); returns the job to watch."""
    kind = sheet_queries.kind_named(kind_name)
    upload = uploads.store_upload(filename, stream, tenant_id=actor.tenant_id)
    return jobs.submit(import_sheet, f"import.{kind.name}", actor, sheet=kind.name, key=upload.key,
                       file_name=upload.file_name, locale=locale)


@command(Permission.CAMPAIGNS_EDIT)
def submit_results_import(campaign_id: int, filename: str | None, stream, *, actor, locale: str = "zh_CN") -> Job:
    """Check and keep a campaign's results workbook, then queue its import (检查结果导入); returns
    the job to watch. The rows are checked and written by the job, all or nothing."""
    campaign = get_row(Campaign, campaign_id, _l("No such campaign."))
    CAMPAIGN_STEPS.require(campaign, actor, "import_results")
    upload = uploads.store_upload(filename, stream, tenant_id=campaign.tenant_id)
    return jobs.submit(import_results, RESULTS_JOB_KIND, actor, campaign_id=campaign.id, key=upload.key,
                       file_name=upload.file_name, locale=locale)
