"""The business's own pages (企业首页, ``/business``): its account and its record of checks (企业检查档案) by every
department at every level; a rectification order of the record and the business's answer to it (整改答复,
``/business/rectifications/<id>``). Above the accounts' pages (:mod:`spotcheck.platform.web.businesses`): it reads
both the account and the record."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import MultipleFileField, TextAreaField

from spotcheck.core.errors import user_message
from spotcheck.platform import identity_platform
from spotcheck.platform.identity_platform import BUSINESS
from spotcheck.platform.permissions import Permission, acting_user, public, requires
from spotcheck.platform.web.browser_verifier import FILE_NAME, sha256 as browser_verifier_sha256
from spotcheck.platform.web.forms import WITH_FORBIDDEN, attempt, summary_fields
from spotcheck.platform.web.results.checks import holder_page, limited
from spotcheck.tenants.business_record import commands as record_commands, queries as record_queries
from spotcheck.tenants.businesses import queries as business_queries
from spotcheck.tenants.businesses.vocabulary import PLACE_LABELS, TRAIL_LABELS
from spotcheck.tenants.results.vocabulary import ANSWER_STATUS_LABELS, SATISFACTION_LABELS

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
