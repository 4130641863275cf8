"""Background jobs and audit-trail verification."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_login import current_user

from spotcheck.core import jobs
from spotcheck.core.job_models import Job
from spotcheck.platform import downloads
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.schemas import JobSchema
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.audit.commands import request_verification
from spotcheck.tenants.spreadsheets.vocabulary import XLSX_MEDIA_TYPE

PREFIX = ""
blp = Blueprint("Jobs", __name__, description="Background jobs and audit verification")


@blp.route("/jobs/<int:job_id>")
class JobById(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, JobSchema)
    def get(self, job_id: int) -> Job:
        """A job I asked for (a department administrator: any of the department's): status, progress, result"""
        return jobs.job_for(job_id, current_user._get_current_object())


@blp.route("/jobs/<int:job_id>/file")
class JobFile(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.doc(
        responses={
            200: {
                "description": "The file an export job wrote (an Excel workbook)",
                "content": {XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            },
            410: {
                "description": "The file is no longer kept: deleted SPOTCHECK_EXPORT_FILE_HOURS (72) after the export"
            },
        }
    )
    def get(self, job_id: int) -> Response:
        """The file of an export job that succeeded (导出文件: mine, or as the department's administrator any of the
        department's); 404 for any other job"""
        return downloads.workbook(*jobs.take_file(job_id, actor=current_user._get_current_object()))


@blp.route("/audit/verifications")
class AuditVerifications(MethodView):
    @requires(Permission.AUDIT_VIEW)
    @blp.response(202, JobSchema)
    def post(self) -> Job:
        """Verify my department's audit chain (全程留痕) in the background"""
        return request_verification(actor=current_user._get_current_object())
