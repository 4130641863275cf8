"""Spreadsheet templates, imports with progress and error lists, exports as jobs with progress and the
workbook to download once done (Excel 导入导出)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.routing import BuildError

from spotcheck.core import jobs
from spotcheck.core.job_models import Job
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt, start_export
from spotcheck.platform.web.spreadsheets.forms import SheetUploadForm
from spotcheck.tenants.spreadsheets import commands as sheets, queries as sheet_queries
from spotcheck.tenants.spreadsheets.commands import submit_import
from spotcheck.tenants.spreadsheets.vocabulary import EXPORT_JOB_KINDS, IMPORT_JOB_SHEETS, JOB_KINDS, KINDS, SheetKind

bp = Blueprint("import_pages", __name__, url_prefix="/catalog/sheets")

#: The page that lists each kind's rows (built by the item-list and directory pages).
LIST_PAGES = {"items": "items_pages.index", "directory": "directory_pages.index", "inspectors": "inspector_pages.index"}


def list_url(kind_name: str) -> str | None:
    try:
        return url_for(LIST_PAGES[kind_name])
    except (KeyError, BuildError):
        return None


@bp.app_context_processor
def _sheet_job_kinds() -> dict[str, Callable[[str], SheetKind | str | None]]:
    return {
        "sheet_job_kind": IMPORT_JOB_SHEETS.get,
        "sheet_export_kind": EXPORT_JOB_KINDS.get,
        "sheet_list_url": list_url,
    }


def _forms(**given: SheetUploadForm) -> dict[str, SheetUploadForm]:
    return {name: given.get(name) or SheetUploadForm(prefix=name) for name in KINDS}


def _recent(kinds: Mapping[str, object]) -> list[Job]:
    return jobs.list_jobs(current_user._get_current_object(), kinds=kinds, limit=10)


def _index(forms: Mapping[str, SheetUploadForm]) -> str:
    return render_template(
        "spreadsheets/index.html",
        kinds=list(KINDS.values()),
        forms=forms,
        max_mb=sheet_queries.max_upload_bytes() // (1024 * 1024),
        recent=_recent(JOB_KINDS),
        exports=_recent(EXPORT_JOB_KINDS),
        form=EmptyForm(),
        steps=sheet_queries.allowed_steps(current_user._get_current_object()),
    )


@bp.route("")
@requires(Permission.CATALOG_VIEW)
def index() -> ResponseReturnValue:
    """The three lists: blank templates and uploads for the administrator, exports for every reader."""
    return _index(_forms())


@bp.route("/<kind>/template")
@requires(Permission.CATALOG_MANAGE)
def template(kind: str) -> ResponseReturnValue:
    stream, name = sheet_queries.template_file(sheet_queries.kind_named(kind))
    return downloads.workbook(stream, name)


@bp.route("/<kind>/export", methods=["POST"])
@requires(Permission.CATALOG_VIEW)
def export(kind: str) -> ResponseReturnValue:
    """Start the export of the current list; the job page shows its progress, then the download."""
    sheet = sheet_queries.kind_named(kind)
    return start_export(
        sheets.submit_export, sheet.name, actor=current_user._get_current_object(), back=url_for("import_pages.index")
    )


@bp.route("/<kind>/upload", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def upload(kind: str) -> ResponseReturnValue:
    """Keep the file and start its import; the job page shows the progress, then the result."""
    sheet = sheet_queries.kind_named(kind)
    form = SheetUploadForm(prefix=sheet.name)
    form.validate_on_submit()  # the CSRF token was checked before the view
    file = form.file.data
    started = attempt(
        submit_import,
        sheet.name,
        getattr(file, "filename", None),
        getattr(file, "stream", None),
        actor=current_user._get_current_object(),
        locale=str(get_locale()),
        refusals=BAD_INPUT,
    )
    if started.invalid:
        started.show_on(form)
        return _index(_forms(**{sheet.name: form}))
    return redirect(url_for("audit.job", job_id=started.result.id))
