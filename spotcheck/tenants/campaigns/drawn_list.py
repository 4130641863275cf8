"""抽查对象名单的公布: whether and when the public reads the list of the businesses a random campaign's blinded draw
(盲化抽取, ``spotcheck-draw/3``) selected — by code and name, never beside a stratum, a rank or a team — as the
campaign's rules say (``publish_drawn_list``): never (不公布), once its checks have ended (检查结束后: the last day of
its window past, when no team may arrive any more), or from the inspector freeze on (抽取后), after which no target is
replaced, so that the list has one version (before it, a second version would name who was swapped, and the proof
their stratum). A joint campaign's list follows the least open rule of its departments. Nothing here reads a stratum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from spotcheck.core.clock import local, today
from spotcheck.tenants.campaigns.draw_stages import draw_of, stage
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.rules import rulebook
from spotcheck.tenants.rules.ruleset import Rules
from spotcheck.tenants.rules.vocabulary import DRAWN_LIST_TIMES

#: The rule's key.
KEY = "publish_drawn_list"
#: The times, the least open first.
ORDER = tuple(DRAWN_LIST_TIMES)


@dataclass(frozen=True)
class DrawnList:
    """When a campaign's list of drawn businesses is published (``when``: a code of
    :data:`~spotcheck.tenants.rules.vocabulary.DRAWN_LIST_TIMES`), the rules that say so, and whether it is public
    now (``public``)."""

    when: str
    rules: Rules
    public: bool

    @property
    def words(self) -> str:
        """The time in words: 不公布, 检查结束后, 抽取后."""
        return DRAWN_LIST_TIMES[self.when]

    @property
    def source(self) -> str:
        """Where the rule comes from: the document and article, or the platform default's note."""
        return self.rules.cited[KEY].words


def rules_of_list(campaign: Campaign) -> Rules:
    """The rules that set when the campaign's list is published: its own (kept at its approval); for a joint
    campaign, the least open of the lead's and those of each participating department on its approval day."""
    own = rules_of(campaign)
    if not campaign.joint:
        return own
    on = local(campaign.approved_at).date() if campaign.approved_at is not None else None
    parts = [
        rulebook.rules_for(part["tenant_id"], on)
        for part in (campaign.joint_parts or {}).values()
        if isinstance(part, dict) and part.get("tenant_id")
    ]
    return min([own, *parts], key=lambda rules: ORDER.index(rules.publish_drawn_list))


def drawn_list(campaign: Campaign, *, inspectors_frozen: bool | None = None, on: date | None = None) -> DrawnList:
    """The rule of the campaign's list and whether the list is public on ``on`` (today, Beijing, by default);
    ``inspectors_frozen``: whether its inspector frame is frozen, when the caller has read it (else read here)."""
    rules = rules_of_list(campaign)
    when = rules.publish_drawn_list
    if when == "after_draw":
        if inspectors_frozen is None:
            inspectors_frozen = stage(draw_of(campaign, "inspectors")) in ("frozen", "drawn")
        public = inspectors_frozen
    else:
        public = when == "after_checks" and (on or today()) > campaign.window_end
    return DrawnList(when, rules, public)
