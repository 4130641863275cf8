"""The frames of a campaign's draws (抽取范围), built from the directory and the inspector list.

A frame is frozen as its *frame file*: the sorted lines the frame digest is taken over
(DRAW-SPEC), stored once and written into the published proof. The target frame of a
directory of millions is gathered by the database: each stratum's codes come back as one
string (PostgreSQL: one unsorted ``string_agg`` a stratum, so the rows are neither sorted nor
spilled to disk there), then split, checked, sorted by code point and joined here on two cores
(:func:`spotcheck.draw.target_frames.frame_file_of_cells`); elsewhere the rows are read as they come —
the same bytes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any, TypeAlias

import sqlalchemy as sa

from spotcheck.core.database import among, db, local_settings
from spotcheck.draw import inspectors as inspector_engine, target_frames
from spotcheck.draw.targets import cyclic_gc_paused
from spotcheck.tenants.campaigns import capped_lists, capped_store, inspection_counts
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignKind, CampaignTarget, TargetStatus, campaign_item
from spotcheck.tenants.campaigns.vocabulary import FLAGGED
from spotcheck.tenants.directory import jurisdiction
from spotcheck.tenants.directory.models import DirectoryEntry, Entity, OperatingPlace
from spotcheck.tenants.inspectors import eligibility
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.rules.rulebook import Rules

#: A statement of the directory's rows, any columns (each use adds its own).
Rows: TypeAlias = sa.Select[*tuple[Any, ...]]
#: A cell of a department's frame: the reason its rows are left out (``None``: in the frame), its stratum, how many
#: rows, their codes (one string joined by newlines, or a list; ``None`` for the rows left out), and the businesses
#: left out at their yearly cap, for the capped list: (id, code, name, region code) each (``None`` in any other cell).
Cell: TypeAlias = tuple[str | None, str, int, str | list[str] | None, list[capped_lists.Business] | None]

#: Exclusion reasons of the target frame (counts published at the freeze).
NOT_ACTIVE, CHECKED_THIS_YEAR, OUTSIDE_BRANCH = "not_active", "checked_this_year", "outside_branch"
#: Flag filters of a campaign's target filter.
FLAG_FILTERS = {
    "abnormal": Entity.abnormal.is_(True),
    "blacklisted": Entity.blacklisted.is_(True),
    "penalized": Entity.penalized_on.is_not(None),
    "complaints": Entity.complaints > 0,
}


@dataclass(frozen=True, eq=False)
class Frame:
    """A frozen frame: its file (the digested lines) — or, for a target frame, its cells as the database gave them,
    the file made from them when asked (:attr:`file`: a version 3 freeze blinds and sorts the cells by token in one
    pass and never sorts the codes) — counts, and excluded counts by reason."""

    made: bytes | list[tuple[str, str, Any, int]]
    counts: dict
    excluded: dict
    #: The businesses left out at their yearly cap, with the campaigns counting for each (targets only), as a draw
    #: stores them (:mod:`.capped_store`; none: an empty list).
    capped: dict | list | None = field(default_factory=list)
    #: The businesses left out before the freeze, each with its reason (``[(code, reason)]``, targets only): the
    #: clear file's ``excluded`` (DRAW-SPEC "Blinded draws"), kept encrypted, never published.
    excluded_ids: list[tuple[str, str]] = field(default_factory=list)

    @cached_property
    def file(self) -> bytes:
        """The clear frame file: sorted lines (``ValueError`` when a code cannot be a frame field)."""
        if isinstance(self.made, bytes):
            return self.made
        return target_frames.frame_file_of_cells(self.made)

    def __eq__(self, other: object) -> bool:
        """The same frame: the same file (whatever order the database gave each cell's codes in), counts and
        exclusions."""
        if not isinstance(other, Frame):
            return NotImplemented
        return (self.file, self.counts, self.excluded, self.capped, self.excluded_ids) == (
            other.file,
            other.counts,
            other.excluded,
            other.capped,
            other.excluded_ids,
        )

    __hash__ = None  # type: ignore[assignment]  # compared by value, never hashed

    @property
    def cells(self) -> list[tuple[str, str, Any, int]]:
        """A target frame's cells ``(group, stratum, codes, count)``, each cell's codes in any order."""
        if isinstance(self.made, bytes):
            return [(g, s, ids, len(ids)) for (g, s), ids in target_frames.parse_frame_file(self.made)]
        return self.made


def _flags(on: date, penalty_window_days: int | None) -> dict:
    """Each flag of an entity as a condition on ``on``: complaints, the abnormal list, the serious-violation
    list, a penalty (受到行政处罚: within the rules' window, ``penalty_window_days``; None: any on record)."""
    penalized: sa.ColumnElement[bool] = Entity.penalized_on.is_not(None)
    if penalty_window_days is not None:
        penalized = sa.and_(penalized, Entity.penalized_on >= on - timedelta(days=penalty_window_days))
    return {
        "complaints": Entity.complaints > 0,
        "abnormal": Entity.abnormal.is_(True),
        "blacklisted": Entity.blacklisted.is_(True),
        "penalized": penalized,
    }


def flagged(on: date, rules: Rules) -> sa.ColumnElement[bool]:
    """Any flag on ``on``: the flagged stratum of a campaign that samples it apart (加大抽查力度)."""
    return sa.or_(*_flags(on, rules.penalty_window_days).values())


def kept(flags: frozenset[str], on: date, rules: Rules) -> sa.ColumnElement[bool]:
    """The entities that stay in the frame although checked this year, by the rules' flags
    (``kept_when_checked``; e.g. 因投诉举报、处于经营异常状态、受到行政处罚的企业，不受此限制)."""
    chosen = [condition for flag, condition in _flags(on, rules.penalty_window_days).items() if flag in flags]
    return sa.or_(*chosen) if chosen else sa.false()


@dataclass(frozen=True)
class FramePart:
    """One department's share of a target frame, named explicitly (never "the current tenant"): its
    group code, its tenant, and the campaign whose filter, strata rules and items apply — the
    campaign itself, or the department's part of a joint campaign (联合抽查)."""

    group: str
    tenant_id: int
    campaign: Campaign

    @classmethod
    def of(cls, campaign: Campaign) -> FramePart:
        return cls(campaign.tenant_code, campaign.tenant_id, campaign)


def target_frame(parts: list[FramePart], on: date) -> Frame:
    """The target frame of the given departments (one for a campaign of one department, one per
    department in a joint campaign): each department's directory entries matching its filter, less
    the inactive and (unless flagged) those it checked this year for the same items; each in its
    risk class, or in the flagged stratum when its rules have one. Sorted by group, so the frame
    file is the groups' files one after the other. ``ValueError`` when a code cannot be a frame field (a tab, a
    newline or ``|`` in it)."""
    with cyclic_gc_paused():  # a province's frame: a hundred thousand rows of its capped list, millions of codes
        return _target_frame(parts, on)


def _target_frame(parts: list[FramePart], on: date) -> Frame:
    counts: dict[str, Any] = {}
    excluded: Counter[str] = Counter()
    cells: list[tuple[str, str, Any, int]] = []
    capped: list[dict] = []
    excluded_ids: list[tuple[str, str]] = []
    for part in sorted(parts, key=lambda p: p.group):
        counts[part.group] = {}
        part_capped: list[capped_lists.Business] = []
        for why, cell, count, codes, businesses in sorted(_part_cells(part, on), key=lambda c: (c[0] or "", c[1])):
            if why is None:
                counts[part.group][cell] = count
                cells.append((part.group, cell, codes, count))
            else:
                excluded[why] += count
                excluded_ids += [(code, why) for code in _codes(codes)]
                part_capped += businesses or []
        if part_capped:  # each with the cap it reached, as the part's department and its region's rules say
            listed = capped_lists.packed_capped_list(part_capped, part.campaign.year, part.campaign, part.tenant_id)
            capped += [listed] if listed else []
    return Frame(
        cells,
        counts,
        dict(sorted(excluded.items())),
        capped_store.merged(capped) if capped else [],
        sorted(excluded_ids),  # one a department that left it out: the published counts are per department
    )


def _codes(codes: str | list[str] | None) -> list[str]:
    """A cell's codes, as the database aggregates them (joined by newlines) or as read (a list)."""
    if not codes:
        return []
    return codes.split("\n") if isinstance(codes, str) else list(codes)


def cell_counts(part: FramePart, on: date) -> tuple[dict[str, int], Counter]:
    """What :func:`target_frame` would put in the department's cells today, counted only (no line
    is built): the rows per stratum, and the rows left out by reason — for the sizes shown before
    the freeze (规模预估)."""
    source, reason, stratum = _part_source(part, on)
    counts: dict[str, Any] = {}
    excluded: Counter[str] = Counter()
    query = source.add_columns(reason.label("reason"), stratum.label("stratum"), sa.func.count()).group_by(
        sa.literal_column("reason"), sa.literal_column("stratum")
    )
    for why, cell, count in _frame_rows(query):
        if why is None:
            counts[cell] = counts.get(cell, 0) + count
        else:
            excluded[why] += count
    return dict(sorted(counts.items())), excluded


def _part_cells(part: FramePart, on: date) -> list[Cell]:
    source, reason, stratum = _part_source(part, on)
    if db.session.get_bind().dialect.name == "postgresql":
        return _cells_in_database(source, reason, stratum)
    return _cells_read_in_order(source, reason, stratum)


def _part_source(part: FramePart, on: date) -> tuple[Rows, sa.ColumnElement[str | None], sa.SQLColumnExpression[str]]:
    """The department's directory rows under its filter, each row's reason to be left out (or NULL)
    and its stratum: the one definition the frame and its counts share."""
    campaign = part.campaign
    rules = rules_of(campaign)
    is_flagged = flagged(on, rules)
    keep = rules.kept_when_checked
    reasons = [(Entity.status != "active", NOT_ACTIVE)]
    outside = _outside_branch(part.tenant_id)  # 管辖: a row kept from before the rule, or a business moved away
    if outside is not None:
        reasons.append((outside, OUTSIDE_BRANCH))
    at_cap = inspection_counts.capped(campaign, part.tenant_id)  # 年度检查次数上限, across departments
    if at_cap is not None:
        reasons.append((at_cap, inspection_counts.CAPPED))
    if campaign.exclude_checked and not (campaign.exempt_kind == "order" and "order" in keep):
        reasons.append(
            (sa.and_(_checked_this_year(campaign, part.tenant_id), sa.not_(kept(keep, on, rules))), CHECKED_THIS_YEAR)
        )
    reason = sa.case(*reasons, else_=sa.null())
    stratum = (
        sa.case((is_flagged, FLAGGED), else_=DirectoryEntry.risk) if FLAGGED in campaign.strata else DirectoryEntry.risk
    )
    source = _filtered(
        sa.select()
        .select_from(DirectoryEntry)
        .join(Entity, Entity.id == DirectoryEntry.entity_id)
        .where(DirectoryEntry.tenant_id == part.tenant_id),
        campaign.target_filter or {},
    )
    return source, reason, stratum


def _outside_branch(tenant_id: int) -> sa.ColumnElement[bool] | None:
    """The directory's businesses department ``tenant_id`` does not reach (管辖,
    :func:`spotcheck.tenants.directory.jurisdiction.reaches`, as a condition on the rows: no place of theirs, registered
    or operating, lies in its branch) — a row added before the rule, or a business since moved away: left out of a new
    frame with its reason, and listed by ``spotcheck check``. None where the rule does not hold or the department's
    region is the root (it reaches every business)."""
    branch = jurisdiction.of_department(tenant_id)
    if not branch.rules.jurisdiction_by_place or branch.region.parent_id is None:
        return None
    prefix = inspection_counts.code_prefix(branch.region.code)
    located: sa.ColumnElement[bool] = Entity.region_code.startswith(prefix)
    if db.session.scalar(sa.select(OperatingPlace.id).limit(1)) is not None:  # 一照多址: any place in the branch
        located = sa.or_(
            located,
            sa.exists().where(OperatingPlace.entity_id == Entity.id, OperatingPlace.region_code.startswith(prefix)),
        )
    return sa.not_(located)


def _filtered(query: Rows, target_filter: dict) -> Rows:
    if target_filter.get("categories"):
        query = query.where(DirectoryEntry.category.in_(target_filter["categories"]))
    if target_filter.get("industries"):
        query = query.where(sa.or_(*[Entity.industry_code.startswith(code) for code in target_filter["industries"]]))
    if target_filter.get("regions"):
        query = query.where(sa.or_(*[Entity.region_code.startswith(code) for code in target_filter["regions"]]))
    if target_filter.get("entity_types"):
        query = query.where(Entity.entity_type.in_(target_filter["entity_types"]))
    for flag in target_filter.get("flags") or []:
        query = query.where(FLAG_FILTERS[flag])
    return query


def _checked_this_year(campaign: Campaign, tenant_id: int) -> sa.ColumnElement[bool]:
    """Drawn (and still selected) this year by another campaign of the department for one of the same items (a
    check of named businesses once disclosed: before, the frame would tell whom it will check)."""
    same_items = sa.select(campaign_item.c.campaign_id).where(
        campaign_item.c.item_id.in_([item.id for item in campaign.items])
    )
    drawn = (
        sa.select(CampaignTarget.entity_id)
        .join(Campaign, Campaign.id == CampaignTarget.campaign_id)
        .where(
            CampaignTarget.tenant_id == tenant_id,
            CampaignTarget.status == TargetStatus.selected,
            Campaign.year == campaign.year,
            Campaign.id != campaign.id,
            Campaign.id.in_(same_items),
            sa.or_(Campaign.kind == CampaignKind.random, Campaign.disclosed_at.is_not(None)),
        )
    )  # a named check, once public
    return among(Entity.id, drawn)  # read first: tested by the parallel workers, one hashed look-up a row


#: How the frame's statements are planned (:func:`_cells_in_database`): what handing a row from a parallel worker to
#: the leader costs (the default, 0.1, prices a million rows above the parallel join they save), and for the values
#: they are run with — the businesses left out come as arrays (:func:`~spotcheck.core.database.among`), one hashed
#: look-up a row in a plan made for them, a search through the whole array a row in a plan made for any array.
FRAME_SETTINGS = {"parallel_tuple_cost": "0.001", "plan_cache_mode": "force_custom_plan"}


def _cells_in_database(
    source: Rows, reason: sa.ColumnElement[str | None], stratum: sa.SQLColumnExpression[str]
) -> list[Cell]:
    """PostgreSQL: per (reason, stratum) the count and, for the frame, the cell's codes as one string joined
    by newlines in no particular order (an unsorted ``string_agg``: no sort of the rows, no spill to disk);
    the reason is worked out once a row, in a subquery kept apart by ``OFFSET 0`` (merged into the grouping,
    its look-ups ran again in every aggregate and the rows were sorted on disk: 3.4 s against 1.5 s at a
    million). The directory and the registry are scanned and joined by two workers (a parallel hash join;
    the aggregate stays in one process, ``string_agg`` has no parallel form before PostgreSQL 16): 0.56–0.60 s
    against 1.0 s at a million, once the planner is told what a row handed over really costs. The workers work
    out each row's reason too, the businesses checked this year and at their cap read first as arrays
    (:func:`~spotcheck.core.database.among`): as subqueries, under row-level security, they left it to the leader
    for every row (1.03–1.08 s against 0.88–0.96 s at a million on a slower machine)."""
    return [
        (why, cell, count, codes, list(zip(ids, *capped, strict=True)) if ids is not None else None)
        for why, cell, count, codes, ids, *capped in _frame_rows(cells_query(source, reason, stratum))
    ]


def _frame_rows(statement: sa.Select) -> list:
    """The rows of one of the frame's statements, run under :data:`FRAME_SETTINGS` (the statements of
    :func:`_part_source`: the arrays of :func:`~spotcheck.core.database.among` need a plan made for their values)."""
    with local_settings(FRAME_SETTINGS):
        return list(db.session.execute(statement))


#: What the capped list takes of each business left out at its cap (:data:`~.capped_lists.Business`).
_CAPPED_COLUMNS = (Entity.id, Entity.code, Entity.name, Entity.region_code)


def cells_query(
    source: Rows, reason: sa.ColumnElement[str | None], stratum: sa.SQLColumnExpression[str]
) -> sa.Select[str | None, str, int, str, list[int], list[str], list[str], list[str]]:
    """The statement of :func:`_cells_in_database`: (reason, stratum, count, the codes joined by newlines, and of the
    businesses left out at their cap the ids, codes, names and region codes, row by row) — the capped list's
    businesses from the same scan as the frame, not looked up again."""
    columns = [column.label(f"capped_{column.key}") for column in _CAPPED_COLUMNS]
    rows = (
        source.add_columns(reason.label("reason"), stratum.label("stratum"), Entity.code.label("code"), *columns)
        .offset(0)
        .subquery()
    )
    codes = sa.func.string_agg(rows.c.code, sa.literal("\n"))  # of the rows left out too: the clear file's
    at_cap = rows.c.reason == inspection_counts.CAPPED
    capped = [sa.func.array_agg(rows.c[column.name]).filter(at_cap) for column in columns]  # each in the same order
    return sa.select(rows.c.reason, rows.c.stratum, sa.func.count(), codes, *capped).group_by(
        rows.c.reason, rows.c.stratum
    )


def _cells_read_in_order(
    source: Rows, reason: sa.ColumnElement[str | None], stratum: sa.SQLColumnExpression[str]
) -> list[Cell]:
    """Any other database: the rows read as they come, each cell's codes gathered in a list."""
    query = source.add_columns(reason, stratum, Entity.code, *_CAPPED_COLUMNS)
    cells: dict[tuple[str | None, str], list[str]] = {}
    capped: dict[str, list[capped_lists.Business]] = {}
    for why, cell, code, *business in db.session.execute(query.execution_options(yield_per=50_000)):
        cells.setdefault((why, cell), []).append(code)
        if why == inspection_counts.CAPPED:
            capped.setdefault(cell, []).append(tuple(business))
    return [
        (why, cell, len(codes), codes, capped[cell] if why == inspection_counts.CAPPED else None)
        for (why, cell), codes in cells.items()
    ]


@dataclass(frozen=True)
class PoolPart:
    """One department's share of an inspector frame: its group code, its tenant, the categories
    it needs, and its visits (entity id → code)."""

    group: str
    tenant_id: int
    categories: list[str]
    visits: dict[int, str]


def inspector_frame(parts: list[PoolPart], on: date) -> Frame:
    """The inspector frame: what each department needs at each of its visits, its eligible pool on
    the draw date (active, valid certificate, qualified; experts are not drawn here), and the
    recusals — each department's inspectors and recusals read by its tenant, named explicitly."""
    needs: list[Any] = []
    pool: list[Any] = []
    recusals: list[Any] = []
    excluded: Counter[str] = Counter()
    seen: dict[Any, Any] = {}
    for part in sorted(parts, key=lambda p: p.group):
        needs += [(code, part.group, part.categories) for code in part.visits.values()]
        certificate = {}
        for inspector in db.session.scalars(
            sa.select(Inspector).where(Inspector.tenant_id == part.tenant_id, Inspector.is_expert.is_(False))
        ):
            reason = eligibility.not_drawable_because(inspector, on, part.categories)
            if reason is not None:
                excluded[reason] += 1
                continue
            if seen.setdefault(inspector.cert_no, part.group) != part.group:
                raise ValueError(
                    f"certificate {inspector.cert_no} is listed by {seen[inspector.cert_no]} and {part.group}"
                )
            pool.append((part.group, inspector.cert_no, inspector.categories))
            certificate[inspector.id] = inspector.cert_no
        recusals += [
            (part.visits[entity_id], certificate[inspector_id])
            for entity_id, inspector_id in db.session.execute(
                sa.select(Recusal.entity_id, Recusal.inspector_id).where(Recusal.tenant_id == part.tenant_id)
            )
            if entity_id in part.visits and inspector_id in certificate
        ]  # few per department: filtered here
    recusals = sorted(set(recusals))
    lines = inspector_engine.frame_lines(needs=needs, pool=pool, recusals=recusals)
    visits = {code for part in parts for code in part.visits.values()}
    counts = {"visits": len(visits), "pool": len(pool), "recusals": len(recusals), "draw_date": on.isoformat()}
    return Frame("".join(line + "\n" for line in lines).encode("utf-8"), counts, dict(excluded))
