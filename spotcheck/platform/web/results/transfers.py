"""Transfers received (移送接收): what other departments transferred to this one — only what they
sent, copied into the transfer — and its acknowledgement (签收). Every change is a command; the
acknowledge button is shown only where the transfer allows it."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from spotcheck.core.errors import NotFoundError
from spotcheck.core.text import whole_numbers
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import WITH_FORBIDDEN, EmptyForm, perform
from spotcheck.tenants.notices import queries as notice_queries
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.policy import FOLLOW_UP_ACTIONS
from spotcheck.tenants.results.queries import FollowUp, follow_ups

bp = Blueprint("transfer_pages", __name__, url_prefix="/transfers")


def _received(follow_up_id: int) -> FollowUp:
    """A transfer this department received; anything else (its own follow-ups included) is 404."""
    follow_up = follow_ups.get_follow_up(follow_up_id)
    if follow_up.receiver_tenant_id != current_user.tenant_id:
        raise NotFoundError(_("No such transfer."))
    return follow_up


@bp.route("")
@requires(Permission.TRANSFERS_RECEIVE)
def index() -> str:
    """移送接收: the transfers received, those to acknowledge first."""
    return render_template("results/transfers/list.html", rows=follow_ups.received(), form=EmptyForm())


@bp.route("/acknowledge", methods=["POST"])
@requires(Permission.TRANSFERS_RECEIVE)
def acknowledge_many() -> BaseResponse:
    """签收 of the transfers ticked on the list, with one note: all or nothing."""
    ids = whole_numbers(request.form.getlist("ids"))
    if EmptyForm().validate_on_submit():
        perform(
            results.acknowledge_transfers,
            ids,
            {"note": request.form.get("note", "")},
            actor=current_user._get_current_object(),
            done=_acknowledged,
            refusals=(*WITH_FORBIDDEN, NotFoundError),
        )
    return redirect(url_for("transfer_pages.index"))


def _acknowledged(transfers: list[FollowUp]) -> str:
    return _("%(n)d transfers acknowledged; the sending departments see it.", n=len(transfers))


@bp.route("/<int:follow_up_id>")
@requires(Permission.TRANSFERS_RECEIVE)
def detail(follow_up_id: int) -> str:
    follow_up = _received(follow_up_id)
    return render_template(
        "results/transfers/detail.html",
        transfer=follow_up,
        form=EmptyForm(),
        letter=notice_queries.letter_of(follow_up),
        actions=FOLLOW_UP_ACTIONS.allowed(follow_up, current_user._get_current_object()),
    )


@bp.route("/<int:follow_up_id>/acknowledge", methods=["POST"])
@requires(Permission.TRANSFERS_RECEIVE)
def acknowledge(follow_up_id: int) -> BaseResponse:
    follow_up = _received(follow_up_id)
    if EmptyForm().validate_on_submit():
        perform(
            results.acknowledge_transfer,
            follow_up.id,
            {"note": request.form.get("note", "")},
            actor=current_user._get_current_object(),
            done=_("The transfer is acknowledged; the sending department sees it."),
            refusals=WITH_FORBIDDEN,
        )
    return redirect(url_for("transfer_pages.detail", follow_up_id=follow_up_id))
