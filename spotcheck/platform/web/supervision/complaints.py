"""Complaints (投诉) and evaluations (评价): a business complains to the justice bureau, or evaluates the inspection
once the team has left, on its inspection code's page with its 企业核验码. The bureau reads who complained, forwards
the complaint to the department complained about (转办) with or without the business's name, or not at all, and
answers the business. The department sees a complaint only once forwarded, as forwarded, and answers the bureau; of
the evaluations it sees only figures (the supervision pages)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from spotcheck.platform.permissions import Permission, acting_user as _user, public, requires
from spotcheck.platform.web.forms import REFUSALS, EmptyForm, attempt
from spotcheck.platform.web.results.checks import business_step, limited
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.queries import complaints as queries

bp = Blueprint("complaints", __name__)


@bp.route("/public/checks/<token>/complaint", methods=["POST"])
@public
@limited
def complain(token: str) -> ResponseReturnValue:
    """投诉, with the business code: to the justice bureau."""
    return business_step(
        token,
        "complaint",
        supervision.complain,
        {key: request.form.get(key, "") for key in ("business_code", "text", "contact_name", "contact_phone")},
    )


@bp.route("/public/checks/<token>/evaluate", methods=["POST"])
@public
@limited
def evaluate(token: str) -> ResponseReturnValue:
    """评价, with the business code: after 离企, once, to the justice bureau."""
    return business_step(
        token,
        "evaluate",
        supervision.evaluate_visit,
        {key: request.form.get(key, "") for key in ("business_code", "satisfaction", "text")},
    )


@bp.route("/supervision/complaints")
@requires(Permission.SUPERVISION_READ_ALL)
def index() -> ResponseReturnValue:
    """The bureau's complaints: to forward or answer first."""
    return render_template("supervision/complaints.html", complaints=queries.complaints(reader=_user()))


def _complaint_page(
    complaint_id: int,
    *,
    errors: Mapping[str, list[str]] | None = None,
    values: Mapping[str, str] | None = None,
    form: str = "",
    status: int = 200,
) -> tuple[str, int]:
    handled = queries.complaint(complaint_id, reader=_user())
    return render_template(
        "supervision/complaint.html",
        handled=handled,
        complaint=handled.complaint,
        form=EmptyForm(),
        errors=errors or {},
        values=values or {},
        which=form,
    ), status


def _send(
    command: Callable[..., object], key: int, fields: tuple[str, ...], done: str, page: str
) -> tuple[Response | None, dict[str, str], dict[str, list[str]], int]:
    """Run ``command`` on ``key`` with the form's ``fields``: the page at ``page`` (its address) again once done, else
    ``(None, values, errors, status)`` to show the refusal on the form."""
    values = {name: request.form.get(name, "") for name in fields}
    outcome = attempt(command, key, values, actor=_user(), refusals=REFUSALS)
    outcome.report(done)
    if outcome.ok:
        return redirect(page), values, {}, 200
    return None, values, outcome.errors, 422 if outcome.errors else 409


@bp.route("/supervision/complaints/<int:complaint_id>", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_READ_ALL)
def detail(complaint_id: int) -> ResponseReturnValue:
    """One complaint: who made it, the forward and the department's answer; the bureau replies to the business here."""
    if request.method == "POST" and EmptyForm().validate_on_submit():
        sent, values, errors, status = _send(
            supervision.answer_complaint,
            complaint_id,
            ("answer",),
            _("The answer is sent: the business reads it with its code."),
            url_for("complaints.detail", complaint_id=complaint_id),
        )
        return sent or _complaint_page(complaint_id, errors=errors, values=values, form="answer", status=status)
    return _complaint_page(complaint_id)


@bp.route("/supervision/complaints/<int:complaint_id>/forward", methods=["POST"])
@requires(Permission.SUPERVISION_MANAGE)
def forward(complaint_id: int) -> ResponseReturnValue:
    """转办: to the department complained about, with or without the business's name."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("complaints.detail", complaint_id=complaint_id))
    sent, values, errors, status = _send(
        supervision.forward_complaint,
        complaint_id,
        ("named", "text"),
        _("The complaint is forwarded: the department reads it and answers the bureau."),
        url_for("complaints.detail", complaint_id=complaint_id),
    )
    return sent or _complaint_page(complaint_id, errors=errors, values=values, form="forward", status=status)


@bp.route("/complaints/forwarded")
@requires(Permission.COMPLAINTS_ANSWER)
def forwarded() -> ResponseReturnValue:
    """The complaints the bureau forwarded to the reader's department."""
    return render_template("supervision/forwarded.html", forwards=queries.forwarded(reader=_user()))


@bp.route("/complaints/forwarded/<int:forward_id>", methods=["GET", "POST"])
@requires(Permission.COMPLAINTS_ANSWER)
def forwarded_detail(forward_id: int) -> ResponseReturnValue:
    """One forwarded complaint; the department answers the bureau here."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    status = 200
    if request.method == "POST" and EmptyForm().validate_on_submit():
        sent, values, errors, status = _send(
            supervision.answer_forwarded,
            forward_id,
            ("answer",),
            _("The answer is sent to the justice bureau."),
            url_for("complaints.forwarded_detail", forward_id=forward_id),
        )
        if sent is not None:
            return sent
    found, actions = queries.forward(forward_id, reader=_user())
    return render_template(
        "supervision/forward.html", forward=found, actions=actions, form=EmptyForm(), errors=errors, values=values
    ), status
