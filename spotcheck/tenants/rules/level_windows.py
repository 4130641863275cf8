"""The rulebooks of the levels over time (各级实施方案的施行期间), as a load checks them: which version of each
region's rulebook is in force on a day, the days on which any of them changes within a window, and the windows in
which a lower scope's versions are in force — so that loading a rulebook re-checks everything below it (and a
department's rules everything above it) on every day they would be in force together."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules import documents, rulebook, rulefile
from spotcheck.tenants.rules.models import RuleVersion


@dataclass(frozen=True)
class _InForce:
    start: date
    version_id: int  # 0: the version being loaded
    document: documents.Document
    version: RuleVersion | None = None  # as stored (None: the version being loaded)


class LevelWindows:
    """Every region's rulebook versions (withdrawn ones left out), by region, in order of their 施行日期 — read
    once per load; :meth:`put` puts the version being loaded in its region's place."""

    def __init__(self, chain: Sequence[int | None]):
        self.chain = tuple(chain)
        self.root = rulebook.levels(None)[0]
        self.by_region: dict[int | None, list[_InForce]] = {}
        rows = db.session.scalars(
            sa.select(RuleVersion)
            .where(RuleVersion.tenant_id.is_(None), RuleVersion.withdrawn.is_(False))
            .order_by(RuleVersion.effective_from, RuleVersion.id)
        )
        for version in rows:
            region = version.region_id if version.region_id is not None else self.root
            self.by_region.setdefault(region, []).append(
                _InForce(version.effective_from, version.id, self.document(version), version)
            )

    @staticmethod
    def document(version: RuleVersion) -> documents.Document:
        return rulefile.from_json(version.content)

    def put(self, region_id: int | None, document: documents.Document, replaced: RuleVersion | None) -> None:
        """The version being loaded, in force from its day in its region (the one it replaces taken out)."""
        own = [v for v in self.by_region.get(region_id, []) if replaced is None or v.version_id != replaced.id]
        own.append(_InForce(document.effective_from, 0, document))
        self.by_region[region_id] = sorted(own, key=lambda v: (v.start, v.version_id == 0))

    def on(self, chain: Sequence[int | None], day: date) -> list[tuple[int, documents.Document]]:
        """The rulebooks in force on ``day`` at the levels ``chain`` (from the root down): one per level that has
        one."""
        found = []
        for region in chain:
            in_force = [v for v in self.by_region.get(region, []) if v.start <= day]
            if in_force:
                found.append((in_force[-1].version_id, in_force[-1].document))
        return found

    def has_own(self, region_id: int | None, day: date) -> bool:
        """Whether region ``region_id`` has a rulebook of its own in force on ``day`` (else it applies the nearest
        level's above)."""
        return bool(self.on((region_id,), day))

    def days(self, start: date, until: date | None) -> list[date]:
        """``start`` and every day within ``[start, until)`` a rulebook of any level takes effect."""
        changes = {v.start for versions in self.by_region.values() for v in versions}
        return sorted({start} | {day for day in changes if day > start and (until is None or day < until)})

    def own(self, region_id: int) -> list[RuleVersion]:
        """A region's rulebook versions as stored (withdrawn ones left out), oldest first."""
        return [v.version for v in self.by_region.get(region_id, []) if v.version is not None]

    @staticmethod
    def departments_below(region_id: int | None) -> list[tuple[int, str, int | None, list[RuleVersion]]]:
        """Every department of the branch of ``region_id`` (None: every department) that has rules of its own:
        its id, name, region and versions (withdrawn ones left out), oldest first — two queries."""
        tenants = sa.select(Tenant.id, Tenant.name, Tenant.region_id)
        if region_id is not None:
            tenants = tenants.join(Region, Region.id == Tenant.region_id).where(regions.in_branch(region_id))
        found: dict[int, tuple[int, str, int | None, list[RuleVersion]]] = {
            row.id: (row.id, row.name, row.region_id, []) for row in db.session.execute(tenants)
        }
        rows = db.session.scalars(
            sa.select(RuleVersion)
            .where(RuleVersion.tenant_id.in_(list(found)), RuleVersion.withdrawn.is_(False))
            .order_by(RuleVersion.effective_from, RuleVersion.id)
        )
        for version in rows:
            found[cast(int, version.tenant_id)][3].append(version)
        return [entry for entry in found.values() if entry[3]]

    @staticmethod
    def regions_below(region_id: int) -> list[Region]:
        """The regions below ``region_id`` (its branch without it), from the top down."""
        return list(
            db.session.scalars(
                sa.select(Region).where(regions.in_branch(region_id), Region.id != region_id).order_by(Region.path)
            )
        )

    def windows(
        self, versions: list[RuleVersion], start: date, until: date | None
    ) -> Iterator[tuple[RuleVersion, date]]:
        """Each of a scope's ``versions`` in force on some day of ``[start, until)``, with each day of the overlap a
        rulebook of any level changes (the overlap's first day included: checking every level's days is exact)."""
        starts = sorted({v.effective_from for v in versions})
        for version in versions:
            ends = min((s for s in starts if s > version.effective_from), default=None)
            if (ends is not None and ends <= start) or (until is not None and version.effective_from >= until):
                continue
            first = max(start, version.effective_from)
            last = min((d for d in (ends, until) if d is not None), default=None)
            for day in self.days(first, last):
                yield version, day
