"""The audit trail of my department (全程留痕) and background jobs."""
import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm
from spotcheck.tasks import jobs
from spotcheck.tasks.audit_jobs import verify_tenant_chain

bp = Blueprint("audit", __name__)
PAGE = 50


@bp.route("/audit")
@requires(Permission.AUDIT_VIEW)
def trail():
    """Newest first, keyset-paged by id (``?before=<id>``)."""
    query = sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(PAGE)
    before = request.args.get("before", type=int)
    if before:
        query = query.where(AuditEntry.id < before)
    entries = db.session.scalars(query).all()
    return render_template("audit.html", entries=entries, form=EmptyForm(), jobs=jobs.list_jobs(5),
                           next_before=entries[-1].id if len(entries) == PAGE else None)


@bp.route("/audit/verify", methods=["POST"])
@requires(Permission.AUDIT_VIEW)
def verify():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("audit.trail"))
    job = jobs.submit(verify_tenant_chain, "audit.verify", current_user._get_current_object())
    return redirect(url_for("audit.job", job_id=job.id))


@bp.route("/jobs/<int:job_id>")
@requires(Permission.SIGNED_IN)
def job(job_id):
    return render_template("job.html", job=jobs.get_job(job_id))
