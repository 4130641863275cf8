"""Notices (文书) and the inbox (站内消息): each person's messages with their unread count, the
documents a person may read as PDF downloads, a campaign's documents, the department's delivery
log (送达记录). Every change is a command."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.core import storage
from spotcheck.core.personal_data import mask_contact
from spotcheck.core.text import whole_number
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, perform, requested_page
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.common.queries import paginate
from spotcheck.tenants.notices import commands as notice_commands, queries as notice_queries

bp = Blueprint("notice_pages", __name__)

PER_PAGE = 30


@bp.route("/inbox")
@requires(Permission.SIGNED_IN)
def inbox() -> ResponseReturnValue:
    """站内消息: the newest first, unread ones marked."""
    page = paginate(
        notice_queries.inbox_query(_user()), page=requested_page() or 1, per_page=PER_PAGE, make=lambda row: row[0]
    )
    return render_template("notices/inbox.html", page=page, form=EmptyForm())


@bp.route("/inbox/read", methods=["POST"])
@requires(Permission.SIGNED_IN)
def mark_read() -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        raw = request.form.get("message_id", "")
        one = whole_number(raw)  # no number: every message; a number no message can have: none
        perform(
            notice_commands.mark_read,
            None if raw == "" else [one] if one is not None else [],
            actor=_user(),
            done=_("Marked as read."),
        )
    return redirect(url_for("notice_pages.inbox"))


@bp.route("/notices/<int:notice_id>.pdf")
@requires(Permission.SIGNED_IN)
def download(notice_id: int) -> ResponseReturnValue:
    """A document as PDF, for those who may read it (404 for anyone else, as for a missing one)."""
    notice = notice_queries.notice_for(notice_id, _user())
    return downloads.pdf(storage.path(notice.storage_key), f"{notice.number}.pdf")


@bp.route("/campaigns/<int:campaign_id>/notices")
@requires(Permission.CAMPAIGNS_VIEW)
def of_campaign(campaign_id: int) -> ResponseReturnValue:
    """A campaign's documents: inspection notices, assignment notices, result announcements."""
    campaign = campaigns.get_campaign(campaign_id)
    return render_template(
        "notices/campaign.html",
        campaign=campaign,
        form=EmptyForm(),
        notices=notice_queries.notices_of_campaign(campaign, _user()),
        jobs=notice_queries.jobs_of_campaign(campaign, _user()),
    )


@bp.route("/campaigns/<int:campaign_id>/notices/retry", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def retry(campaign_id: int) -> ResponseReturnValue:
    """Write the documents again after their job failed; only the missing ones are written."""
    campaign = campaigns.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        perform(
            notice_commands.retry_campaign_notices,
            campaign.id,
            actor=_user(),
            done=_("The documents are being written again; the progress is shown below."),
        )
    return redirect(url_for("notice_pages.of_campaign", campaign_id=campaign_id))


@bp.route("/campaigns/<int:campaign_id>/announcement", methods=["POST"])
@requires(Permission.RESULTS_PUBLISH)
def announce(campaign_id: int) -> ResponseReturnValue:
    campaign = campaigns.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        perform(
            notice_commands.request_announcement,
            campaign,
            actor=_user(),
            done=_("The result announcement is being written; it appears below when it is ready."),
            refusals=BAD_INPUT,
        )
    return redirect(url_for("notice_pages.of_campaign", campaign_id=campaign_id))


@bp.route("/notices/deliveries")
@requires(Permission.USERS_MANAGE)
def deliveries() -> ResponseReturnValue:
    """送达记录: every message sent to the department's people, by channel, with its tries."""
    page = paginate(notice_queries.deliveries_query(), page=requested_page() or 1, per_page=50, make=lambda row: row[0])
    return render_template("notices/deliveries.html", page=page, masked=mask_contact)
