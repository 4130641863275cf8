"""Submitting the seeds' statistical tables (报表报送): a department's duties and their status, one
duty's page (prepare, check, sign and submit, correct), a table as submitted and its download; the
justice bureau's overview of who has submitted, late or missing."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.core.clock import today
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import has_permission, refusal
from spotcheck.core.text import whole_number
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import EmptyForm, perform
from spotcheck.tenants.accounts.queries import Tenant
from spotcheck.tenants.supervision import commands, queries, vocabulary
from spotcheck.tenants.supervision.queries import ReportEntry, ReportSubmission

bp = Blueprint("report_pages", __name__, url_prefix="/reports")


def _tenant() -> Tenant:
    try:
        return queries.own_department(reader=_user())
    except NotFoundError:
        abort(404)


def _duty(code: str, period: str) -> queries.Due:
    found = queries.find_due(_tenant().id, code, period)
    if found is None:
        abort(404)
    return found


@bp.route("")
@requires(Permission.REPORTS_PREPARE)
def index() -> ResponseReturnValue:
    tenant = _tenant()
    return render_template(
        "supervision/reports/index.html",
        tenant=tenant,
        states=queries.states_of(tenant),
        created=queries.created_on(tenant),
        status_names=vocabulary.REPORT_STATUS,
    )


@bp.route("/<code>/<period>")
@requires(Permission.REPORTS_PREPARE)
def duty(code: str, period: str) -> ResponseReturnValue:
    due = _duty(code, period)
    tenant = _tenant()
    try:
        view = queries.duty_view(tenant, due, reader=_user())
    except NotFoundError:
        abort(404)
    state = view.state
    preview = state.prepared or state.current
    return render_template(
        "supervision/reports/duty.html",
        state=state,
        due=due,
        form=EmptyForm(),
        actions=view.actions,
        history=view.history,
        cells=view.cells,
        empty_cells=view.empty_cells,
        preview=preview,
        sheets=queries.sheets_of(preview) if preview else [],
        intact=queries.intact(preview) if preview else True,
    )


@bp.route("/<code>/<period>/<step>", methods=["POST"])
@requires(Permission.REPORTS_PREPARE)
def duty_step(code: str, period: str, step: str) -> ResponseReturnValue:
    due = _duty(code, period)
    if step not in ("prepare", "submit"):
        abort(404)
    if step == "submit" and not has_permission(_user(), Permission.REPORTS_SUBMIT):
        abort(403, description=str(refusal(Permission.REPORTS_SUBMIT)))
    if EmptyForm().validate_on_submit():
        form = request.form
        if step == "prepare":
            perform(
                commands.prepare,
                {
                    "code": due.duty.code,
                    "period": due.period.code,
                    "contact": form.get("contact", ""),
                    "phone": form.get("phone", ""),
                },
                actor=_user(),
                done=_("The table is built (its figures frozen); the leader checks it, then signs and submits it."),
            )
        else:

            def submitted(row: ReportSubmission) -> str:
                return _(
                    "《%(title)s》(%(period)s) version %(version)d is signed and submitted.",
                    title=row.title,
                    period=due.period.label,
                    version=row.version,
                )

            perform(
                commands.submit,
                {
                    "code": due.duty.code,
                    "period": due.period.code,
                    "digest": form.get("digest", ""),
                    "contact": form.get("contact"),
                    "phone": form.get("phone"),
                    "reason": form.get("reason", ""),
                },
                actor=_user(),
                done=submitted,
            )
    return redirect(url_for("report_pages.duty", code=due.duty.code, period=due.period.code))


@bp.route("/<code>/<period>/cells", methods=["POST"])
@requires(Permission.REPORTS_PREPARE)
def duty_cells(code: str, period: str) -> ResponseReturnValue:
    """The cells of the table the platform holds no data for, as the department fills them (由填报单位填写)."""
    due = _duty(code, period)
    if EmptyForm().validate_on_submit():
        cells = {key[len("cell-") :]: value for key, value in request.form.items() if key.startswith("cell-")}
        perform(
            commands.fill_cells,
            {"code": due.duty.code, "period": due.period.code, "cells": cells},
            actor=_user(),
            done=_cells_saved,
        )
    return redirect(url_for("report_pages.duty", code=due.duty.code, period=due.period.code) + "#duty-cells")


def _cells_saved(changed: list[ReportEntry]) -> str:
    return _("The department's entries are saved; the table shows them.") if changed else _("Nothing was changed.")


@bp.route("/submissions/<int:submission_id>")
@requires(Permission.REPORTS_PREPARE)
def submission(submission_id: int) -> ResponseReturnValue:
    row, tenant = _submission(submission_id)
    due = queries.find_due(tenant.id, row.table_code, row.period)
    return render_template(
        "supervision/reports/submission.html",
        row=row,
        tenant=tenant,
        due=due,
        sheets=queries.sheets_of(row),
        intact=queries.intact(row),
        every=queries.reads_every_department(_user()),
    )


@bp.route("/submissions/<int:submission_id>/download")
@requires(Permission.REPORTS_PREPARE)
def download(submission_id: int) -> ResponseReturnValue:
    row, tenant = _submission(submission_id)
    data, name = queries.workbook(row, tenant)
    return downloads.workbook(data, name)


def _submission(submission_id: int) -> tuple[ReportSubmission, Tenant]:
    try:
        return queries.submission(submission_id, reader=_user())
    except NotFoundError:
        abort(404)


@bp.route("/overview")
@requires(Permission.SUPERVISION_VIEW)
def overview() -> ResponseReturnValue:
    """Per table and period, who has submitted, late or missing (the justice bureau: every
    department, through its audited reading; a department leader: their own)."""
    raw = request.args.get("year", "").strip()
    year = (whole_number(raw) if len(raw) == 4 else None) or today().year
    if not 2000 <= year <= 2100:
        abort(404)
    rows = queries.submissions_overview(year, reader=_user())
    return render_template(
        "supervision/reports/overview.html",
        rows=rows,
        year=year,
        years=[today().year - 1, today().year],
        every=queries.reads_every_department(_user()),
        status_names=vocabulary.REPORT_STATUS,
    )
