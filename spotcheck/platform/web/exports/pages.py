"""The credit-system export (信用信息共享) for the department's administrator: the batches with their
state, the manifest and files of each, "export now", "deliver again" (重新投递) and the delivery log
(投递记录). Every change is a command, run as a background job with its progress."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _

from spotcheck.core import jobs
from spotcheck.core.errors import ConflictError
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import REFUSED, EmptyForm, perform, requested_page
from spotcheck.tenants.common.queries import paginate
from spotcheck.tenants.exports import commands as export_commands, queries as export_queries

bp = Blueprint("export_pages", __name__, url_prefix="/exports")

PER_PAGE = 50
JOB_KINDS = ("exports.export", "exports.deliver")


@bp.route("")
@requires(Permission.EXPORTS_MANAGE)
def index() -> ResponseReturnValue:
    """The department's batches, newest first, with what waits and the jobs under way."""
    page = paginate(
        export_queries.batches_query(), page=requested_page() or 1, per_page=PER_PAGE, make=lambda row: row[0]
    )
    return render_template(
        "exports/index.html",
        page=page,
        pending=export_queries.pending_count(),
        form=EmptyForm(),
        jobs=jobs.list_jobs(_user(), kinds=JOB_KINDS, limit=5),
        name_of=export_queries.batch_name,
    )


@bp.route("/run", methods=["POST"])
@requires(Permission.EXPORTS_MANAGE)
def run() -> ResponseReturnValue:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("export_pages.index"))
    job = perform(
        export_commands.request_export,
        actor=_user(),
        locale=str(get_locale()),
        done=_("The export has started; its progress is shown below."),
    )
    return redirect(url_for("audit.job", job_id=job.id) if job is not REFUSED else url_for("export_pages.index"))


@bp.route("/batches/<int:batch_id>")
@requires(Permission.EXPORTS_MANAGE)
def batch(batch_id: int) -> ResponseReturnValue:
    found = export_queries.get_batch(batch_id)
    deliveries = paginate(export_queries.deliveries_query(found.id), page=1, per_page=PER_PAGE, make=lambda row: row[0])
    return render_template(
        "exports/batch.html",
        batch=found,
        name=export_queries.batch_name(found),
        manifest=export_queries.manifest_of(found),
        deliveries=deliveries,
        form=EmptyForm(),
    )


@bp.route("/batches/<int:batch_id>/<any(jsonl, csv, manifest):kind>")
@requires(Permission.EXPORTS_MANAGE)
def download(batch_id: int, kind: str) -> ResponseReturnValue:
    path, name, media_type = export_queries.file_of(export_queries.get_batch(batch_id), kind)
    return downloads.private_file(path, media_type, name)


@bp.route("/batches/<int:batch_id>/deliver", methods=["POST"])
@requires(Permission.EXPORTS_MANAGE)
def deliver(batch_id: int) -> ResponseReturnValue:
    found = export_queries.get_batch(batch_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("export_pages.batch", batch_id=found.id))
    job = perform(
        export_commands.request_delivery,
        found.id,
        actor=_user(),
        locale=str(get_locale()),
        done=_("The batch is being delivered again; its progress is shown below."),
        refusals=(ConflictError,),
    )
    if job is REFUSED:
        return redirect(url_for("export_pages.batch", batch_id=found.id))
    return redirect(url_for("audit.job", job_id=job.id))


@bp.route("/deliveries")
@requires(Permission.EXPORTS_MANAGE)
def deliveries() -> ResponseReturnValue:
    """投递记录: every attempt to deliver a batch, newest first."""
    page = paginate(
        export_queries.deliveries_query(), page=requested_page() or 1, per_page=PER_PAGE, make=lambda row: row[0]
    )
    return render_template("exports/deliveries.html", page=page)
