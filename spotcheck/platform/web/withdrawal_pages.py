"""Withdrawing a campaign (撤销) from its page: the planner deletes a draft, a leader returns a
draft with the reason (退回) or cancels an approved campaign with the reason; the same for a
joint campaign by its lead department. Each button asks for confirmation on the page."""
from __future__ import annotations

from flask import Blueprint, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from spotcheck.core.errors import Conflict, Forbidden, ValidationFailed
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm, perform
from spotcheck.tenants.campaigns import services, withdrawal
from spotcheck.tenants.joint import services as joint_services, withdrawal as joint_withdrawal

bp = Blueprint("withdrawal_pages", __name__)

REFUSALS = (ValidationFailed, Conflict, Forbidden)


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))


def _user():
    return current_user._get_current_object()


def _campaign_page(campaign_id: int):
    return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id, _anchor="campaign-withdrawal"))


def _joint_page(campaign_id: int):
    return redirect(url_for("joint_pages.detail", campaign_id=campaign_id, _anchor="campaign-withdrawal"))


@bp.route("/campaigns/<int:campaign_id>/delete", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def delete(campaign_id):
    campaign = services.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        title = campaign.title
        done = perform(lambda: withdrawal.delete_draft(campaign, actor=_user()),
                       _("The draft “%(title)s” is deleted.", title=title), refusals=REFUSALS)
        if done is None:
            return redirect(url_for("campaign_pages.index"))
    return _campaign_page(campaign_id)


@bp.route("/campaigns/<int:campaign_id>/return", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def return_draft(campaign_id):
    campaign, form = services.get_campaign(campaign_id), ReasonForm()
    if form.validate_on_submit():
        perform(lambda: withdrawal.return_draft(campaign, form.reason.data, actor=_user()),
                _("The draft is returned to its planner with the reason."), refusals=REFUSALS)
    return _campaign_page(campaign_id)


@bp.route("/campaigns/<int:campaign_id>/cancel", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def cancel(campaign_id):
    campaign, form = services.get_campaign(campaign_id), ReasonForm()
    if form.validate_on_submit():
        perform(lambda: withdrawal.cancel(campaign, form.reason.data, actor=_user()),
                lambda c: _("%(code)s is withdrawn. Its public page says so, with the reason; no draw can follow.",
                            code=c.code), refusals=REFUSALS)
    return _campaign_page(campaign_id)


@bp.route("/joint/<int:campaign_id>/withdraw", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def joint_withdraw(campaign_id):
    campaign, form = joint_services.get_joint(campaign_id), ReasonForm()
    if form.validate_on_submit():
        perform(lambda: joint_withdrawal.withdraw(campaign, form.reason.data, actor=_user()),
                lambda c: _("%(code)s is withdrawn; the invited departments see it, with the reason.", code=c.code),
                refusals=REFUSALS)
    return _joint_page(campaign_id)


@bp.route("/joint/<int:campaign_id>/return", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def joint_return(campaign_id):
    campaign, form = joint_services.get_joint(campaign_id), ReasonForm()
    if form.validate_on_submit():
        perform(lambda: joint_withdrawal.return_joint(campaign, form.reason.data, actor=_user()),
                _("The joint campaign is returned to its coordinator with the reason."), refusals=REFUSALS)
    return _joint_page(campaign_id)


@bp.route("/joint/<int:campaign_id>/cancel", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def joint_cancel(campaign_id):
    campaign, form = joint_services.get_joint(campaign_id), ReasonForm()
    if form.validate_on_submit():
        perform(lambda: joint_withdrawal.cancel(campaign, form.reason.data, actor=_user()),
                lambda c: _("%(code)s is withdrawn. Its public page says so, with the reason; no draw can follow.",
                            code=c.code), refusals=REFUSALS)
    return _joint_page(campaign_id)
