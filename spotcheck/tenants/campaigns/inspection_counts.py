"""每户企业年度检查次数 (国办发〔2024〕54号: 合理确定年度检查频次上限): how often each business is drawn for an
on-site check in a year, across departments and levels, and the yearly cap that leaves it out of later frames.

What counts: a selected, unreplaced target of a campaign of the year whose method is on-site; a joint campaign counts
once per business, however many departments drew it. The register (:class:`~.models.InspectionCount`) is written
by the target draw and by a replacement, and read by every department's frame, whatever its level. Two caps:

- the business's yearly cap (``inspection_cap``) is the one **its own region's** rules set — the region its registry
  code lies in (:func:`spotcheck.tenants.regions.queries.containing`; outside the tree, the root), its rules
  :func:`~spotcheck.tenants.rules.rulebook.rules_for_region` on the campaign's approval day — with the kinds of check
  those rules leave out of it (``cap_exempt_kinds``, read against the register's ``kind``): a city department's
  visit and a county department's both count under the county's rules;
- a department's own cap (``department_inspection_cap``) is the drawing department's rules', counting its own
  draws (``counts``: not of a kind its rules exempt).

A business at either is left out at the freeze with the reason ``cap``, and the frame publishes the list of those
businesses, each with the cap reached and the rule that sets it, and the campaigns whose draws count for it with
the department and level of each — what anyone can recompute from the published target proofs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from spotcheck.core.clock import local, today
from spotcheck.core.database import among, db, one_of
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, InspectionCount, TargetStatus
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.regions.vocabulary import LEVEL_NAMES, RegionLevel
from spotcheck.tenants.rules.parameters import BY_KEY
from spotcheck.tenants.rules.rulebook import Rules, rules_for_region

#: The frame's exclusion reason of a business at its yearly cap.
CAPPED = "cap"
#: The caps, as the rules name them: every department's checks together (the business's region's), and the
#: department's own (the drawing department's).
CAPS = ("inspection_cap", "department_inspection_cap")
TOTAL, OWN = CAPS
#: Not said: a register row's kind is the campaign's (:func:`kind_of`).
_CAMPAIGNS = object()


def cap_line(rules: Rules, key: str) -> str:
    """One cap ``rules`` set, with its value and the document and article that set it:
    ``每户企业每年涉企行政检查次数上限：3次（《宁安市……实施方案》第5条）`` (empty where no cap is set)."""
    if rules.values[key] is None:
        return ""
    return f"{BY_KEY[key].label}：{rules.say(key)}" + (f"（{rules.cite(key)}）" if rules.cite(key) else "")


def cap_lines(rules: Rules) -> list[str]:
    """The yearly caps ``rules`` set, each with its value and the document and article that set it:
    ``每户企业每年涉企行政检查次数上限：3次（《宁安市……实施方案》第5条）`` (none where no cap is set)."""
    return [line for line in (cap_line(rules, key) for key in CAPS) if line]


def counted_as(campaign: Campaign) -> str:
    """The key a campaign's draws count under: a joint campaign's parts count once, as the joint campaign."""
    if campaign.joint:
        return f"joint:{campaign.id}"
    return f"joint:{campaign.joint_id}" if campaign.joint_id else f"campaign:{campaign.id}"


def kind_of(campaign: Campaign, cause: str | None = None) -> str | None:
    """The register's kind of a check of ``campaign``: None for an off-site check (it never counts); else the
    campaign's exempt kind, or for a named check's target (特定对象检查) its ``cause`` (``""``: none)."""
    if campaign.method != "onsite":
        return None
    return cause if cause is not None else (campaign.exempt_kind or "")


def counts_toward_cap(campaign: Campaign, cause: str | None = None) -> bool:
    """Toward the department's own cap: an on-site check not of a kind the campaign's rules leave out of the cap
    (事故、检验不合格、投诉举报、上级部署 by default) — the campaign's exempt kind, or for a named check's target its
    ``cause``. (Toward a business's yearly cap, its region's rules say: :func:`standing`.)"""
    kind = kind_of(campaign, cause)
    return kind is not None and kind not in rules_of(campaign).cap_exempt_kinds


def day_of(campaign: Campaign) -> date:
    """The day whose rules set the caps of ``campaign``'s businesses: its approval's (a draft: today)."""
    return local(campaign.approved_at).date() if campaign.approved_at is not None else today()


# --- the business's region and its cap --------------------------------------------------------------------


def region_of(code: str) -> Region | None:
    """A business's region: the deepest region of the tree its registry code lies in; outside the tree, the root
    (None: no tree)."""
    return regions.containing(code) or regions.root()


def rules_of_business(code: str, on: date) -> tuple[Region | None, Rules]:
    """The region of a business of registry code ``code`` and its rules on ``on`` (those that set its yearly cap)."""
    region = region_of(code)
    return region, rules_for_region(region.id if region is not None else None, on)


def rules_of_businesses(codes: Iterable[str], on: date) -> dict[str, tuple[Region | None, Rules]]:
    """:func:`rules_of_business` of each registry code, the tree read once."""
    found = regions.containing_each(codes)
    root = regions.root() if None in found.values() else None
    return {
        code: (place, rules_for_region(place.id if place is not None else None, on))
        for code, region in found.items()
        for place in [region or root]
    }


def code_prefix(code: str) -> str:
    """What every registry code lying in region ``code`` starts with (as
    :func:`spotcheck.tenants.regions.queries.codes_containing` reads them): a province's first two digits, a city's
    four, a county's six, a town's nine or twelve."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


#: A yearly cap as a class of businesses: the cap (None: none) and the kinds left out of it.
CapClass = tuple[int | None, frozenset[str]]


@dataclass(frozen=True)
class TreeCaps:
    """The businesses' yearly caps across the tree on a day: the distinct caps (the root's first), and the regions
    whose cap differs from the region's above, as the start of the codes lying in them, the deepest first — a
    business takes the cap of the first its code starts with, else the root's."""

    classes: tuple[CapClass, ...]
    prefixes: tuple[tuple[str, int], ...]

    def index_of(self, code: str) -> int:
        """The index in :attr:`classes` of the cap of a business of registry code ``code``."""
        return next((index for prefix, index in self.prefixes if (code or "").startswith(prefix)), 0)

    def class_of(self, code: sa.SQLColumnExpression[str]) -> sa.ColumnElement[int]:
        """SQL: the index in :attr:`classes` of the cap of a business of registry code ``code``."""
        if not self.prefixes:
            return sa.literal(0)
        return sa.case(*[(code.startswith(prefix), index) for prefix, index in self.prefixes], else_=0)


def tree_caps(on: date) -> TreeCaps:
    """The yearly caps the regions' rules set on ``on`` (:class:`TreeCaps`), one rules look-up a region."""
    root = rules_for_region(None, on)
    classes: list[CapClass] = [(root.inspection_cap, root.cap_exempt_kinds)]
    prefixes: list[tuple[str, int]] = []
    effective: dict[int, int] = {}
    for region in db.session.scalars(sa.select(Region).order_by(Region.path)):
        rules = rules_for_region(region.id, on)
        value = (rules.inspection_cap, rules.cap_exempt_kinds)
        if value not in classes:
            classes.append(value)
        index = classes.index(value)
        effective[region.id] = index
        if index != (effective.get(region.parent_id, 0) if region.parent_id is not None else 0):
            prefixes.append((code_prefix(region.code), index))
    return TreeCaps(tuple(classes), tuple(sorted(prefixes, key=lambda p: (-len(p[0]), p[0]))))


def level_label(name: str, region: Region | None) -> str:
    """A department as a cap list names it, with its level: ``上城区应急管理局（上城区，县级）``."""
    if region is None:
        return name
    return f"{name}（{region.name}，{LEVEL_NAMES[RegionLevel(region.level)]}级）"


def level_labels(tenant_ids: Iterable[int]) -> dict[int, str]:
    """Departments named with their level (:func:`level_label`), by id: one query."""
    wanted = set(tenant_ids)
    if not wanted:
        return {}
    return {
        tenant_id: level_label(name, region)
        for tenant_id, name, region in db.session.execute(
            sa.select(Tenant.id, Tenant.name, Region)
            .outerjoin(Region, Region.id == Tenant.region_id)
            .where(one_of(Tenant.id, wanted))
        )
    }


def record(
    campaign: Campaign,
    entity_ids: Iterable[int],
    department_id: int,
    *,
    counts: bool | None = None,
    kind: str | object | None = _CAMPAIGNS,
    withheld: bool = False,
) -> None:
    """Count ``campaign``'s draw of ``entity_ids`` for the department that drew them (a business already
    counted for it under the same key is left as it is). ``counts``: toward the department's own cap — for a joint
    campaign, as the department's own part says (:func:`counts_toward_cap` of the part); ``kind``: the check's
    (:func:`kind_of`; by default the campaign's)."""
    key = counted_as(campaign)
    wanted = set(entity_ids)
    if not wanted:
        return
    known = set(
        db.session.scalars(
            sa.select(InspectionCount.entity_id).where(
                InspectionCount.counted_as == key,
                InspectionCount.department_id == department_id,
                one_of(InspectionCount.entity_id, wanted),
            )
        )
    )
    counted = counts_toward_cap(campaign) if counts is None else counts
    rows = [
        {
            "entity_id": entity_id,
            "year": campaign.year,
            "counted_as": key,
            "campaign_code": campaign.code or "",
            "department_id": department_id,
            "counts": counted,
            "kind": kind_of(campaign) if kind is _CAMPAIGNS else kind,
            "withheld": withheld,
        }
        for entity_id in sorted(wanted - known)
    ]
    if rows:
        db.session.execute(sa.insert(InspectionCount), rows)


def record_drawn(campaign: Campaign) -> None:
    """After a department's own target draw: its selected targets, counted in one statement (a draw of a
    province's registry selects a hundred thousand). A campaign draws its targets once, so nothing is counted
    under its key yet (the register's unique key would refuse a second count): no look-up of what is there —
    which, planned while the drawn rows were new to the statistics, went through the rows the statement was
    writing for every row it read (17 s for 14,000 targets)."""
    key, kind = counted_as(campaign), kind_of(campaign)
    drawn = sa.select(
        CampaignTarget.entity_id,
        sa.literal(campaign.year),
        sa.literal(key),
        sa.literal(campaign.code or ""),
        sa.literal(campaign.tenant_id),
        sa.literal(counts_toward_cap(campaign)),
        sa.literal(kind, sa.String(32)) if kind is not None else sa.null(),
        sa.false(),
    ).where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
    db.session.execute(
        sa.insert(InspectionCount).from_select(
            ["entity_id", "year", "counted_as", "campaign_code", "department_id", "counts", "kind", "withheld"], drawn
        )
    )


def disclosed(campaign: Campaign) -> None:
    """A named check disclosed: its counts are read by the frames frozen from now on."""
    db.session.execute(
        sa.update(InspectionCount).where(InspectionCount.counted_as == counted_as(campaign)).values(withheld=False)
    )


def withdrawn(campaign: Campaign) -> None:
    """A named check withdrawn before its visits were handed out: it counts for nobody."""
    db.session.execute(sa.delete(InspectionCount).where(InspectionCount.counted_as == counted_as(campaign)))


def replaced(campaign: Campaign, out_entity_id: int, in_entity_id: int, department_id: int) -> None:
    """A target replaced: the business left no longer counts for this campaign, the one drawn instead does
    (as the business replaced did)."""
    out = db.session.scalar(
        sa.select(InspectionCount).where(
            InspectionCount.counted_as == counted_as(campaign),
            InspectionCount.entity_id == out_entity_id,
            InspectionCount.department_id == department_id,
        )
    )
    counts, kind = (out.counts, out.kind) if out is not None else (None, _CAMPAIGNS)
    if out is not None:
        db.session.delete(out)
        db.session.flush()
    record(campaign, [in_entity_id], department_id, counts=counts, kind=kind)


def _counted(year: int, key: str, *, withheld: bool) -> sa.Select[int]:
    """The register's rows of ``year`` other than ``key``'s own (``withheld``: a named check not disclosed yet too)."""
    counted = sa.select(InspectionCount.entity_id).where(
        InspectionCount.year == year, InspectionCount.counted_as != key
    )
    return counted if withheld else counted.where(InspectionCount.withheld.is_(False))


def _reaching(counted: sa.Select[int], cap: int) -> sa.Select[int]:
    """The businesses of the register's rows ``counted`` whose distinct keys reach ``cap``: grouped by business and
    key, then by business — the rows come so from the register's index, and each grouping goes through them once
    (``count(DISTINCT …)`` sorted each business's rows again: 0.9 s against 0.26 s for a province's million)."""
    keys = (
        counted.add_columns(InspectionCount.counted_as)
        .group_by(InspectionCount.entity_id, InspectionCount.counted_as)
        .subquery()
    )
    return sa.select(keys.c.entity_id).group_by(keys.c.entity_id).having(sa.func.count() >= cap)


def _at_total(caps: TreeCaps, kind: str, year: int, key: str, *, withheld: bool) -> list[tuple[int, sa.Select[int]]]:
    """SQL, one statement a cap of the tree: the businesses whose checks reach that cap, for a check of ``kind`` (a
    cap whose rules leave ``kind`` out: none), each with the index of the cap in ``caps`` — at their yearly cap are
    those of the regions under that cap (:func:`_cap_condition`). The register alone is read, grouped by business
    (from its index ``ix_inspection_count_counting`` on PostgreSQL): joined to the registry for each business's
    region, a province's million rows were a million look-ups in the registry."""
    found = []
    for index, (cap, exempt) in enumerate(caps.classes):
        if cap is None or kind in exempt:
            continue
        counted = _counted(year, key, withheld=withheld).where(InspectionCount.kind.is_not(None))
        if exempt:
            counted = counted.where(InspectionCount.kind.not_in(sorted(exempt)))
        found.append((index, _reaching(counted, cap)))
    return found


def _cap_condition(
    campaign: Campaign,
    department_id: int,
    cause: str | None = None,
    *,
    withheld: bool = False,
    read_first: bool = False,
) -> sa.ColumnElement[bool] | None:
    """SQL: the business is at its region's yearly cap across departments, or at the department's own, for a check
    of ``campaign`` (on ``cause``; its own draws not counted); ``None`` where no cap applies. A frame does not read
    the named checks not disclosed yet (``withheld``: a registration does); it reads the businesses at their cap
    first (``read_first``, :func:`~spotcheck.core.database.among`), a registration asks of its few businesses
    only."""
    kind = kind_of(campaign, cause)
    if kind is None:  # an off-site check: no cap is its limit
        return None
    rules, key = rules_of(campaign), counted_as(campaign)

    def at(counted: sa.Select[int]) -> sa.ColumnElement[bool]:
        return among(Entity.id, counted) if read_first else Entity.id.in_(counted)

    caps = tree_caps(day_of(campaign))
    conditions = [
        at(reaching) if len(caps.classes) == 1 else sa.and_(caps.class_of(Entity.region_code) == index, at(reaching))
        for index, reaching in _at_total(caps, kind, campaign.year, key, withheld=withheld)
    ]
    if rules.department_inspection_cap is not None and kind not in rules.cap_exempt_kinds:
        own = _counted(campaign.year, key, withheld=withheld).where(
            InspectionCount.counts.is_(True), InspectionCount.department_id == department_id
        )
        conditions.append(at(_reaching(own, rules.department_inspection_cap)))
    return sa.or_(*conditions) if conditions else None


def capped(campaign: Campaign, department_id: int) -> sa.ColumnElement[bool] | None:
    """SQL: the business is at its yearly cap for a frame of ``campaign`` in ``department_id`` (its region's total
    cap across departments, or the department's own); ``None`` where no cap applies — none is set, or the campaign
    does not count toward any (off-site, or of a kind the rules leave out of every cap)."""
    return _cap_condition(campaign, department_id, read_first=True)


def at_cap(campaign: Campaign, causes: Mapping[int, str | None], department_id: int) -> set[int]:
    """Which businesses (by id, each with its cause: a named check's target) are at a yearly cap a check of
    ``campaign`` on that cause counts toward — named checks not disclosed yet counted."""
    found: set[int] = set()
    by_cause: dict[str | None, list[int]] = defaultdict(list)
    for entity_id, cause in causes.items():
        by_cause[cause].append(entity_id)
    for cause, entity_ids in by_cause.items():
        condition = _cap_condition(campaign, department_id, cause, withheld=True)
        if condition is not None:
            found |= set(db.session.scalars(sa.select(Entity.id).where(one_of(Entity.id, entity_ids), condition)))
    return found


@dataclass(frozen=True)
class Standing:
    """A business against its yearly caps, for a check of a campaign: its region and that region's rules (its
    cap), its counting checks of the year across departments, and the department's own cap and checks."""

    region: Region | None
    rules: Rules  # the business's region's
    counts: bool  # the check counts toward the business's cap (not of a kind its region's rules leave out)
    checks: int
    department_rules: Rules  # the campaign's
    counts_own: bool  # … toward the department's own cap (not of a kind the department's rules leave out)
    department_checks: int

    @property
    def cap(self) -> int | None:
        return self.rules.inspection_cap

    @property
    def department_cap(self) -> int | None:
        return self.department_rules.department_inspection_cap

    @property
    def at_total(self) -> bool:
        return self.counts and self.cap is not None and self.checks >= self.cap

    @property
    def at_own(self) -> bool:
        return self.counts_own and self.department_cap is not None and self.department_checks >= self.department_cap

    @property
    def at_cap(self) -> bool:
        return self.at_total or self.at_own

    @property
    def why(self) -> str:
        """The cap reached and the rule setting it, the business's region named (empty below its caps):
        ``已达每户企业每年涉企行政检查次数上限：3次（《……》第5条；上城区）``."""
        return why_capped(self.at_total, self.at_own, self.region, self.rules, self.department_rules)


def why_capped(at_total: bool, at_own: bool, region: Region | None, rules: Rules, department_rules: Rules) -> str:
    """:attr:`Standing.why` of a business at its region's yearly cap (``at_total``: ``rules``, its region's) or at the
    department's own (``at_own``: ``department_rules``)."""
    if not (at_total or at_own):
        return ""
    rules, key = (rules, TOTAL) if at_total else (department_rules, OWN)
    place = region.name if at_total and region is not None else ""
    said = "；".join(part for part in (rules.cite(key), place) if part)
    return f"已达{BY_KEY[key].label}：{rules.say(key)}" + (f"（{said}）" if said else "")


#: A row of the register as the caps read it: the key it counts under, its campaign's code, the department, the kind
#: of check and whether it counts toward the department's own cap.
Counted = tuple[str, str, int, str | None, bool]


def register_rows(entity_ids: Iterable[int], year: int, key: str | None, *, withheld: bool) -> dict[int, list[Counted]]:
    """The register's rows of ``year`` of the businesses ``entity_ids``, by business, each business's in (key,
    department) order: ``key``'s own left out, and (unless ``withheld``) the named checks not disclosed yet."""
    query = sa.select(
        InspectionCount.entity_id,
        InspectionCount.counted_as,
        InspectionCount.campaign_code,
        InspectionCount.department_id,
        InspectionCount.kind,
        InspectionCount.counts,
    ).where(one_of(InspectionCount.entity_id, entity_ids), InspectionCount.year == year)
    if key is not None:
        query = query.where(InspectionCount.counted_as != key)
    if not withheld:
        query = query.where(InspectionCount.withheld.is_(False))
    query = query.order_by(InspectionCount.entity_id, InspectionCount.counted_as, InspectionCount.department_id)
    rows: dict[int, list[Counted]] = defaultdict(list)
    for entity_id, counted, code, department, kind, counts in db.session.execute(query):
        rows[entity_id].append((counted, code, department, kind, counts))
    return rows


def standing(
    campaign: Campaign, causes: Mapping[int, str | None], department_id: int, *, withheld: bool = True
) -> dict[int, Standing]:
    """Each business (by id, with its cause: None for a drawn target) against its caps for a check of ``campaign``
    in ``department_id``: its region's rules on the campaign's approval day and the checks of the year they count,
    ``campaign``'s own left out (``withheld``: a named check not disclosed yet counted, as a registration reads)."""
    if not causes:
        return {}
    codes = dict(db.session.execute(sa.select(Entity.id, Entity.region_code).where(one_of(Entity.id, causes))).all())
    rows = register_rows(causes, campaign.year, counted_as(campaign), withheld=withheld)
    return standings_of(campaign, causes, department_id, codes, rows)


def standings_of(
    campaign: Campaign,
    causes: Mapping[int, str | None],
    department_id: int,
    codes: Mapping[int, str],
    rows: Mapping[int, list[Counted]],
) -> dict[int, Standing]:
    """:func:`standing` of the businesses whose region codes (``codes``) and register rows (``rows``,
    :func:`register_rows`) are read."""
    on, rules = day_of(campaign), rules_of(campaign)
    by_code: dict[str, tuple[Region | None, Rules, frozenset[str]]] = {}
    own = {cause: counts_toward_cap(campaign, cause) for cause in set(causes.values())}
    kinds = {cause: kind_of(campaign, cause) for cause in own}
    found = {}
    for entity_id, cause in causes.items():
        code = codes.get(entity_id, "")
        if code not in by_code:
            region, own_rules = rules_of_business(code, on)
            by_code[code] = (region, own_rules, own_rules.cap_exempt_kinds)
        region, own_rules, exempt = by_code[code]
        kind = kinds[cause]
        counted = rows.get(entity_id, [])
        found[entity_id] = Standing(
            region=region,
            rules=own_rules,
            counts=kind is not None and kind not in exempt,
            checks=len({k for k, _, _, kind_, _ in counted if kind_ is not None and kind_ not in exempt}),
            department_rules=rules,
            counts_own=own[cause],
            department_checks=len({k for k, _, d, _, counts in counted if counts and d == department_id}),
        )
    return found


def campaign_ids(capped: Iterable[dict]) -> dict[str, dict[str, int]]:
    """The campaign each code of a capped list (:func:`capped_list`) is counted as, by the business's code and the
    campaign's code: a department's own campaign, or a joint campaign for its parts (the joint campaign's page is the
    public one). A code is unique in its region only, so it is looked up among the counts of that business, and left
    without a campaign where two campaigns of that business share it."""
    wanted = {(row["code"], code) for row in capped for code in row.get("campaigns", [])}
    if not wanted:
        return {}
    found: dict[tuple[str, str], set[str]] = {}
    for entity_code, code, key in db.session.execute(
        sa.select(Entity.code, InspectionCount.campaign_code, InspectionCount.counted_as)
        .join(Entity, Entity.id == InspectionCount.entity_id)
        .where(
            Entity.code.in_(sorted({entity for entity, _ in wanted})),
            InspectionCount.campaign_code.in_(sorted({code for _, code in wanted})),
        )
    ):
        if (entity_code, code) in wanted:
            found.setdefault((entity_code, code), set()).add(key)
    ids: dict[str, dict[str, int]] = {}
    for (entity_code, code), keys in found.items():
        if len(keys) == 1:
            ids.setdefault(entity_code, {})[code] = int(next(iter(keys)).partition(":")[2])
    return ids
