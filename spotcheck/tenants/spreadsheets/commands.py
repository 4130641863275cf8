"""The spreadsheet commands (电子表格导入导出): all-or-nothing imports of the item list, the target
directory and the inspector directory (run by the import job), exports of the current lists, and
a campaign's results entered offline (检查结果导入)."""
from __future__ import annotations

from pathlib import Path
from typing import IO

from flask_babel import lazy_gettext as _l

from spotcheck.core.commands import command
from spotcheck.core.database import get_row
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.spreadsheets import exporting, pipeline, uploads
from spotcheck.tenants.spreadsheets.columns import SheetKind
from spotcheck.tenants.spreadsheets.importing import IMPORTERS
from spotcheck.tenants.spreadsheets.result_import import ResultImport


@command(Permission.CATALOG_MANAGE)
def run_import(kind: SheetKind, path: Path | str, *, actor, file_name: str = "",
               progress: pipeline.Progress | None = None) -> dict:
    """Import ``path`` as ``kind`` for the actor's department, all or nothing (see the pipeline)."""
    return pipeline.run(IMPORTERS[kind.name](kind, actor), path, file_name=file_name, progress=progress)


@command(Permission.CATALOG_VIEW)
def export_file(kind: SheetKind, *, actor) -> tuple[IO[bytes], str]:
    """The department's current list of ``kind`` as a workbook, and its download name (导出).

    Inspectors' ID numbers are complete only for a reader who may see personal data (the
    department administrator; such an export is audited), masked for everyone else.
    """
    return exporting.workbook(kind, actor)


@command(Permission.CAMPAIGNS_EDIT)
def import_results(campaign_id: int, data: dict, *, actor, progress: pipeline.Progress | None = None) -> dict:
    """Import a workbook as the results of a campaign, all or nothing: every visit in the file is
    recorded on its team's behalf in the importer's name (代为录入), a draft until its 组长 confirms it —
    submitted for review at once where the importer is that 组长. ``data``: the stored ``path`` (and its
    ``file_name``), or an upload (``file_name`` and ``stream``) that is checked, kept while it is
    read and removed — its own problems (type, size) are a ValidationFailed on ``file``."""
    campaign = get_row(Campaign, campaign_id, _l("No such campaign."))
    if not isinstance(data, dict):
        raise ValidationFailed({"file": [_l("Choose the file to upload.")]})
    if data.get("path") is not None:
        return pipeline.run(ResultImport(campaign, actor), data["path"], file_name=data.get("file_name") or "",
                            progress=progress)
    stored = uploads.store_upload(data.get("file_name"), data.get("stream"), tenant_id=campaign.tenant_id)
    try:
        return pipeline.run(ResultImport(campaign, actor), uploads.stored_path(stored.key), file_name=stored.file_name,
                            progress=progress)
    finally:
        uploads.discard(stored.key)
