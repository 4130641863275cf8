"""Reading the entity registry (市场主体名录) and the department's target directory (两库 · 检查对象
名录库): single rows, and searches with keyset pagination."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from spotcheck.core.database import db, dialect, get_row, is_row_id, local_settings, searching
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.common.queries import NumberedPage, paginate
from spotcheck.tenants.directory.checks import risk_code
from spotcheck.tenants.directory.models import ENTRY_INDUSTRY_COLUMN, DirectoryEntry, Entity
from spotcheck.tenants.directory.names import name_holds
from spotcheck.tenants.directory.plans import plan_of, planned_entities, planned_registry, planned_rows

__all__ = [
    "Filters",
    "Page",
    "directory_categories",
    "directory_query",
    "entity_by_code",
    "entry_ids_by_entity",
    "get_entity",
    "get_entry",
    "name_holds",
    "public_entries",
    "public_entry_count",
    "resolve_entity",
    "search_directory",
    "search_registry",
]

PAGE_SIZE = 50
#: Entries a page of the public portal lists.
PUBLIC_PER_PAGE = 50


def get_entity(entity_id: int) -> Entity:
    return get_row(Entity, entity_id, _l("No such entity."))


def entity_by_code(code: str) -> Entity | None:
    return db.session.scalar(sa.select(Entity).where(Entity.code == code.strip().upper()))


def get_entry(entry_id: int) -> DirectoryEntry:
    return get_row(DirectoryEntry, entry_id, _l("No such directory entry."))


def resolve_entity(*, entity_id: int | None = None, entity_code: str | None = None) -> Entity:
    """The registry entity named by id or by code, for a new directory entry (bad input → 422)."""
    entity = None
    if entity_id:
        entity = db.session.get(Entity, entity_id) if is_row_id(entity_id) else None
        if entity is None:
            raise InvalidInputError({"entity_id": [_l("No entity with this id in the registry.")]})
    elif entity_code and entity_code.strip():
        entity = entity_by_code(entity_code)
        if entity is None:
            raise InvalidInputError({"entity_code": [_l("No entity with this code in the registry.")]})
    else:
        raise InvalidInputError({"entity_code": [_l("Give the code (or the id) of a registry entity.")]})
    return entity


def entry_ids_by_entity(entity_ids: Iterable[int]) -> dict[int, int]:
    """For the given registry entities, the ids of the current department's entries pointing to them."""
    ids = list(entity_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(DirectoryEntry.entity_id, DirectoryEntry.id).where(DirectoryEntry.entity_id.in_(ids))
    )
    return dict(rows.all())


# --- search with keyset pagination ------------------------------------------------------------


@dataclass
class Filters:
    """Search filters shared by the registry and the directory; every one is optional."""

    q: str = ""  # name contains, or code prefix
    industry: str = ""  # GB/T 4754 code prefix
    region: str = ""  # GB/T 2260 code prefix (e.g. 3301 for the whole city)
    entity_type: str = ""
    status: str = ""
    flags: list[str] = field(default_factory=list)  # abnormal, blacklisted, penalized, complaints
    category: str = ""  # directory only
    risk: str = ""  # directory only
    tag: str = ""  # directory only


def common_names(names: float, *, page: int = PAGE_SIZE + 1) -> float:
    """How many names must hold a fragment for a page of them to be found sooner by walking than by looking each
    one up, in a registry of ``names``: a walk reads about ``page × names / matches`` entries for a page, reading
    every match costs ``matches ×`` :data:`LOOKUP_IN_ENTRIES` — equal at the square root of ``page × names /
    LOOKUP_IN_ENTRIES``: 1,600 names at a million, 5,000 at ten million. A fixed share of the registry grew ten
    times as fast: at ten million 大药房 (in 0.1–0.5% of the names) was looked up, every match read and sorted in
    260–300 ms, where a walk finds a page in 30."""
    return math.sqrt(page * names / LOOKUP_IN_ENTRIES)


def _common_in_names(text: str, others: Sequence[sa.ColumnElement[bool]] = ()) -> bool:
    """Whether the planner expects ``text`` in at least :func:`common_names` of the registry's names — together with
    the search's ``others`` conditions on the registry (a status, an industry: 化工 among the revoked is rare) — by
    its own statistics (:func:`~.plans.planned_entities`, of the condition :func:`_name_contains` would otherwise
    write). The index of the characters cannot tell it: 餐 and 饮 are each in a fifth of the names, and the planner,
    taking them for independent and ``LIKE`` for a further filter, expected 餐饮 in one name of a hundred; it read a
    fifth of the registry to sort it (0.2 s at a million) where walking finds fifty in a few hundred entries. In a
    directory search, a text the planner expects too often walks only the first stretch before its entities are
    looked up (:func:`_walked_then_looked_up`); the registry's own search has no such bound."""
    names = planned_registry()
    if not names:
        return False
    return planned_entities(Entity.name.contains(text, autoescape=True), *others) >= common_names(names)


def _name_contains(
    text: str, *, looked_up: bool = False, others: Sequence[sa.ColumnElement[bool]] = ()
) -> sa.ColumnElement[bool]:
    """The entity's name contains ``text``. On PostgreSQL a rare text (钱顺, 临安, 海峰网络) is looked up in the index
    of the names' characters (:func:`name_holds`, the registry's only index of its names' contents since migration
    0050); a common one (餐饮, 网络科技) is matched as the names come (:func:`_common_in_names`, with the search's
    ``others`` conditions on the registry) — unless the entities are ``looked_up`` whatever their number
    (:func:`_walked_then_looked_up`)."""
    if dialect() == "postgresql" and (looked_up or not _common_in_names(text, others)):
        return name_holds(Entity.name, text)
    return Entity.name.contains(text, autoescape=True)


def _entity_conditions(filters: Filters, *, looked_up: bool = False) -> list[sa.ColumnElement[bool]]:
    """The filters on the registry's columns: the name or the start of the code (``q``, in a form an index finds
    when the entities are ``looked_up``), then :func:`_coded_conditions`."""
    coded = _coded_conditions(filters)
    q = filters.q.strip()
    if not q:
        return coded
    name = _name_contains(q, looked_up=looked_up, others=coded)
    if q.isascii() and q.replace("-", "").isalnum() and len(q) >= 4:
        return [sa.or_(Entity.code.startswith(q.upper(), autoescape=True), name), *coded]
    return [name, *coded]


def _coded_conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """The filters on the registry's coded columns: industry, region, kind, status and flags."""
    conditions = []
    if filters.industry:
        conditions.append(Entity.industry_code.startswith(filters.industry.strip().upper(), autoescape=True))
    if filters.region:
        conditions.append(Entity.region_code.startswith(filters.region.strip(), autoescape=True))
    if filters.entity_type:
        conditions.append(Entity.entity_type == filters.entity_type)
    if filters.status:
        conditions.append(Entity.status == filters.status)
    for flag in filters.flags:
        if flag == "abnormal":
            conditions.append(Entity.abnormal.is_(True))
        elif flag == "blacklisted":
            conditions.append(Entity.blacklisted.is_(True))
        elif flag == "penalized":
            conditions.append(Entity.penalized_on.is_not(None))
        elif flag == "complaints":
            conditions.append(Entity.complaints > 0)
    return conditions


@dataclass
class Page:
    rows: list
    next_after: int | None  # pass as ``after`` for the next page; None on the last page


def search_registry(filters: Filters, *, after: int = 0, limit: int = PAGE_SIZE) -> Page:
    """Registry entities matching ``filters``, by id, ``limit`` at a time after id ``after`` (keyset)."""
    with searching():  # the conditions too: the commonness of a name is planned for it (_common_in_names)
        rows = list(
            db.session.scalars(
                sa.select(Entity)
                .where(Entity.id > after, *_entity_conditions(filters))
                .order_by(Entity.id)
                .limit(limit + 1)
            )
        )
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


#: Each tag of each directory entry a row (PostgreSQL), kept by the directory's triggers (migration 0043).
TAGS = sa.table("directory_entry_tag", sa.column("tenant_id"), sa.column("tag"), sa.column("entry_id"))


def _tagged(tag: str) -> sa.ColumnElement[bool]:
    """Entries with the tag ``tag`` (标签). On PostgreSQL through the table of tags, found by its primary key: the
    directory is under row-level security, where the planner uses an index through a leakproof operator only
    (``=``, not ``LIKE``), and ``tags LIKE '%,粉尘涉爆,%'`` walked the whole directory for a rare tag. Elsewhere,
    and for a "tag" with a comma in it (a run of tags), by the column, which holds them as ",tag1,tag2,"."""
    if dialect() == "postgresql" and tag and "," not in tag:
        tenant = current_tenant_id()
        return DirectoryEntry.id.in_(
            sa.select(TAGS.c.entry_id).where(
                TAGS.c.tag == tag, *([TAGS.c.tenant_id == tenant] if tenant is not None else [])
            )
        )
    return DirectoryEntry.tags.contains(f",{tag},", autoescape=True)


#: The entry's copy of its entity's industry (:data:`~.models.ENTRY_INDUSTRY_COLUMN`), as a search asks it.
ENTRY_INDUSTRY = sa.literal_column(f"{DirectoryEntry.__tablename__}.{ENTRY_INDUSTRY_COLUMN}", sa.String)


def _industry_of_entry(prefix: str) -> list[sa.ColumnElement[bool]]:
    """On PostgreSQL, the entry's copy of its entity's industry starts with ``prefix``, asked as a range of codes
    (``>= 'C36' AND < 'C37'``: under row-level security an index is used through a leakproof operator only, and
    ``LIKE`` is none), for a search that names a category too: with the index from the category to the industry and
    the statistics over both (migration 0054) the planner knows an industry the category never meets and finds
    nothing at once — 餐饮服务 and C36 walked the whole directory (1.1 s at ten million). The registry's own
    condition stays: the entities looked up (:func:`_looked_up`) are found by it. A prefix of other than letters
    and digits (no industry code) is left to that one."""
    prefix = prefix.strip().upper()
    if dialect() != "postgresql" or not (prefix.isascii() and prefix.isalnum()):
        return []
    industry = ENTRY_INDUSTRY  # a column, not a constant: the comparisons read column-first
    return [industry >= prefix, industry < prefix[:-1] + chr(ord(prefix[-1]) + 1)]


def _entry_conditions(filters: Filters) -> list[sa.ColumnElement[bool]]:
    """The filters on the department's own columns of its directory: 监管类别, 风险等级, 标签 — and, with a category,
    the industry on the entry's copy too (:func:`_industry_of_entry`)."""
    conditions = []
    if filters.category:
        conditions.append(DirectoryEntry.category == filters.category)
        if filters.industry:
            conditions += _industry_of_entry(filters.industry)
    if filters.risk:
        conditions.append(DirectoryEntry.risk == (risk_code(filters.risk) or filters.risk))
    if filters.tag:
        conditions.append(_tagged(filters.tag.strip()))
    return conditions


#: A directory search whose coded registry filters (:func:`_coded_conditions`) the planner expects to hold for at most
#: this many entities starts from those entities (:func:`search_directory`): some 50 ms of look-ups (5–10 µs an
#: entity) where a walk that finds its page at once takes 10 ms. Not more: flags go together (经营异常 and 投诉), and
#: an estimate of 12,000–13,000 entities held for 50,000 and more at ten million (0.25–0.33 s of look-ups, where a
#: first stretch walked found the page in 0.05 s: :func:`_walked_then_looked_up`).
FEW_ENTITIES = 5_000
#: How the entries of entities looked up are found (:func:`_looked_up`): each entity's own through the directory's
#: index (a nested loop), hash and merge joins priced out of the plan — the planner, pricing look-ups high, hashed
#: the department's whole directory from some ten thousand entities on (0.5 s at a million).
LOOKED_UP = {"enable_hashjoin": "off", "enable_mergejoin": "off"}
#: Any other search the planner would walk first walks this stretch of entry ids (some 50 ms at most at ten million):
#: a page of matches there, and the search is done, as for most; otherwise its matches are sparse, and the rest is
#: looked up or walked on (:func:`_walked_then_looked_up`).
WALKED_FIRST = 200_000
#: How a search the planner would walk walks that stretch and what follows it: as the planner would have, in the
#: order of the entry ids — sorts, hash and merge joins priced out of the plan. Told where the stretch ends, and so
#: expecting few entries in it, the planner otherwise started from the registry's side and sorted (面馆 and
#: deregistered: every deregistered entity read, 0.24 s against 0.14 s walked at ten million).
WALKED = {**LOOKED_UP, "enable_sort": "off"}
#: What finding one entity's entry costs, in entries walked: 4–5 µs against 0.25 µs an entry (measured at ten
#: million: 一般市场主体 and industry C36, 103,000 entities looked up in 0.43–0.53 s, the directory walked in
#: 2.4–2.8 s).
LOOKUP_IN_ENTRIES = 20


def directory_query(filters: Filters, *, after: int = 0, looked_up: bool = False) -> sa.Select[DirectoryEntry]:
    """The current department's directory entries matching ``filters`` after entry ``after``, by entry id: what
    :func:`search_directory` pages through (its name in the form an index finds when the entities are
    ``looked_up``)."""
    return (
        sa.select(DirectoryEntry)
        .join(DirectoryEntry.entity)
        .options(contains_eager(DirectoryEntry.entity))
        .where(
            DirectoryEntry.id > after, *_entity_conditions(filters, looked_up=looked_up), *_entry_conditions(filters)
        )
        .order_by(DirectoryEntry.id)
    )


def search_directory(filters: Filters, *, after: int = 0, limit: int = PAGE_SIZE) -> Page:
    """The current department's directory entries matching ``filters`` (keyset by entry id).

    PostgreSQL starts from the entities the coded registry filters hold for when they are few
    (:data:`FEW_ENTITIES`); otherwise it finds the page as the planner would, except that where the planner would
    walk the directory in the order of its ids and a first stretch holds less than a page, the rest is looked up
    from the entities the registry filters hold for when that costs less than walking on
    (:func:`_walked_then_looked_up`) — a page is then found in their number of look-ups even where the directory's
    own filters and the registry's rarely meet (一般市场主体 and industry C36: a walk through the whole directory,
    0.6 s at a million and 2.3 s at ten million; looked up after the stretch, 0.15 and 0.5 s)."""
    wanted = limit + 1
    with searching():  # the conditions too: the commonness of a name is planned for it (_common_in_names)
        query = directory_query(filters, after=after)
        if dialect() != "postgresql":
            rows = list(db.session.scalars(query.limit(wanted)))
        elif _few_entities(filters):
            rows = _page_of(query, _looked_up(filters, after, wanted), wanted)
        else:
            rows = _walked_then_looked_up(filters, query, after, wanted)
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


def _walked_then_looked_up(
    filters: Filters, query: sa.Select[DirectoryEntry], after: int, wanted: int
) -> list[DirectoryEntry]:
    """The first ``wanted`` entries of ``query`` (the search after entry ``after``), as the planner would find them
    — unless it would walk the directory (:func:`_walks`): then those of the first :data:`WALKED_FIRST` entry ids,
    walked; and, if short, those after — looked up from their entities when the planner expects at most a
    :data:`LOOKUP_IN_ENTRIES`-th as many of those as the entries a walk would read, else walked on."""
    if not _walks(query.limit(wanted)):
        return list(db.session.scalars(query.limit(wanted)))
    end = after + WALKED_FIRST
    with local_settings(WALKED):
        rows = list(db.session.scalars(query.where(DirectoryEntry.id <= end).limit(wanted)))
    if len(rows) == wanted:
        return rows
    rest, short = query.where(DirectoryEntry.id > end), wanted - len(rows)
    if _lookups_pay(filters, after, end, found=len(rows), wanted=wanted):
        return rows + _page_of(rest, _looked_up(filters, end, short), short)
    with local_settings(WALKED):
        return rows + list(db.session.scalars(rest.limit(short)))


#: The indexes a walk reads in the order of the entry ids: the directory's primary key (the naming convention's,
#: core.database), and the two of the tags (migration 0043) that give a tag's entries in entry order — its index of
#: their entries and its key (department, tag, entry): a search by a common tag walks the tags (重点监管 at ten
#: million: 545,000).
WALKED_INDEXES = (f"pk_{DirectoryEntry.__tablename__}", "ix_directory_entry_tag_entry_id", "directory_entry_tag_pkey")


def _walks(statement: sa.Select) -> bool:
    """Whether the planner would find the entries of ``statement`` by walking the directory in the order of its
    ids: its plan's driving side — from the top, each node's outer input — ends in a read of one of
    :data:`WALKED_INDEXES`, with nothing sorted, hashed or merged on the way (the directory's key read as the inner
    side of a loop, an entry looked up by id, is no walk)."""
    node = plan_of(statement)
    while True:
        if node["Node Type"] in ("Sort", "Incremental Sort", "Hash", "Hash Join", "Merge Join"):
            return False
        inputs = [child for child in node.get("Plans", []) if child.get("Parent Relationship") in ("Outer", None)]
        if not inputs:
            return node.get("Index Name") in WALKED_INDEXES
        node = inputs[0]


def _page_of(query: sa.Select[DirectoryEntry], ids: list[int], wanted: int) -> list[DirectoryEntry]:
    """The entries of ``query`` among ``ids`` (found by :func:`_looked_up`), in order."""
    return list(db.session.scalars(query.where(DirectoryEntry.id.in_(ids)).limit(wanted)))


def _looked_up(filters: Filters, after: int, wanted: int) -> list[int]:
    """The ids of the first ``wanted`` entries matching ``filters`` after entry ``after``, all of them found first
    from their entities (:data:`LOOKED_UP`) — no LIMIT for the planner to walk towards — then sorted."""
    ids = (
        directory_query(filters, after=after, looked_up=True)
        .with_only_columns(DirectoryEntry.id)
        .order_by(None)
        .offset(0)
        .subquery()
    )
    with local_settings(LOOKED_UP):
        return list(db.session.scalars(sa.select(ids.c.id).order_by(ids.c.id).limit(wanted)))


def _few_entities(filters: Filters) -> bool:
    """Whether the planner expects the coded registry filters to hold for :data:`FEW_ENTITIES` entities or fewer. A
    name is left out: its share is a guess (:func:`_common_in_names`), and one guessed rare but common would make the
    search read all its entities."""
    coded = _coded_conditions(filters)
    return bool(coded) and planned_entities(*coded) <= FEW_ENTITIES


def _lookups_pay(filters: Filters, after: int, end: int, *, found: int, wanted: int) -> bool:
    """Whether the planner expects the registry filters, as the search asks them, to hold for at most a
    :data:`LOOKUP_IN_ENTRIES`-th as many entities as the entries a walk after entry ``end`` would read: all the
    department's entries left when the stretch after ``after`` held none of the ``wanted``, else as many stretches
    as the ``found`` there say the rest needs. Estimates the planner gets wrong only make the search slower."""
    conditions = _entity_conditions(filters)  # a common pair of characters estimated as matched (_common_in_names)
    if not conditions:
        return False
    left = _planned_entries(end)
    if found:
        left = min(left, (wanted - found) * (_planned_entries(after) - left) / found)
    return planned_entities(*conditions) * LOOKUP_IN_ENTRIES <= left


def _planned_entries(after: int) -> float:
    """How many of the department's entries the planner expects after entry ``after``."""
    return planned_rows(sa.select(DirectoryEntry.id).where(DirectoryEntry.id > after))


def directory_categories() -> list[str]:
    return [
        c
        for c in db.session.scalars(sa.select(DirectoryEntry.category).distinct().order_by(DirectoryEntry.category))
        if c
    ]


# --- the public directory (检查对象名录库向社会公布) ----------------------------------------------------


@dataclass(frozen=True)
class PublicEntry:
    """What the public may know of a target in a department's directory: what the registry makes public
    of the entity (name, 统一社会信用代码 or code, kind, industry, region) and the department's 监管类别 —
    never its risk class, tags, flags, credit rating, address or when it was last inspected."""

    name: str
    code: str
    entity_type: str
    industry_code: str
    region_code: str
    category: str


def _public_conditions(search: str) -> list[sa.ColumnElement[bool]]:
    return _entity_conditions(Filters(q=search)) if search.strip() else []


def public_entries(*, search: str = "", page: int = 1, per_page: int = PUBLIC_PER_PAGE) -> NumberedPage:
    """The current department's target directory as published (检查对象名录库, seed 003 三(二)), by name;
    ``search``: part of the name, or the start of the code."""
    with searching():
        query = (
            sa.select(
                Entity.name,
                Entity.code,
                Entity.entity_type,
                Entity.industry_code,
                Entity.region_code,
                DirectoryEntry.category,
            )
            .join(DirectoryEntry.entity)
            .where(*_public_conditions(search))
            .order_by(Entity.name, Entity.code)
        )
        return paginate(query, page=page, per_page=per_page, make=lambda row: PublicEntry(*row))


def public_entry_count() -> int:
    """How many targets the current department's directory lists."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(DirectoryEntry)) or 0
