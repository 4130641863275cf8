"""Reading the entity registry (市场主体名录) and the department's target directory (两库 · 检查对象
名录库): single rows, and searches with keyset pagination."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import contains_eager

from spotcheck.core.database import db, dialect, get_row, is_row_id, local_settings, searching
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.common.queries import NumberedPage, paginate
from spotcheck.tenants.directory.checks import risk_code
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.directory.policy import is_registry_keeper, require_registry_keeper

__all__ = ["Filters", "Page", "directory_categories", "entity_by_code", "entry_ids_by_entity", "get_entity",
           "get_entry", "is_registry_keeper", "name_holds", "require_registry_keeper", "resolve_entity",
           "risk_code", "public_entries", "public_entry_count", "directory_query", "search_directory",
           "search_registry"]

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
            raise ValidationFailed({"entity_id": [_l("No entity with this id in the registry.")]})
    elif entity_code and entity_code.strip():
        entity = entity_by_code(entity_code)
        if entity is None:
            raise ValidationFailed({"entity_code": [_l("No entity with this code in the registry.")]})
    else:
        raise ValidationFailed({"entity_code": [_l("Give the code (or the id) of a registry entity.")]})
    return entity


def entry_ids_by_entity(entity_ids) -> dict[int, int]:
    """For the given registry entities, the ids of the current department's entries pointing to them."""
    ids = list(entity_ids)
    if not ids:
        return {}
    rows = db.session.execute(sa.select(DirectoryEntry.entity_id, DirectoryEntry.id).where(DirectoryEntry.entity_id.in_(ids)))
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


def name_characters(column):
    """The characters of ``column`` (a name) compared byte by byte: the expression the names' indexes hold (the
    registry's and the public register's, migration 0046). PostgreSQL only."""
    return sa.func.string_to_array(sa.cast(column, sa.Text), sa.null()).collate("C")


def name_holds(column, text: str):
    """``column`` (a name) contains ``text``, found through the index of the names' characters: the names holding
    every character of ``text``, each checked by ``LIKE``. PostgreSQL only."""
    characters = sa.literal(sorted(set(text)), postgresql.ARRAY(sa.Text))
    return sa.and_(name_characters(column).op("@>")(characters), column.contains(text, autoescape=True))


#: A fragment of a name the planner expects in at least this share of the registry's names is found by walking the
#: directory (a match every two hundred entries or sooner); a rarer one through the index of the names' characters.
COMMON_NAME_SHARE = 0.005


def _planned_rows(statement: sa.Select) -> float:
    """How many rows the planner expects ``statement`` to give (``EXPLAIN``: planned for its values, not run —
    asked under :func:`~spotcheck.core.database.searching`, or a prepared statement's generic plan would answer for
    any values). PostgreSQL only."""
    compiled = statement.compile(db.session.get_bind())
    plan = db.session.connection().exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    return float(plan[0]["Plan"]["Plan Rows"])


def _common_in_names(text: str) -> bool:
    """Whether the planner expects ``text`` in :data:`COMMON_NAME_SHARE` of the registry's names or more, by its own
    statistics of the names (:func:`_planned_rows` of the condition :func:`_name_contains` would otherwise write).
    The index of the characters cannot tell it: 餐 and 饮 are each in a fifth of the names, and the planner, taking
    them for independent and ``LIKE`` for a further filter, expected 餐饮 in one name of a hundred; it read a fifth of
    the registry to sort it (0.2 s at a million) where walking finds fifty in a few hundred entries."""
    names = db.session.execute(sa.text("SELECT reltuples FROM pg_class WHERE oid = 'entity'::regclass")).scalar()
    if not names or names <= 0:
        return False
    return _planned_rows(sa.select(Entity.id).where(Entity.name.contains(text, autoescape=True))) \
        >= COMMON_NAME_SHARE * names


def _name_contains(text: str):
    """The entity's name contains ``text``. On PostgreSQL a rare one or two characters (钱顺, 临安) are looked up in
    the index of the names' characters (:func:`name_holds`): pg_trgm's trigrams, which serve a longer text, cannot
    find fewer than three characters; common ones (餐饮) are matched as they come (:func:`_common_in_names`)."""
    if len(text) <= 2 and dialect() == "postgresql" and not _common_in_names(text):
        return name_holds(Entity.name, text)
    return Entity.name.contains(text, autoescape=True)


def _entity_conditions(filters: Filters) -> list:
    """The filters on the registry's columns: the name or the start of the code (``q``), then
    :func:`_coded_conditions`."""
    conditions = []
    q = filters.q.strip()
    if q:
        if q.isascii() and q.replace("-", "").isalnum() and len(q) >= 4:
            conditions.append(sa.or_(Entity.code.startswith(q.upper(), autoescape=True), _name_contains(q)))
        else:
            conditions.append(_name_contains(q))
    return conditions + _coded_conditions(filters)


def _coded_conditions(filters: Filters) -> list:
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
        rows = list(db.session.scalars(sa.select(Entity).where(Entity.id > after, *_entity_conditions(filters))
                                       .order_by(Entity.id).limit(limit + 1)))
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


#: Each tag of each directory entry a row (PostgreSQL), kept by the directory's triggers (migration 0043).
TAGS = sa.table("directory_entry_tag", sa.column("tenant_id"), sa.column("tag"), sa.column("entry_id"))


def _tagged(tag: str):
    """Entries with the tag ``tag`` (标签). On PostgreSQL through the table of tags, found by its primary key: the
    directory is under row-level security, where the planner uses an index through a leakproof operator only
    (``=``, not ``LIKE``), and ``tags LIKE '%,粉尘涉爆,%'`` walked the whole directory for a rare tag. Elsewhere,
    and for a "tag" with a comma in it (a run of tags), by the column, which holds them as ",tag1,tag2,"."""
    if dialect() == "postgresql" and tag and "," not in tag:
        tenant = current_tenant_id()
        return DirectoryEntry.id.in_(sa.select(TAGS.c.entry_id).where(
            TAGS.c.tag == tag, *([TAGS.c.tenant_id == tenant] if tenant is not None else [])))
    return DirectoryEntry.tags.contains(f",{tag},", autoescape=True)


def _entry_conditions(filters: Filters) -> list:
    """The filters on the department's own columns of its directory: 监管类别, 风险等级, 标签."""
    conditions = []
    if filters.category:
        conditions.append(DirectoryEntry.category == filters.category)
    if filters.risk:
        conditions.append(DirectoryEntry.risk == (risk_code(filters.risk) or filters.risk))
    if filters.tag:
        conditions.append(_tagged(filters.tag.strip()))
    return conditions


#: A directory search whose coded registry filters (:func:`_coded_conditions`) the planner expects to hold for at most
#: this many entities starts from those entities (:func:`search_directory`): some 0.1 s of look-ups at most (5–10 µs
#: an entity), whatever else is asked — where a walk that finds its page at once takes 10 ms.
FEW_ENTITIES = 15_000
#: How the entries of those few entities are found: each entity's own looked up in the directory's index (a nested
#: loop), never by hashing the department's whole directory, which the planner, pricing look-ups high, preferred
#: from some ten thousand entities on (0.5 s at a million).
LOOKED_UP = {"enable_hashjoin": "off", "enable_mergejoin": "off"}


def directory_query(filters: Filters, *, after: int = 0) -> sa.Select:
    """The current department's directory entries matching ``filters`` after entry ``after``, by entry id: what
    :func:`search_directory` pages through."""
    return (sa.select(DirectoryEntry).join(DirectoryEntry.entity).options(contains_eager(DirectoryEntry.entity))
            .where(DirectoryEntry.id > after, *_entity_conditions(filters), *_entry_conditions(filters))
            .order_by(DirectoryEntry.id))


def search_directory(filters: Filters, *, after: int = 0, limit: int = PAGE_SIZE) -> Page:
    """The current department's directory entries matching ``filters`` (keyset by entry id).

    PostgreSQL walks the directory in the order of its ids until it has a page, unless the coded registry filters
    hold for few entities (:data:`FEW_ENTITIES`): then it starts from those entities, and a page is found in their
    number of look-ups even where the directory's own filters and the registry's rarely meet (一般市场主体 and
    industry C36: a walk through the whole directory, 0.6 s at a million and 3.9 s at ten million)."""
    with searching():  # the conditions too: the commonness of a name is planned for it (_common_in_names)
        query = directory_query(filters, after=after)
        if dialect() == "postgresql" and _few_entities(filters):
            query = query.where(DirectoryEntry.id.in_(_looked_up(query, limit + 1)))
        rows = list(db.session.scalars(query.limit(limit + 1)))
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


def _looked_up(query: sa.Select, wanted: int) -> list[int]:
    """The ids of the first ``wanted`` entries of ``query``, all its entries found first (:data:`LOOKED_UP`) — no
    LIMIT for the planner to walk towards — then sorted."""
    ids = query.with_only_columns(DirectoryEntry.id).order_by(None).offset(0).subquery()
    with local_settings(LOOKED_UP):
        return list(db.session.scalars(sa.select(ids.c.id).order_by(ids.c.id).limit(wanted)))


def _few_entities(filters: Filters) -> bool:
    """Whether the planner expects the coded registry filters to hold for :data:`FEW_ENTITIES` entities or fewer. A
    name is left out: its share is a guess (:func:`_common_in_names`), and one guessed rare but common would make the
    search read all its entities."""
    coded = _coded_conditions(filters)
    return bool(coded) and _planned_rows(sa.select(Entity.id).where(*coded)) <= FEW_ENTITIES


def directory_categories() -> list[str]:
    return [c for c in db.session.scalars(sa.select(DirectoryEntry.category).distinct().order_by(DirectoryEntry.category)) if c]


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


def _public_conditions(search: str) -> list:
    return _entity_conditions(Filters(q=search)) if search.strip() else []


def public_entries(*, search: str = "", page: int = 1, per_page: int = PUBLIC_PER_PAGE) -> NumberedPage:
    """The current department's target directory as published (检查对象名录库, seed 003 三(二)), by name;
    ``search``: part of the name, or the start of the code."""
    with searching():
        query = (sa.select(Entity.name, Entity.code, Entity.entity_type, Entity.industry_code, Entity.region_code,
                           DirectoryEntry.category)
                 .join(DirectoryEntry.entity).where(*_public_conditions(search))
                 .order_by(Entity.name, Entity.code))
        return paginate(query, page=page, per_page=per_page, make=lambda row: PublicEntry(*row))


def public_entry_count() -> int:
    """How many targets the current department's directory lists."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(DirectoryEntry)) or 0
