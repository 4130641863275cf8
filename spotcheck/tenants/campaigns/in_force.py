"""The rules a campaign is under (抽查任务适用的规则): a draft follows the rules in force today; once
approved, a campaign keeps the versions and the national floor in force at its approval for its whole
life — its team size and sampling rules are in its proof, so they never change under it."""

from __future__ import annotations

from spotcheck.core.clock import local
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.rules import rulebook
from spotcheck.tenants.rules.rulebook import Rules


def rules_of(campaign: Campaign) -> Rules:
    """The campaign's rules: those kept at its approval; a campaign approved before the rules were kept
    with it, those in force on its approval day; a draft, today's."""
    approved = local(campaign.approved_at).date() if campaign.approved_at is not None else None
    if campaign.rulebook_version_ids is not None or campaign.department_rules_version_id is not None:
        return rulebook.rules_of(
            tuple(campaign.rulebook_version_ids or ()),
            campaign.department_rules_version_id,
            approved,
            rulebook.region_of_department(campaign.tenant_id),
        )
    if approved is not None:
        return rulebook.rules_for(campaign.tenant_id, approved)
    return rulebook.rules_for(campaign.tenant_id)


def keep_rules(campaign: Campaign) -> None:
    """At approval: keep the chain of versions in force today with the campaign (each level's rulebook, the
    department's 细则)."""
    chain, campaign.department_rules_version_id = rulebook.chain_ids(campaign.tenant_id)
    campaign.rulebook_version_ids = list(chain)
