"""Withdrawing a campaign (撤销) from its page: the planner deletes a draft, a leader returns a
draft with the reason (退回) or cancels an approved campaign with the reason; the same for a
joint campaign by its lead department. Each button asks for confirmation on the page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, redirect, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import TextAreaField

from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import WITH_FORBIDDEN, EmptyForm, perform
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaign_queries
from spotcheck.tenants.campaigns.queries import Campaign
from spotcheck.tenants.joint import commands as joint_commands, queries as joint_queries

bp = Blueprint("withdrawal_pages", __name__)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))


def _campaign_page(campaign_id: int) -> BaseResponse:
    return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id, _anchor="campaign-withdrawal"))


def _joint_page(campaign_id: int) -> BaseResponse:
    return redirect(url_for("joint_pages.detail", campaign_id=campaign_id, _anchor="campaign-withdrawal"))


@bp.route("/campaigns/<int:campaign_id>/delete", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def delete(campaign_id: int) -> BaseResponse:
    campaign = campaign_queries.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        title = campaign.title
        done = perform(
            campaign_commands.delete_draft,
            campaign.id,
            actor=_user(),
            done=_("The draft “%(title)s” is deleted.", title=title),
            refusals=WITH_FORBIDDEN,
        )
        if done is None:
            return redirect(url_for("campaign_pages.index"))
    return _campaign_page(campaign_id)


def _with_reason(
    campaign: Campaign,
    command: Callable[..., Campaign],
    message: str | Callable[[Campaign], str],
    page: Callable[[int], BaseResponse],
) -> BaseResponse:
    """Run ``command`` (return, cancel or withdraw, each taking ``(id, {"reason": …}, actor=…)``) on
    ``campaign`` and show ``page`` again, with the outcome or the form's error."""
    form = ReasonForm()
    if form.validate_on_submit():
        perform(
            command, campaign.id, {"reason": form.reason.data}, actor=_user(), done=message, refusals=WITH_FORBIDDEN
        )
    return page(campaign.id)


def _cancelled(campaign: Campaign) -> str:
    return _("%(code)s is withdrawn. Its public page says so, with the reason; no draw can follow.", code=campaign.code)


@bp.route("/campaigns/<int:campaign_id>/return", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def return_draft(campaign_id: int) -> BaseResponse:
    return _with_reason(
        campaign_queries.get_campaign(campaign_id),
        campaign_commands.return_draft,
        _("The draft is returned to its planner with the reason."),
        _campaign_page,
    )


@bp.route("/campaigns/<int:campaign_id>/cancel", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def cancel(campaign_id: int) -> BaseResponse:
    return _with_reason(
        campaign_queries.get_campaign(campaign_id), campaign_commands.cancel, _cancelled, _campaign_page
    )


@bp.route("/joint/<int:campaign_id>/withdraw", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def joint_withdraw(campaign_id: int) -> BaseResponse:
    return _with_reason(joint_queries.get_joint(campaign_id), joint_commands.withdraw, _joint_withdrawn, _joint_page)


def _joint_withdrawn(campaign: Campaign) -> str:
    return _("%(code)s is withdrawn; the invited departments see it, with the reason.", code=campaign.code)


@bp.route("/joint/<int:campaign_id>/return", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def joint_return(campaign_id: int) -> BaseResponse:
    return _with_reason(
        joint_queries.get_joint(campaign_id),
        joint_commands.return_joint,
        _("The joint campaign is returned to its coordinator with the reason."),
        _joint_page,
    )


@bp.route("/joint/<int:campaign_id>/cancel", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def joint_cancel(campaign_id: int) -> BaseResponse:
    return _with_reason(joint_queries.get_joint(campaign_id), joint_commands.cancel, _cancelled, _joint_page)
