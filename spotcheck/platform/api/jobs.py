"""Background jobs and audit-trail verification."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from spotcheck.core import jobs
from spotcheck.core.job_models import Job
from spotcheck.platform.api.schemas import JobSchema
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.audit.commands import request_verification

PREFIX = ""
blp = Blueprint("Jobs", __name__, description="Background jobs and audit verification")


@blp.route("/jobs/<int:job_id>")
class JobById(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, JobSchema)
    def get(self, job_id: int) -> Job:
        """A job I asked for (a department administrator: any of the department's): status, progress, result"""
        return jobs.job_for(job_id, current_user._get_current_object())


@blp.route("/audit/verifications")
class AuditVerifications(MethodView):
    @requires(Permission.AUDIT_VIEW)
    @blp.response(202, JobSchema)
    def post(self) -> Job:
        """Verify my department's audit chain (全程留痕) in the background"""
        return request_verification(actor=current_user._get_current_object())
