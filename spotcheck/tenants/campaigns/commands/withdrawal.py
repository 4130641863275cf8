"""Withdrawing a campaign (撤销抽查任务), as commands taking the campaign's id.

* :func:`delete_draft` — the planner deletes a draft (it has no code and was never published);
* :func:`return_draft` — a leader returns a draft to its planner with the reason (退回);
* :func:`cancel` — a leader cancels an approved campaign whose targets are not drawn yet, with the
  reason: it becomes 已撤销, its commitment (and frozen frame) stay published with the reason, and
  no draw can ever follow (:data:`~spotcheck.tenants.campaigns.policy.WITHDRAWN_RULE`).

A campaign whose targets are drawn is never withdrawn: the published draw stands, so that nobody
can cancel a draw whose outcome they dislike and draw again (DESIGN "No draw can be silently
repeated until a wanted outcome").
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.campaigns import inspection_counts, transitions
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.campaigns.vocabulary import REASON_MAX, REASON_MIN, CampaignStatus


def clean_reason(reason: object) -> str:
    """The reason of a return or a withdrawal: required, 4 to 500 characters."""
    reason = (reason if isinstance(reason, str) else "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise InvalidInputError(
            {
                "reason": [
                    _l(
                        "Give the reason (%(low)d to %(high)d characters): it is shown to the "
                        "planner and, for a withdrawal, published.",
                        low=REASON_MIN,
                        high=REASON_MAX,
                    )
                ]
            }
        )
    return reason


@command(Permission.CAMPAIGNS_EDIT)
def delete_draft(campaign_id: int, data: dict | None = None, *, actor: Actor) -> None:
    """The planner deletes a draft: it has no code (未编号), so no number is lost."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "delete")
    details = {"title": campaign.title, "year": campaign.year, "items": [item.code for item in campaign.items]}
    campaign_id = campaign.id
    campaign.items = []
    db.session.flush()
    db.session.delete(campaign)
    db.session.flush()
    audit.record("campaign.deleted", "campaign", campaign_id, actor=actor, details=details)


@command(Permission.CAMPAIGNS_APPROVE)
def return_draft(campaign_id: int, data: dict, *, actor: Actor) -> Campaign:
    """A leader returns a draft to its planner with the reason (退回, ``data["reason"]``), shown on the
    campaign's page until it is approved; the planner changes it and asks again."""
    campaign = get_campaign(campaign_id, for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "return")
    reason = clean_reason((data or {}).get("reason"))
    campaign.returned_at, campaign.returned_by_name, campaign.return_reason = now(), actor.display_name, reason
    audit.record("campaign.returned", "campaign", campaign.id, actor=actor, details={"reason": reason})
    return campaign


def mark_withdrawn(campaign: Campaign, reason: str, actor: Actor, *, by: str) -> None:
    """The campaign is withdrawn (已撤销) with the reason (a step of the withdrawing commands, ``by``)."""
    transitions.move(campaign, CampaignStatus.withdrawn, actor=actor, by=by)
    campaign.withdrawn_at = now()
    campaign.withdrawn_by_name, campaign.withdrawal_reason = actor.display_name, reason


@command(Permission.CAMPAIGNS_APPROVE)
def cancel(campaign_id: int, data: dict, *, actor: Actor) -> Campaign:
    """A leader cancels an approved campaign before its targets are drawn, with the reason
    (``data["reason"]``). The campaign and its draw are locked first: a draw in progress finishes
    before, or is refused after."""
    campaign = get_campaign(campaign_id, for_update=True)
    draw_of(campaign, "targets", for_update=True)
    CAMPAIGN_ACTIONS.require(campaign, actor, "cancel")
    reason = clean_reason((data or {}).get("reason"))
    mark_withdrawn(campaign, reason, actor, by="campaigns.cancel")
    if campaign.named:  # its businesses registered at the approval: counted for nobody now
        inspection_counts.withdrawn(campaign)
    audit.record(
        "campaign.withdrawn", "campaign", campaign.id, actor=actor, details={"code": campaign.code, "reason": reason}
    )
    return campaign
