"""每户企业年度检查次数 (国办发〔2024〕54号: 合理确定年度检查频次上限): how often each business is drawn for an
on-site check in a year, across departments, and the yearly cap that leaves it out of later frames.

What counts: a selected, unreplaced target of a campaign of the year whose method is on-site and whose
kind is not one the rules leave out of count (``cap_exempt_kinds``); a joint campaign counts once per
business, however many departments drew it. The register (:class:`~.models.InspectionCount`) is written
by the target draw and by a replacement, and read by every department's frame: a business at the total
cap (the rules' ``inspection_cap``), or at the department's own (``department_inspection_cap``), is left
out at the freeze with the reason ``cap``, and the frame publishes the list of those businesses with the
campaigns whose draws count for each — what anyone can recompute from the published target proofs."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from spotcheck.core.database import among, db
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, InspectionCount, TargetStatus
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.rules.parameters import BY_KEY
from spotcheck.tenants.rules.rulebook import Rules

#: The frame's exclusion reason of a business at its yearly cap.
CAPPED = "cap"
#: The caps, as the rules name them: every department's checks together, and the department's own.
CAPS = ("inspection_cap", "department_inspection_cap")


def cap_lines(rules: Rules) -> list[str]:
    """The yearly caps ``rules`` set, each with its value and the document and article that set it:
    ``每户企业每年涉企行政检查次数上限：3次（《宁安市……实施方案》第5条）`` (none where no cap is set)."""
    return [
        f"{BY_KEY[key].label}：{rules.say(key)}" + (f"（{rules.cite(key)}）" if rules.cite(key) else "")
        for key in CAPS
        if rules.values[key] is not None
    ]


def counted_as(campaign: Campaign) -> str:
    """The key a campaign's draws count under: a joint campaign's parts count once, as the joint campaign."""
    if campaign.joint:
        return f"joint:{campaign.id}"
    return f"joint:{campaign.joint_id}" if campaign.joint_id else f"campaign:{campaign.id}"


def counts_toward_cap(campaign: Campaign, cause: str | None = None) -> bool:
    """An on-site check not of a kind the rules leave out of the cap (事故、检验不合格、投诉举报、上级部署 by default):
    the campaign's exempt kind, or for a named check's target (特定对象检查) its ``cause``."""
    kind = cause if cause is not None else (campaign.exempt_kind or "")
    return campaign.method == "onsite" and kind not in rules_of(campaign).cap_exempt_kinds


def record(
    campaign: Campaign,
    entity_ids: Iterable[int],
    department_id: int,
    *,
    counts: bool | None = None,
    withheld: bool = False,
) -> None:
    """Count ``campaign``'s draw of ``entity_ids`` for the department that drew them (a business already
    counted for it under the same key is left as it is). ``counts``: toward the cap — for a joint
    campaign, as the department's own part says (:func:`counts_toward_cap` of the part)."""
    key = counted_as(campaign)
    wanted = set(entity_ids)
    if not wanted:
        return
    known = set(
        db.session.scalars(
            sa.select(InspectionCount.entity_id).where(
                InspectionCount.counted_as == key,
                InspectionCount.department_id == department_id,
                InspectionCount.entity_id.in_(sorted(wanted)),
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
    key = counted_as(campaign)
    drawn = sa.select(
        CampaignTarget.entity_id,
        sa.literal(campaign.year),
        sa.literal(key),
        sa.literal(campaign.code or ""),
        sa.literal(campaign.tenant_id),
        sa.literal(counts_toward_cap(campaign)),
        sa.false(),
    ).where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
    db.session.execute(
        sa.insert(InspectionCount).from_select(
            ["entity_id", "year", "counted_as", "campaign_code", "department_id", "counts", "withheld"], drawn
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
    counts = out.counts if out is not None else None
    if out is not None:
        db.session.delete(out)
        db.session.flush()
    record(campaign, [in_entity_id], department_id, counts=counts)


def _at(cap: int, year: int, key: str, department_id: int | None = None, *, withheld: bool = False) -> sa.Select[int]:
    """SQL: the businesses counted ``cap`` times or more (``withheld``: a named check not disclosed yet too)."""
    counted = sa.select(InspectionCount.entity_id).where(
        InspectionCount.year == year, InspectionCount.counts.is_(True), InspectionCount.counted_as != key
    )
    if not withheld:
        counted = counted.where(InspectionCount.withheld.is_(False))
    if department_id is not None:
        counted = counted.where(InspectionCount.department_id == department_id)
    return counted.group_by(InspectionCount.entity_id).having(
        sa.func.count(sa.distinct(InspectionCount.counted_as)) >= cap
    )


def _cap_condition(
    campaign: Campaign, department_id: int, *, withheld: bool = False, read_first: bool = False
) -> sa.ColumnElement[bool] | None:
    """SQL: the business is at the rules' total cap across departments, or at the department's own, for a check of
    ``campaign`` (its own draws not counted); ``None`` where the rules set no cap. A frame does not read the named
    checks not disclosed yet (``withheld``: a registration does); it reads the businesses at their cap first
    (``read_first``, :func:`~spotcheck.core.database.among`), a registration asks of its few businesses only."""
    rules, key = rules_of(campaign), counted_as(campaign)

    def at(counted: sa.Select[int]) -> sa.ColumnElement[bool]:
        return among(Entity.id, counted) if read_first else Entity.id.in_(counted)

    conditions = []
    if rules.inspection_cap is not None:
        conditions.append(at(_at(rules.inspection_cap, campaign.year, key, withheld=withheld)))
    if rules.department_inspection_cap is not None:
        conditions.append(
            at(_at(rules.department_inspection_cap, campaign.year, key, department_id, withheld=withheld))
        )
    return sa.or_(*conditions) if conditions else None


def capped(campaign: Campaign, department_id: int) -> sa.ColumnElement[bool] | None:
    """SQL: the business is at its yearly cap for a frame of ``campaign`` in ``department_id`` (the rules' total
    cap across departments, or the department's own); ``None`` where no cap applies — none is set, or the
    campaign does not count toward it (off-site, or of a kind the rules leave out of the cap)."""
    if not counts_toward_cap(campaign):  # an off-site check, or one on a cause: the cap is not its limit
        return None
    return _cap_condition(campaign, department_id, read_first=True)


def at_cap(campaign: Campaign, entity_ids: list[int], department_id: int) -> set[int]:
    """Which of ``entity_ids`` are at their yearly cap for a check of ``campaign`` that counts toward it
    (a named check's targets whose cause is not cap-exempt)."""
    condition = _cap_condition(campaign, department_id, withheld=True) if entity_ids else None
    if condition is None:
        return set()
    return set(db.session.scalars(sa.select(Entity.id).where(Entity.id.in_(entity_ids), condition)))


def checks_of(entity_ids: list[int], year: int, key: str, department_id: int | None = None) -> dict[int, int]:
    """How many checks of ``year`` that count toward the cap each business has — as a registration reads them (a
    named check not disclosed yet included), ``key``'s own left out; ``department_id``: that department's only."""
    if not entity_ids:
        return {}
    query = sa.select(InspectionCount.entity_id, sa.func.count(sa.distinct(InspectionCount.counted_as))).where(
        InspectionCount.entity_id.in_(entity_ids),
        InspectionCount.year == year,
        InspectionCount.counts.is_(True),
        InspectionCount.counted_as != key,
    )
    if department_id is not None:
        query = query.where(InspectionCount.department_id == department_id)
    return {entity_id: n for entity_id, n in db.session.execute(query.group_by(InspectionCount.entity_id))}


def capped_list(entity_ids: list[int], year: int) -> list[dict]:
    """The businesses left out at their cap, each with the public codes of the campaigns counting for it: one code per
    campaign (two regions' campaigns may share a code, 两个应急管理局 each with 应急抽〔2026〕1号: both are listed)."""
    if not entity_ids:
        return []
    found: dict[int, dict[str, str]] = {}
    for entity_id, key, code in db.session.execute(
        sa.select(InspectionCount.entity_id, InspectionCount.counted_as, InspectionCount.campaign_code).where(
            InspectionCount.entity_id.in_(entity_ids),
            InspectionCount.year == year,
            InspectionCount.counts.is_(True),
            InspectionCount.withheld.is_(False),
        )
    ):
        found.setdefault(entity_id, {})[key] = code
    return [
        {"code": code, "name": name, "campaigns": sorted(found.get(entity_id, {}).values())}
        for entity_id, code, name in db.session.execute(
            sa.select(Entity.id, Entity.code, Entity.name).where(Entity.id.in_(entity_ids)).order_by(Entity.code)
        )
    ]


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
