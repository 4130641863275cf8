"""Spreadsheet templates, imports and exports (Excel 导入导出).

An import answers 202 with the job at once; its progress and its result (the counts, or every
bad row with row number, column and reason) come from ``GET /api/v1/jobs/<id>``. An export likewise
(导出作业): 202 with the job; once it succeeded, its workbook comes from ``GET /api/v1/jobs/<id>/file``.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_babel import get_locale
from flask_login import current_user
from flask_smorest.fields import Upload
from marshmallow import Schema

from spotcheck.core.job_models import Job
from spotcheck.platform import downloads
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.schemas import JobSchema
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.spreadsheets import commands as sheets, queries as sheet_queries
from spotcheck.tenants.spreadsheets.commands import submit_import
from spotcheck.tenants.spreadsheets.vocabulary import XLSX_MEDIA_TYPE

PREFIX = "/sheets"
blp = Blueprint(
    "Sheets", __name__, description="Spreadsheet templates, imports and exports (kind: items, directory or inspectors)."
)

_XLSX = {
    200: {
        "description": "An Excel workbook",
        "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


class SheetUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "The filled-in .xlsx or .csv (UTF-8 or GB18030)"})


@blp.route("/<any(items, directory, inspectors):kind>/template")
class SheetTemplate(MethodView):
    @requires(Permission.CATALOG_MANAGE)
    @blp.doc(responses=_XLSX)
    def get(self, kind: str) -> Response:
        """Blank template: the Chinese column headers, a row of hints, drop-down lists"""
        return downloads.workbook(*sheet_queries.template_file(sheet_queries.kind_named(kind)))


@blp.route("/<any(items, directory, inspectors):kind>/exports")
class SheetExports(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(202, JobSchema)
    def post(self, kind: str) -> Job:
        """Export my department's current list in the template's shape, in the background (inspector
        ID numbers masked unless I may see personal data); follow the job, then download its file"""
        return sheets.submit_export(kind, actor=current_user._get_current_object(), locale=str(get_locale()))


@blp.route("/<any(items, directory, inspectors):kind>/imports")
class SheetImports(MethodView):
    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(SheetUploadSchema, location="files")
    @blp.response(202, JobSchema)
    def post(self, files: dict[str, Any], kind: str) -> Job:
        """Import a filled-in file in the background, all or nothing; follow the job for progress and result"""
        upload = files["file"]
        return submit_import(
            kind, upload.filename, upload.stream, actor=current_user._get_current_object(), locale=str(get_locale())
        )
