"""A campaign's transitions (抽查任务状态): once a campaign exists, its status is written here and nowhere
else — by the campaign's own commands and by the joint and results commands that move it (a joint draw, the
hand-out, the first record, the last publication, a correction). Whether a move is allowed is each calling
command's check (:data:`~spotcheck.tenants.campaigns.policy.CAMPAIGN_ACTIONS` and the results' guards)."""

from __future__ import annotations

from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus


def move(campaign: Campaign, to: CampaignStatus) -> None:
    """Move ``campaign`` to status ``to``: the one writer of ``Campaign.status`` after its creation."""
    campaign.status = to
