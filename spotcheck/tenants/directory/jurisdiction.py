"""管辖 (jurisdiction): a department acts only on the businesses located in its own region or in a region below it
(its branch: 辖区). The rule is by place, the national floor's ``jurisdiction_by_place`` (《中华人民共和国行政处罚法》
第二十二条: 行政处罚由违法行为发生地的行政机关管辖), read from the rules in force and cited by every refusal.

The one answer to "does department D reach business B" is :func:`reaches` (and, for many codes at once — an import's
rows, the operator's check — :meth:`Jurisdiction.holds_each`, the same test): the directory (``add_entry``), the named
checks, the registry's edits (``create_entity``, ``update_entity``) and the directory import ask it, and a random
frame, drawn from the directory, follows.

* A business's places: its registered region code, and each of its operating places (一照多址, :class:`OperatingPlace`).
  A department reaches it when any place lies in its branch; its yearly cap stays with the registered region.
* A place's region: the deepest region of the tree its code lies in; a code outside the tree lies at the root (as
  :func:`spotcheck.tenants.campaigns.inspection_counts.region_of` counts it), so only the root's departments reach it.
* Up and across are refused; the refusal names the business's place, the department's and the rule.
* Moving a business (a change of its registered region code) takes an editor whose branch holds both the old place
  and the new: otherwise the market-regulation lead of their lowest common level, or of the nearest level above it
  that has one, does it (:func:`mover`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.accounts.queries import nearest_of_kind
from spotcheck.tenants.directory.models import Entity, OperatingPlace
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules.rulebook import Rules, rules_for

#: The rule's key in the rules (the national floor: 行政处罚法第二十二条).
RULE = "jurisdiction_by_place"


def locations(entity: Entity) -> list[str]:
    """A business's places: its registered region code, then its operating places' (一照多址)."""
    places = db.session.scalars(
        sa.select(OperatingPlace.region_code).where(OperatingPlace.entity_id == entity.id).order_by(OperatingPlace.id)
    )
    return [entity.region_code, *places]


@dataclass
class Jurisdiction:
    """A department's branch, as the rule reads it: its region, the rules in force, the places already judged."""

    department: Tenant
    rules: Rules
    _held: dict[str, bool] = field(default_factory=dict)
    _places: dict[str, Region | None] = field(default_factory=dict)

    @property
    def region(self) -> Region:
        return self.department.region

    def place(self, code: str) -> Region | None:
        """The region a place's code lies in: the deepest of the tree, the root for a code outside it."""
        if code not in self._places:
            self._places[code] = regions.containing(code) or regions.root()
        return self._places[code]

    def holds(self, code: str) -> bool:
        """Whether a place of region code ``code`` lies in the department's branch — the rule (off only where the
        rules in force do not hold it)."""
        if code not in self._held:
            place = self.place(code)
            self._held[code] = (
                not self.rules.jurisdiction_by_place or place is None or place.path.startswith(self.region.path)
            )
        return self._held[code]

    def holds_each(self, codes: Iterable[str]) -> set[str]:
        """Of ``codes``, those :meth:`holds` — the tree read once for them all (an import's thousand rows)."""
        wanted = {code for code in codes if code not in self._held}
        if wanted:
            found = regions.containing_each(wanted)
            root = regions.root() if None in found.values() else None
            for code, region in found.items():
                self._places[code] = region or root
        return {code for code in set(codes) if self.holds(code)}

    def reached_by_places(self) -> set[str]:
        """The codes of the businesses the department reaches through an operating place alone (一照多址) — those an
        import's row, judged by its registered place, still reaches. The places' distinct codes read once."""
        codes = self.holds_each(db.session.scalars(sa.select(OperatingPlace.region_code).distinct()))
        if not codes:
            return set()
        return set(
            db.session.scalars(
                sa.select(Entity.code)
                .join(OperatingPlace, OperatingPlace.entity_id == Entity.id)
                .where(OperatingPlace.region_code.in_(sorted(codes)))
            )
        )

    def reaches(self, entity: Entity) -> bool:
        """Whether the department reaches ``entity``: any of its places in the branch."""
        return any(self.holds(code) for code in locations(entity))

    def place_name(self, code: str) -> str:
        """A place in words: 宁安市宁安镇; a code outside the tree says so: 区划树之外（110101）."""
        found = regions.located(code)
        if not found:
            return f"区划树之外（{code}）"
        return "".join(region.name for region in found)

    def refusal(self, entity_name: str, code: str) -> str:
        """Why the department may not act on a business of place ``code``: both places and the rule in force."""
        return (
            f"{self.rules.under(RULE)}部门只管辖本区划及其下级区划内的检查对象：{entity_name}位于"
            f"{self.place_name(code)}，不在{self.department.full_name}的辖区（{self.region.name}及其下级区划）内。"
        )


def of_department(tenant_id: int) -> Jurisdiction:
    """Department ``tenant_id``'s branch, as the rule reads it."""
    department = db.session.get(Tenant, tenant_id)
    if department is None:
        raise LookupError(f"no department {tenant_id}")
    return Jurisdiction(department, rules_for(tenant_id))


def reaches(tenant_id: int, entity: Entity) -> bool:
    """Whether department ``tenant_id`` reaches business ``entity`` (管辖): its registered place or an operating place
    lies in the department's region or a region below it."""
    return of_department(tenant_id).reaches(entity)


def refused(tenant_id: int, entity: Entity) -> str | None:
    """Why department ``tenant_id`` may not act on ``entity``, citing the rule (None: it reaches it)."""
    jurisdiction = of_department(tenant_id)
    return None if jurisdiction.reaches(entity) else jurisdiction.refusal(entity.name, entity.region_code)


def common_level(first: str, second: str) -> Region | None:
    """The lowest region both places lie in (their lowest common level; the root for a place outside the tree)."""
    a, b = (regions.containing(code) or regions.root() for code in (first, second))
    if a is None or b is None:
        return None
    shared = [code for code, other in zip(a.codes, b.codes, strict=False) if code == other]
    return regions.by_code(shared[-1]) if shared else regions.root()


def mover(first: str, second: str) -> Tenant | None:
    """Who moves a business between the places ``first`` and ``second``: the market-regulation lead of their
    lowest common level, or of the nearest level above it that has one (海林市 has none: 牡丹江市's)."""
    level = common_level(first, second)
    return nearest_of_kind(TenantKind.lead, level.id) if level is not None else None


def move_refusal(tenant_id: int, entity_name: str, old: str, new: str) -> str | None:
    """Why department ``tenant_id`` may not move a business from place ``old`` to ``new`` (None: both lie in its
    branch): the place outside it, and who does it instead."""
    jurisdiction = of_department(tenant_id)
    outside = next((code for code in (new, old) if not jurisdiction.holds(code)), None)
    if outside is None:
        return None
    lead = mover(old, new)
    by = f"由{lead.full_name}办理" if lead is not None else "由共同上级的市场监督管理部门办理"
    return (
        f"{jurisdiction.rules.under(RULE)}住所只能在本部门辖区内迁移：{entity_name}由{jurisdiction.place_name(old)}"
        f"迁往{jurisdiction.place_name(new)}，{jurisdiction.place_name(outside)}不在{jurisdiction.department.full_name}"
        f"的辖区（{jurisdiction.region.name}及其下级区划）内，{by}。"
    )
