"""The words of spreadsheets (电子表格导入导出): the kinds of sheet (the item list, the target directory,
the inspector directory, a campaign's results) with their Chinese headers, the workbook's media
type, and how a value is shown in a cell."""

from __future__ import annotations

from spotcheck.tenants.spreadsheets.columns import (  # noqa: F401 — the kinds pages and the API name
    DIRECTORY,
    EXPORT_JOB_KINDS,
    IMPORT_JOB_SHEETS,
    INSPECTORS,
    ITEMS,
    JOB_KINDS,
    KINDS,
    RESULTS,
    RESULTS_JOB_KIND,
    SheetKind,
)
from spotcheck.tenants.spreadsheets.forms import shown  # noqa: F401 — the pages' cell filter

#: The media type of an .xlsx workbook.
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


#: The Celery tasks (后台作业) that import a list of the catalog and a campaign's results, and that
#: export a list of the catalog (never renamed).
IMPORT_TASK, RESULTS_IMPORT_TASK = "spotcheck.sheets.import", "spotcheck.sheets.import_results"
EXPORT_TASK = "spotcheck.sheets.export"
#: A campaign's results workbook to fill offline (检查结果录入表), written by a job as an export: its task and kind.
RESULTS_TEMPLATE_TASK, RESULTS_TEMPLATE_JOB = "spotcheck.sheets.results_template", "export.results_template"
