"""Each level's rulebook (各级实施方案), as the portal and the API show a region's rules: the regions from the root
down to one, each with its own rulebook (实施方案) in force today, or what applies at a level that has none. Public
data: the same for whoever asks."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.regions.vocabulary import level_label
from spotcheck.tenants.rules.models import RuleVersion
from spotcheck.tenants.rules.queries.versions import region_version

#: What applies at a level without a rulebook of its own: below the root, the levels above; at the root, the
#: national floor alone.
NO_RULEBOOK_BELOW = _l("This level has made no implementation plan of its own: the rules of the levels above apply.")
NO_RULEBOOK_AT_ROOT = _l("This level has made no implementation plan of its own: the national rules apply.")


@dataclass(frozen=True)
class Level:
    """One level of the chain: its region and its own rulebook's version in force (None: it has none)."""

    region: Region
    version: RuleVersion | None

    @property
    def level_name(self) -> str:
        return level_label(self.region.level)

    @property
    def note(self) -> str:
        """What applies here without a rulebook of its own (empty when the level has one)."""
        if self.version is not None:
            return ""
        return str(NO_RULEBOOK_BELOW if self.region.parent_id is not None else NO_RULEBOOK_AT_ROOT)


def region_scope(region: Region | None) -> int | None:
    """How the rules' queries name a level: the root (or no tree) as None, the deployment's; any other region by
    its id."""
    return None if region is None or region.parent_id is None else region.id


def levels(region: Region | None) -> list[Level]:
    """The levels from the root down to ``region`` (none before a tree is loaded), each with its own rulebook."""
    if region is None:
        return []
    return [Level(level, region_version(region_scope(level))) for level in reversed(regions.chain(region.id))]
