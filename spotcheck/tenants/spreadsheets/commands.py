"""The spreadsheet commands (电子表格导入导出): all-or-nothing imports of the item list, the target
directory and the inspector directory (run by the import job), exports of the current lists (run by
the export job, the file kept for its download), and a campaign's results entered offline (检查结果导入)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l

from spotcheck.core import jobs
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import get_row
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission
from spotcheck.tenants.accounts.models import tenant_of
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS
from spotcheck.tenants.spreadsheets import exporting, pipeline, uploads
from spotcheck.tenants.spreadsheets.columns import SheetKind
from spotcheck.tenants.spreadsheets.importing import IMPORTERS
from spotcheck.tenants.spreadsheets.policy import RESULTS_IMPORT, require_step
from spotcheck.tenants.spreadsheets.queries import kind_named, results_template
from spotcheck.tenants.spreadsheets.result_import import ResultImport
from spotcheck.tenants.spreadsheets.vocabulary import (
    EXPORT_TASK,
    IMPORT_TASK,
    RESULTS_IMPORT_TASK,
    RESULTS_JOB_KIND,
    RESULTS_TEMPLATE_JOB,
    RESULTS_TEMPLATE_TASK,
)


@command(Permission.CATALOG_MANAGE)
def run_import(
    kind: SheetKind, path: Path | str, *, actor: Actor, file_name: str = "", progress: pipeline.Progress | None = None
) -> dict:
    """Import ``path`` as ``kind`` for the actor's department, all or nothing (see the pipeline)."""
    require_step(kind, actor, "import")
    return pipeline.run(IMPORTERS[kind.name](kind, actor), path, file_name=file_name, progress=progress)


@command(Permission.CATALOG_VIEW)
def submit_export(kind_name: str, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Queue the export of the department's current list (导出作业); returns the job to watch, whose
    result names the workbook to download once it is done."""
    kind = kind_named(kind_name)
    require_step(kind, actor, "export")
    return jobs.submit(EXPORT_TASK, f"export.{kind.name}", actor, sheet=kind.name, locale=locale)


@command(Permission.CATALOG_VIEW)
def run_export(kind: SheetKind, *, actor: Actor, progress: exporting.Progress | None = None) -> dict[str, Any]:
    """Write the department's current list of ``kind`` as a workbook and keep it for the download
    (导出, run by the export job): the result names the file, its rows and where it is kept.

    Inspectors' ID numbers are complete only for a reader who may see personal data (the
    department administrator; such an export is audited), masked for everyone else.
    """
    require_step(kind, actor, "export")
    written = {"rows": 0}

    def told(percent: int, done: int | None = None, total: int | None = None) -> None:
        written["rows"] = done or 0
        if progress is not None:
            progress(percent, done, total)

    stream, name = exporting.workbook(kind, actor, told)
    return {
        "ok": True,
        "kind": kind.name,
        "rows": written["rows"],
        **jobs.keep_file(stream.read(), name, tenant_of(actor).id),
    }


@command(RESULTS_IMPORT)
def import_results(campaign_id: int, data: dict, *, actor: Actor, progress: pipeline.Progress | None = None) -> dict:
    """Import a workbook as the results of a campaign, all or nothing: every visit in the file is
    recorded on its team's behalf in the importer's name (代为录入), a draft until its 组长 confirms it —
    submitted for review at once where the importer is that 组长. ``data``: the stored ``path`` (and its
    ``file_name``), or an upload (``file_name`` and ``stream``) that is checked, kept while it is
    read and removed — its own problems (type, size) are a InvalidInputError on ``file``."""
    campaign = get_row(Campaign, campaign_id, _l("No such campaign."))
    if not isinstance(data, dict):
        raise InvalidInputError({"file": [_l("Choose the file to upload.")]})
    if data.get("path") is not None:
        return pipeline.run(
            ResultImport(campaign, actor), data["path"], file_name=data.get("file_name") or "", progress=progress
        )
    stored = uploads.store_upload(data.get("file_name"), data.get("stream"), tenant_id=campaign.tenant_id)
    try:
        return pipeline.run(
            ResultImport(campaign, actor),
            uploads.stored_path(stored.key),
            file_name=stored.file_name,
            progress=progress,
        )
    finally:
        uploads.discard(stored.key)


# --- an upload kept, its import queued (导入作业) ----------------------------------------------------


@command(Permission.CATALOG_MANAGE)
def submit_import(
    kind_name: str, filename: str | None, stream: BinaryIO | None, *, actor: Actor, locale: str = "zh_CN"
) -> Job:
    """Check and keep an uploaded file, then queue its import (导入); returns the job to watch."""
    kind = kind_named(kind_name)
    require_step(kind, actor, "import")
    upload = uploads.store_upload(filename, stream, tenant_id=tenant_of(actor).id)
    return jobs.submit(
        IMPORT_TASK,
        f"import.{kind.name}",
        actor,
        sheet=kind.name,
        key=upload.key,
        file_name=upload.file_name,
        locale=locale,
    )


@command(RESULTS_IMPORT)
def submit_results_template(campaign_id: int, *, actor: Actor, locale: str = "zh_CN") -> Job:
    """Queue the campaign's results workbook to fill offline (检查结果录入表, an export job: a row per visit still
    to record and item); returns the job to watch, whose result names the workbook once it is written."""
    campaign = get_row(Campaign, campaign_id, _l("No such campaign."))
    return jobs.submit(RESULTS_TEMPLATE_TASK, RESULTS_TEMPLATE_JOB, actor, campaign_id=campaign.id, locale=locale)


@command(RESULTS_IMPORT)
def run_results_template(
    campaign_id: int, *, actor: Actor, progress: exporting.Progress | None = None
) -> dict[str, Any]:
    """Write the campaign's results workbook and keep it for the download (run by the export job): the result
    names the file and its rows (a visit and item each)."""
    campaign = get_row(Campaign, campaign_id, _l("No such campaign."))
    stream, name = results_template(campaign, progress)
    data = stream.read()
    if progress is not None:
        progress(100, None, None)
    return {"ok": True, "campaign_id": campaign.id, **jobs.keep_file(data, name, campaign.tenant_id)}


@command(RESULTS_IMPORT)
def submit_results_import(
    campaign_id: int, filename: str | None, stream: BinaryIO | None, *, actor: Actor, locale: str = "zh_CN"
) -> Job:
    """Check and keep a campaign's results workbook, then queue its import (检查结果导入); returns
    the job to watch. The rows are checked and written by the job, all or nothing."""
    campaign = get_row(Campaign, campaign_id, _l("No such campaign."))
    CAMPAIGN_STEPS.require(campaign, actor, "import_results")
    upload = uploads.store_upload(filename, stream, tenant_id=campaign.tenant_id)
    return jobs.submit(
        RESULTS_IMPORT_TASK,
        RESULTS_JOB_KIND,
        actor,
        campaign_id=campaign.id,
        key=upload.key,
        file_name=upload.file_name,
        locale=locale,
    )
