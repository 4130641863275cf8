"""Complaints (投诉) and evaluations (评价): a business complains to the justice bureau, or evaluates the inspection
once the team has left, on its inspection code's page with its 企业核验码; the bureau reads who complained and
answers; the department complained about reads its copy — the text and the answer, never who complained — and of
the evaluations only figures (the supervision pages)."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from spotcheck.platform.permissions import Permission, acting_user as _user, public, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt
from spotcheck.platform.web.results.checks import business_step, limited
from spotcheck.tenants.supervision import commands as supervision, queries

bp = Blueprint("complaints", __name__)


@bp.route("/public/checks/<token>/complaint", methods=["POST"])
@public
@limited
def complain(token):
    """投诉, with the business code: to the justice bureau."""
    return business_step(token, "complaint", supervision.complain,
                         {key: request.form.get(key, "") for key in ("business_code", "text", "contact_name", "contact_phone")})


@bp.route("/public/checks/<token>/evaluate", methods=["POST"])
@public
@limited
def evaluate(token):
    """评价, with the business code: after 离企, once, to the justice bureau."""
    return business_step(token, "evaluate", supervision.evaluate_visit,
                         {key: request.form.get(key, "") for key in ("business_code", "satisfaction", "text")})


@bp.route("/supervision/complaints")
@requires(Permission.SUPERVISION_VIEW)
def index():
    """The bureau's complaints, or a department's copies of those about its inspections."""
    return render_template("supervision/complaints.html", complaints=queries.complaints(reader=_user()))


@bp.route("/supervision/complaints/<int:complaint_id>", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_VIEW)
def detail(complaint_id):
    """One complaint; the bureau answers it here."""
    errors, values = {}, {}
    if request.method == "POST" and EmptyForm().validate_on_submit():
        values = {"answer": request.form.get("answer", "")}
        outcome = attempt(supervision.answer_complaint, complaint_id, values, actor=_user(), refusals=BAD_INPUT)
        outcome.report(done=None)
        errors = outcome.errors
    complaint, contact, actions = queries.complaint(complaint_id, reader=_user())
    return render_template("supervision/complaint.html", complaint=complaint, contact=contact, actions=actions,
                           form=EmptyForm(), errors=errors, values=values), 422 if errors else 200
