"""Submitting the seeds' statistical tables (报表报送): a department's duties and their status, one
duty's page (prepare, check, sign and submit, correct), a table as submitted and its download; the
justice bureau's overview of who has submitted, late or missing."""
from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.errors import NotFound
from spotcheck.core.policy import has_permission
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm, perform
from spotcheck.tenants.models import Tenant
from spotcheck.tenants.spreadsheets.vocabulary import XLSX_MEDIA_TYPE
from spotcheck.tenants.supervision import access, duties, duty_status, figures, submissions

bp = Blueprint("report_pages", __name__, url_prefix="/reports")


def _user():
    return current_user._get_current_object()


def _tenant() -> Tenant:
    tenant = db.session.get(Tenant, _user().tenant_id) if _user().tenant_id else None
    if tenant is None:
        abort(404)
    return tenant


def _duty(code: str, period: str) -> duties.Due:
    found = duties.find(code, period)
    if found is None:
        abort(404)
    return found


@bp.route("")
@requires(Permission.REPORTS_PREPARE)
def index():
    tenant = _tenant()
    return render_template("reports/index.html", tenant=tenant, states=duty_status.states_of(tenant),
                           created=duties.created_on(tenant), status_names=duty_status.STATUS)


@bp.route("/<code>/<period>")
@requires(Permission.REPORTS_PREPARE)
def duty(code, period):
    due = _duty(code, period)
    tenant = _tenant()
    if not duty_status.applies(tenant, due, duty_status.other_field_departments()):
        abort(404)
    state = duty_status.state_of(tenant, due)
    preview = state.prepared or state.current
    return render_template("reports/duty.html", state=state, due=due, form=EmptyForm(),
                           actions=duty_status.REPORT_ACTIONS.allowed(state, _user()),
                           history=submissions.history(tenant.id, due.duty.code, due.period.code),
                           preview=preview, sheets=submissions.sheets_of(preview) if preview else [],
                           intact=submissions.intact(preview) if preview else True)


@bp.route("/<code>/<period>/<step>", methods=["POST"])
@requires(Permission.REPORTS_PREPARE)
def duty_step(code, period, step):
    due = _duty(code, period)
    if step not in ("prepare", "submit"):
        abort(404)
    if step == "submit" and not has_permission(_user(), Permission.REPORTS_SUBMIT):
        abort(403)
    if EmptyForm().validate_on_submit():
        form = request.form
        if step == "prepare":
            perform(lambda: submissions.prepare(due.duty.code, due.period.code, contact=form.get("contact", ""),
                                                phone=form.get("phone", ""), actor=_user()),
                    "报表已生成（数据已冻结），请领导核对后签发报送。")
        else:
            perform(lambda: submissions.submit(due.duty.code, due.period.code, digest=form.get("digest", ""),
                                               contact=form.get("contact"), phone=form.get("phone"),
                                               reason=form.get("reason", ""), actor=_user()),
                    lambda row: f"《{row.title}》（{due.period.label}）第{row.version}版已签发报送。")
    return redirect(url_for("report_pages.duty", code=due.duty.code, period=due.period.code))


@bp.route("/submissions/<int:submission_id>")
@requires(Permission.REPORTS_PREPARE)
def submission(submission_id):
    row, tenant = _submission(submission_id)
    due = duties.find(row.table_code, row.period)
    return render_template("reports/submission.html", row=row, tenant=tenant, due=due,
                           sheets=submissions.sheets_of(row), intact=submissions.intact(row),
                           every=access.sees_every_department(_user()))


@bp.route("/submissions/<int:submission_id>/download")
@requires(Permission.REPORTS_PREPARE)
def download(submission_id):
    row, tenant = _submission(submission_id)
    data, name = submissions.workbook(row, tenant)
    response = send_file(io.BytesIO(data), mimetype=XLSX_MEDIA_TYPE, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _submission(submission_id: int):
    try:
        return submissions.get(submission_id, _user())
    except NotFound:
        abort(404)


@bp.route("/overview")
@requires(Permission.SUPERVISION_VIEW)
def overview():
    """Per table and period, who has submitted, late or missing (the justice bureau: every
    department, through its audited reading; a department leader: their own)."""
    raw = request.args.get("year", "").strip()
    year = int(raw) if raw.isdigit() and len(raw) == 4 else today().year
    if not 2000 <= year <= 2100:
        abort(404)
    with access.reading(_user(), "report submissions", period=str(year)) as visible:
        tenants = figures.departments(visible)
        rows = duty_status.overview(tenants, [year])
        for row in rows:  # loaded while visible
            for state in row.states:
                _ = [(v.id, v.submitted_at, v.signed_by_name) for v in state.versions]
    return render_template("reports/overview.html", rows=rows, year=year, years=[today().year - 1, today().year],
                           every=access.sees_every_department(_user()), status_names=duty_status.STATUS)
