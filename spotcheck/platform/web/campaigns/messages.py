"""What the campaign pages say when a command of the ceremony or of the target list succeeded
(functions of the command's result, for :func:`spotcheck.platform.web.forms.perform`)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

from spotcheck.tenants.campaigns.queries import Campaign, CampaignTarget, TeamMember


def approved(campaign: Campaign) -> str:
    if campaign.named:
        return _(
            "Check %(code)s approved: its businesses are registered, and the commitment of the inspector draw is "
            "published.",
            code=campaign.code,
        )
    return _("Campaign %(code)s approved. The commitment of the target draw is published.", code=campaign.code)


def target_replaced(incoming: CampaignTarget) -> str:
    return _(
        "Replaced by %(name)s (%(code)s), the next reserve of the stratum.",
        name=incoming.entity.name,
        code=incoming.entity.code,
    )


def member_replaced(new: TeamMember) -> str:
    return _(
        "Replaced by %(name)s (%(cert)s), the next eligible inspector of the ranking.",
        name=new.inspector.name,
        cert=new.inspector.cert_no,
    )


def replaced_everywhere(new: list[TeamMember]) -> str:
    return _("%(n)d visits have a new member, each the next eligible inspector of its ranking.", n=len(new))


def leader_named(member: TeamMember) -> str:
    return _("%(name)s is the team leader for %(entity)s.", name=member.inspector.name, entity=member.entity.name)


def leaders_named(done: Mapping[str, object]) -> str:
    return _("Team leaders named: %(named)d by the rule “%(rule)s”; %(kept)d kept.", **done)
