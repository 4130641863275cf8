"""The size of a draw before it is irreversible (抽取规模预估): before the leader approves and
before the frame is frozen, how many directory entries each stratum holds today under the
campaign's filter and exclusions, and how many visits its rule will draw from them — counted by
the definition the freeze uses (:func:`spotcheck.tenants.campaigns.frames.cell_counts`) and sized
by the engine's own rule (:func:`spotcheck.draw.targets.cell_size`), so the draw then makes these
numbers unless the directory changes before the freeze.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spotcheck.core.clock import today
from spotcheck.draw import targets as target_engine
from spotcheck.tenants.campaigns import frames
from spotcheck.tenants.campaigns.draw_stages import draw_of, stage
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus


@dataclass(frozen=True)
class StratumSize:
    stratum: str
    frame: int  # 抽取范围内的检查对象
    visits: int | None  # 将抽取的户数 (None: no rule for this stratum: the draw would be refused)


@dataclass(frozen=True)
class Sizes:
    strata: list[StratumSize]
    excluded: dict[str, int] = field(default_factory=dict)

    @property
    def frame(self) -> int:
        return sum(row.frame for row in self.strata)

    @property
    def visits(self) -> int:
        return sum(row.visits or 0 for row in self.strata)

    @property
    def without_rule(self) -> list[str]:
        return [row.stratum for row in self.strata if row.visits is None]


def sized(counts: dict[str, int], rules: dict) -> list[StratumSize]:
    """Each stratum's rows and the visits its rule draws from them (the engine's rule)."""
    rows = []
    for stratum, population in counts.items():
        try:
            visits = target_engine.cell_size(rules[stratum], population)
        except (KeyError, ValueError, TypeError):
            visits = None
        rows.append(StratumSize(stratum, population, visits))
    return rows


def planned(campaign: Campaign) -> Sizes | None:
    """The sizes the rules will draw, while they can still change (``None`` once the target frame
    is frozen: its published counts say it then)."""
    if campaign.status not in (CampaignStatus.draft, CampaignStatus.approved) or stage(
        draw_of(campaign, "targets")
    ) in ("frozen", "drawn"):
        return None
    counts, excluded = frames.cell_counts(frames.FramePart.of(campaign), today())
    return Sizes(sized(counts, campaign.strata or {}), dict(sorted(excluded.items())))
