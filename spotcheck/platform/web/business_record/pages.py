"""The business's own pages (企业首页, ``/business``): its account and its record of checks (企业检查档案) by every
department at every level; a check of the record and what the business does on it with no 企业核验码 (确认、回避、评价、
投诉, ``/business/checks/<token>``: the code page's commands, the business's person acting); a rectification order of
the record and the business's answer to it (整改答复, ``/business/rectifications/<id>``). Above the accounts' pages
(:mod:`spotcheck.platform.web.businesses`): it reads both the account and the record."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import MultipleFileField, TextAreaField

from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError, user_message
from spotcheck.platform import identity_platform
from spotcheck.platform.identity_platform import BUSINESS
from spotcheck.platform.permissions import Permission, acting_user, public, requires
from spotcheck.platform.web.browser_verifier import FILE_NAME, sha256 as browser_verifier_sha256
from spotcheck.platform.web.forms import WITH_FORBIDDEN, EmptyForm, attempt, summary_fields
from spotcheck.platform.web.results.checks import holder_page, limited
from spotcheck.tenants.business_record import commands as record_commands, queries as record_queries
from spotcheck.tenants.businesses import queries as business_queries
from spotcheck.tenants.businesses.vocabulary import PLACE_LABELS, TRAIL_LABELS
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.vocabulary import ANSWER_STATUS_LABELS, EVALUATION_TEXT_LENGTH, SATISFACTION_LABELS
from spotcheck.tenants.supervision import commands as supervision

bp = Blueprint("business_record_pages", __name__)


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("What was corrected, and how"))
    files = MultipleFileField(_l("Photos or PDF documents (optional)"))


@bp.route("/business")
@requires(Permission.BUSINESS_SIGNED_IN)
def home() -> ResponseReturnValue:
    """The business's home: its account (the holder, the people, the trail) and its record of checks — its part of
    the page rendered once for the record kept (:mod:`spotcheck.tenants.business_record.kept`)."""
    reader = acting_user()
    record = record_queries.own_record(reader=reader)
    return render_template(
        "business_record/home.html",
        draws=record_commands.own_draws(actor=reader),
        identity_platform=identity_platform.provider(BUSINESS) is not None,
        home=business_queries.own_account(reader=reader),
        record_part=Markup(
            record_queries.page_part(
                record,
                lambda: render_template(
                    "business_record/_record.html",
                    record=record,
                    satisfaction_labels=SATISFACTION_LABELS,
                    answer_labels=ANSWER_STATUS_LABELS,
                ),
            )
        ),
        me=reader,
        places=PLACE_LABELS,
        trail_labels=TRAIL_LABELS,
    )


@bp.route("/business/draws/<int:campaign_id>/verify")
@requires(Permission.BUSINESS_SIGNED_IN)
def verify_draw(campaign_id: int) -> ResponseReturnValue:
    """The business checks its own row of a blinded draw in its browser (本户核验): the browser verifier runs the
    public check on the published proof, then the holder's check with the business's code and salt, which never
    leave the page."""
    reader = acting_user()
    drawn = next(
        (d for d in record_commands.own_draws(actor=reader) if d.campaign_id == campaign_id and d.blinded), None
    )
    if drawn is None:
        abort(404)
    return render_template(
        "business_record/verify_draw.html",
        drawn=drawn,
        code=business_queries.own_account(reader=reader).account.credit_code,
        names={cell.group: cell.department for cell in drawn.cells},
        browser_verifier_sha256=browser_verifier_sha256(),
        browser_verifier_name=FILE_NAME,
    )


@bp.route("/public/checks/<token>/draw", methods=["POST"])
@public
@limited
def own_draw(token: str) -> ResponseReturnValue:
    """本户抽取核验, with the business code: the business's row of the draw its check came from, and its salt."""
    return holder_page(
        token,
        "draw",
        record_commands.code_draw,
        lambda drawn: render_template("business_record/code_draw.html", drawn=drawn, token=token),
    )


@bp.route("/business/rectifications/<int:follow_up_id>", methods=["GET", "POST"])
@requires(Permission.BUSINESS_SIGNED_IN)
def rectification(follow_up_id: int) -> ResponseReturnValue:
    """A rectification order of the record (责令改正): what to correct and by when, the answers given and the
    department's review of each, and — while the order allows it — the form to answer, with text and files."""
    reader = acting_user()
    form, errors = AnswerForm(), {}
    if form.validate_on_submit():
        data = {
            "text": form.text.data,
            "files": [(f.stream, f.filename) for f in request.files.getlist("files") if f and f.filename],
        }
        answered = attempt(
            record_commands.answer_rectification, follow_up_id, data, actor=reader, refusals=WITH_FORBIDDEN
        )
        if answered.ok:
            flash(
                _("Your answer is sent. The department reviews it; its decision shows here and on your record.")
                if not answered.result.late
                else _("Your answer is sent after the deadline and is counted as late. The department reviews it.")
            )
            return redirect(url_for("business_record_pages.rectification", follow_up_id=follow_up_id))
        errors = answered.errors
        if not answered.invalid:
            form.form_errors.append(user_message(answered.refusal))
    order = record_queries.own_order(follow_up_id, reader=reader)
    return render_template(
        "business_record/rectification.html",
        order=order,
        form=form,
        errors=errors,
        fields=summary_fields(form),
        answer_labels=ANSWER_STATUS_LABELS,
    ), (422 if errors or form.form_errors else 200)


#: The acts of a check of the record (:data:`spotcheck.tenants.business_record.policy.RECORD_ACTS`): the command the
#: code's page calls for each, the form's fields, and what the business reads once it is done.
ACTS: dict[str, tuple[Callable[..., object], tuple[str, ...], str]] = {
    "confirm": (results.confirm_visit, (), _l("You confirmed that the team came. The record shows it.")),
    "ask_recusal": (
        results.request_recusal,
        ("cert_no", "reason"),
        _l("The request is sent. The decision shows on your record, under your requests."),
    ),
    "evaluate": (
        supervision.evaluate_visit,
        ("satisfaction", "text"),
        _l("The evaluation is sent to the justice bureau. Thank you. It shows on your record."),
    ),
    "complain": (
        supervision.complain,
        ("text", "contact_name", "contact_phone"),
        _l(
            "The complaint is sent to the justice bureau, which will contact the person named. Its answer shows on "
            "your record."
        ),
    ),
}


def _check_page(check_id: int, status: int = 200, **shown: object) -> ResponseReturnValue:
    reader = acting_user()
    found = attempt(record_queries.own_check, check_id, reader=reader, refusals=(NotFoundError,))
    if not found.ok:
        abort(404)
    record, check = found.result
    return render_template(
        "business_record/check.html",
        record=record,
        check=check,
        act_form=EmptyForm(),
        me=reader,
        satisfaction_labels=SATISFACTION_LABELS,
        text_length=EVALUATION_TEXT_LENGTH,
        form=shown.get("form"),
        errors=shown.get("errors") or {},
        values=shown.get("values") or {},
        refusal=shown.get("refusal"),
    ), status


@bp.route("/business/checks/<int:check_id>")
@requires(Permission.BUSINESS_SIGNED_IN)
def check(check_id: int) -> ResponseReturnValue:
    """A check of the business's record and what the business may do on it now, signed in and with no 企业核验码:
    确认入企, 申请回避, 评价 (once), 投诉 — the code page's acts."""
    return _check_page(check_id)


@bp.route("/business/checks/<int:check_id>/<act>", methods=["POST"])
@requires(Permission.BUSINESS_SIGNED_IN)
def act(check_id: int, act: str) -> ResponseReturnValue:
    """One act on a check of the record (``act``: confirm, ask_recusal, evaluate, complain), by the command the code's
    page calls, the business's person acting; back to the record, which shows its outcome."""
    if act not in ACTS:
        abort(404)
    if not EmptyForm().validate_on_submit():
        return _check_page(check_id, 400, form=act, refusal=_("The form has expired: send it again."))
    reader = acting_user()
    found = attempt(record_queries.own_check, check_id, reader=reader, refusals=(NotFoundError,))
    if not found.ok:
        abort(404)
    token = found.result[1].acts_on  # the code the code page's command is given
    command, fields, done = ACTS[act]
    data = {key: request.form.get(key, "") for key in fields}
    outcome = attempt(command, token, data, actor=reader, refusals=(InvalidInputError, ConflictError, NotFoundError))
    if outcome.ok:
        flash(str(done), "success")
        return redirect(
            url_for("business_record_pages.home", _anchor="record-requests" if act != "confirm" else "record")
        )
    if isinstance(outcome.refusal, NotFoundError):
        abort(404)
    return _check_page(
        check_id,
        422 if outcome.invalid else 409,
        form=act,
        errors=outcome.errors,
        values=data,
        refusal=None if outcome.invalid else user_message(outcome.refusal),
    )
