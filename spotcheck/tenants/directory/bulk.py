"""Bulk writes to the registry and the directories (两库 · 批量导入: imports of up to millions of rows).

On PostgreSQL the rows are streamed with ``COPY … FROM STDIN`` into a temporary staging table
(``ON COMMIT DROP``) and merged with one ``INSERT … SELECT … ON CONFLICT … DO UPDATE``; on
SQLite they go in chunks through ``executemany`` with the same upsert. Either way everything
runs in the caller's transaction (``db.session.connection()``): the caller commits all or
nothing, and a rollback leaves no trace.

``rows`` may be a generator. To validate while streaming (no second pass over a million rows),
let the generator clean each row and raise once it has seen a bad one, e.g. after the last row:
nothing is merged, the exception reaches the caller, who rolls back and reports the errors.

``progress(n)`` is called with the number of rows read so far, between two COPY batches (or
executemany chunks) and once more at the end, when every row is in the table. It runs on the
same connection while the import's transaction is open: it must not commit or roll back the
session (that would end the all-or-nothing import and drop the staging table).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import Insert, insert as sqlite_insert

from spotcheck.core import clock
from spotcheck.core.database import db, local_setting, table_of
from spotcheck.core.scoping import TenantViolationError, current_scope
from spotcheck.tenants.directory import inputs
from spotcheck.tenants.directory.models import ENTRY_INDUSTRY_COLUMN, DirectoryEntry, Entity

#: The registry columns an import sets (as returned by ``checks.clean_entity``; declared in ``inputs``).
ENTITY_FIELDS = tuple(field.name for field in inputs.ENTITY_FIELDS)
#: Those columns as a list of SQL, and those a later row may change (all but the code it is matched by).
_COLUMNS = ", ".join(ENTITY_FIELDS)
_CHANGING = [c for c in ENTITY_FIELDS if c != "code"]
#: A department's own columns of a directory entry (as returned by ``checks.clean_entry``).
ENTRY_FIELDS = tuple(field.name for field in inputs.ENTRY_FIELDS)

COPY_BATCH = 50_000  # rows per COPY statement on PostgreSQL (progress is reported between them)

#: An import of at least this many entities that outnumber the registry (a first load) builds the registry's
#: search indexes and its unique code once after its merge instead of updating them row by row (migrations
#: 0041, 0042): at a million rows the merge took 10.3 s kept up, 6.0 s with the code's index built afterwards.
REBUILD_FROM = 50_000
CHUNK = 2_000  # rows per executemany on SQLite
#: The memory each sort of a merge may take (PostgreSQL's ``work_mem``, for the merge's statement only): a million
#: staged rows are sorted in the file's order (and, where codes may repeat, first by code to keep the later row),
#: in memory rather than in runs on disk at the server's default of 4 MB.
MERGE_WORK_MEM = "256MB"

Progress = Callable[[int], None] | None
#: A row as ``checks.clean_entity`` or ``checks.clean_entry`` returns it (column → value), with an entry's ``code``.
Row = Mapping[str, object]
_T = TypeVar("_T")


class UnknownEntitiesError(LookupError):
    """Directory rows name entities that are not in the registry (``codes``: the first few)."""

    def __init__(self, codes: list[str], count: int):
        super().__init__(f"{count} row(s) name entities not in the registry, e.g. {', '.join(codes)}")
        self.codes, self.count = codes, count


def upsert_entities(rows: Iterable[Row], *, progress: Progress = None) -> int:
    """Insert or update registry entities by code (rows already cleaned by ``clean_entity``).

    A row whose code is already in the registry updates that entity (only when something
    changed; ``updated_at`` moves then). When a code appears twice, the later row wins. New
    entities are numbered in the order of the rows. Returns the number of rows read.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return _pg_upsert_entities(connection, rows, progress)
    return _sqlite_upsert_entities(rows, progress)


def upsert_directory_entries(tenant_id: int, rows: Iterable[Row], *, progress: Progress = None) -> int:
    """Insert or update directory entries of department ``tenant_id`` for registry entities.

    Each row has the entity's ``code`` plus the fields of ``clean_entry`` (category, risk, tags,
    last_inspected_on). An existing entry of the same entity is updated; a row without
    ``last_inspected_on`` keeps the date already known. Every code must be in the registry
    (else :class:`UnknownEntitiesError`, and nothing should be committed). ``tenant_id`` must be the
    current tenant (or the scope must be the platform's own, e.g. the demo loader).
    Returns the number of rows read.
    """
    scope = current_scope()
    if not scope.reaches(tenant_id):
        raise TenantViolationError(f"directory entries of tenant {tenant_id} written in tenant {scope.tenant_id}")
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return _pg_upsert_entries(connection, tenant_id, rows, progress)
    return _sqlite_upsert_entries(tenant_id, rows, progress)


# --- PostgreSQL: COPY into a staging table, one INSERT … ON CONFLICT --------------------------


def batches(rows: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``rows`` in lists of ``size`` (the last one shorter), read as they are needed."""
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def copy_into_stage(
    connection: sa.Connection, stage: str, columns: tuple[str, ...], rows: Iterable[Row], progress: Progress
) -> int:
    """Stream ``rows`` into ``stage`` (with a running ``ord`` column); returns the number of rows."""
    cursor = connection.connection.cursor()  # the psycopg cursor of the session's own transaction
    count = 0
    try:
        for batch in batches(rows, COPY_BATCH):
            with cursor.copy(f"COPY {stage} (ord, {', '.join(columns)}) FROM STDIN") as copy:
                for row in batch:
                    count += 1
                    copy.write_row((count, *[row.get(name) for name in columns]))
            if progress:
                progress(count)
    finally:
        cursor.close()
    return count


def stage_name(kind: str) -> str:
    """A new temporary staging table's name for rows of ``kind``."""
    return f"stage_{kind}_{uuid.uuid4().hex[:12]}"


def create_stage(
    connection: sa.Connection, stage: str, entity_columns: Iterable[str] = (), entry_columns: Iterable[str] = ()
) -> None:
    """The empty temporary table ``stage``: a running ``ord``, then ``entity_columns`` of the registry and
    ``entry_columns`` of a directory entry, each as its table has it (its collation too). Dropped at the commit on
    PostgreSQL; gone with a rollback on either database."""
    columns = [*(f"e.{c}" for c in entity_columns), *(f"d.{c}" for c in entry_columns)]
    dropped = " ON COMMIT DROP" if connection.dialect.name == "postgresql" else ""
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE {stage}{dropped} AS SELECT CAST(0 AS BIGINT) AS ord, "
        f"{', '.join(columns)} FROM entity e CROSS JOIN directory_entry d WHERE false"
    )


def _not_equal(columns: Iterable[str], target: str, source: str = "EXCLUDED") -> str:
    return " OR ".join(f"{target}.{c} IS DISTINCT FROM {source}.{c}" for c in columns)


def _set_from(columns: Iterable[str], source: str) -> str:
    return ", ".join(f"{c} = {source}.{c}" for c in columns)


def is_first_load(connection: sa.Connection, count: int) -> bool:
    """Whether ``count`` staged rows are many and outnumber the registry (a city's or a province's first load,
    before anyone works on it): then its search indexes and its unique code are dropped for the merge and built
    again after it, in the import's transaction, which holds the registry locked until it commits."""
    if count < REBUILD_FROM:
        return False
    held = connection.exec_driver_sql(
        "SELECT count(*) FROM (SELECT 1 FROM entity LIMIT %s) AS registry", (count,)
    ).scalar_one()
    return held < count


def _merge(connection: sa.Connection, statement: str, parameters: Mapping[str, object] | None = None) -> None:
    """Run one merge statement with :data:`MERGE_WORK_MEM` for its sorts, and the setting it had again after it."""
    with local_setting("work_mem", MERGE_WORK_MEM):
        connection.execute(sa.text(statement), parameters or {})


def _pg_upsert_entities(connection: sa.Connection, rows: Iterable[Row], progress: Progress) -> int:
    stage = stage_name("entity")
    create_stage(connection, stage, ENTITY_FIELDS)
    count = copy_into_stage(connection, stage, ENTITY_FIELDS, rows, progress)
    if count:
        if is_first_load(connection, count):
            first_load_merge(connection, stage)
        else:
            _upsert_merge(connection, stage)
    connection.exec_driver_sql(f"DROP TABLE {stage}")
    if progress:
        progress(count)
    return count


def _latest(stage: str) -> str:
    """The staged rows, the later of two with the same code winning, as the subquery ``latest``."""
    return f"(SELECT DISTINCT ON (code) * FROM {stage} ORDER BY code, ord DESC) latest"


def _inserted(source: str, where: str = "") -> str:
    """The statement writing the rows of ``source`` (a staged table or subquery named ``latest``) that meet
    ``where`` into the registry, new entities getting their ids in the order of the file."""
    return f"INSERT INTO entity ({_COLUMNS}, updated_at) SELECT {_COLUMNS}, now() FROM {source} {where} ORDER BY ord"


def _upsert_merge(connection: sa.Connection, stage: str) -> None:
    """New entities inserted in the order of the file, the held ones updated where something changed."""
    _merge(
        connection,
        f"{_inserted(_latest(stage))} "
        f"ON CONFLICT (code) DO UPDATE SET {_set_from(_CHANGING, 'EXCLUDED')}, updated_at = EXCLUDED.updated_at "
        f"WHERE {_not_equal(_CHANGING, 'entity')}",
    )


def first_load_merge(connection: sa.Connection, stage: str, *, update: bool = True) -> None:
    """The same for a first load (:func:`is_first_load`) of the rows staged in ``stage``: the registry locked
    (nobody writes an entity meanwhile), the few entities held updated unless not to ``update`` them, then the new
    ones written with no index to keep up (migrations 0041, 0042). The staged rows are written as they come — the
    codes of a registry's file are distinct — and the unique code, built again first (migration 0049), tells
    otherwise: that attempt is undone and the later row of each code written instead."""
    connection.exec_driver_sql("LOCK TABLE entity IN SHARE ROW EXCLUSIVE MODE")
    held = connection.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM entity)").scalar()
    if held and update:
        _merge(
            connection,
            f"UPDATE entity SET {_set_from(_CHANGING, 'latest')}, updated_at = now() "
            f"FROM {_latest(stage)} WHERE entity.code = latest.code AND ({_not_equal(_CHANGING, 'entity', 'latest')})",
        )
    connection.exec_driver_sql("SELECT spotcheck_suspend_indexes('entity')")
    new = "WHERE NOT EXISTS (SELECT 1 FROM entity held WHERE held.code = latest.code)" if held else ""
    if not _written_with_distinct_codes(connection, _inserted(f"{stage} latest", new)):
        _merge(connection, _inserted(_latest(stage), new))
        connection.exec_driver_sql("SELECT spotcheck_restore_indexes('entity')")


#: PostgreSQL's code for a unique constraint that refused a row (``unique_violation``).
UNIQUE_VIOLATION = "23505"


def _written_with_distinct_codes(connection: sa.Connection, insert: str) -> bool:
    """Run ``insert`` and build the registry's indexes again, in a savepoint: True when done, False when the unique
    code refused a code written twice (nothing of the attempt kept, the indexes still suspended)."""
    try:
        with connection.begin_nested():
            _merge(connection, insert)
            connection.exec_driver_sql("SELECT spotcheck_restore_indexes('entity')")
    except sa.exc.IntegrityError as error:
        if getattr(error.orig, "sqlstate", None) != UNIQUE_VIOLATION:
            raise
        return False
    return True


def _pg_upsert_entries(connection: sa.Connection, tenant_id: int, rows: Iterable[Row], progress: Progress) -> int:
    """The entries staged, merged; a new one carries its entity's industry (:data:`ENTRY_INDUSTRY_COLUMN`) from
    the join that finds its entity, rather than from the trigger that would look it up again row by row — the
    entities locked first (``FOR SHARE``), as the trigger locks its one, so that no change of an industry committed
    meanwhile is missed."""
    stage = stage_name("entry")
    fields = ("code", *ENTRY_FIELDS)
    create_stage(connection, stage, ("code",), ENTRY_FIELDS)
    count = copy_into_stage(connection, stage, fields, rows, progress)
    if count:
        unknown = connection.exec_driver_sql(
            f"SELECT s.code, count(*) OVER () FROM {stage} s LEFT JOIN entity e ON e.code = s.code "
            f"WHERE e.id IS NULL ORDER BY s.ord LIMIT 10"
        ).all()
        if unknown:
            raise UnknownEntitiesError([code for code, _ in unknown], unknown[0][1])
        # the entities named locked against a change of industry until the import commits (the entry's copy of it)
        connection.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT 1 FROM entity e JOIN {stage} s ON e.code = s.code FOR SHARE OF e) AS locked"
        )
        _merge(
            connection,
            (
                f"INSERT INTO directory_entry "
                f"(tenant_id, entity_id, category, risk, tags, last_inspected_on, created_at, "
                f"{ENTRY_INDUSTRY_COLUMN}) "
                f"SELECT :tenant, entity_id, category, risk, tags, last_inspected_on, now(), industry_code FROM ("
                f"SELECT DISTINCT ON (e.id) e.id AS entity_id, s.category, s.risk, s.tags, s.last_inspected_on, s.ord, "
                f"e.industry_code "
                f"FROM {stage} s JOIN entity e ON e.code = s.code ORDER BY e.id, s.ord DESC) latest ORDER BY ord "
                f"ON CONFLICT (tenant_id, entity_id) DO UPDATE SET category = EXCLUDED.category, risk = EXCLUDED.risk, "
                f"tags = EXCLUDED.tags, "
                f"last_inspected_on = COALESCE(EXCLUDED.last_inspected_on, directory_entry.last_inspected_on) "
                f"WHERE directory_entry.category IS DISTINCT FROM EXCLUDED.category "
                f"OR directory_entry.risk IS DISTINCT FROM EXCLUDED.risk "
                f"OR directory_entry.tags IS DISTINCT FROM EXCLUDED.tags "
                f"OR (EXCLUDED.last_inspected_on IS NOT NULL "
                f"AND directory_entry.last_inspected_on IS DISTINCT FROM EXCLUDED.last_inspected_on)"
            ),
            {"tenant": tenant_id},
        )
    connection.exec_driver_sql(f"DROP TABLE {stage}")
    if progress:
        progress(count)
    return count


# --- SQLite (the embedded database): chunked executemany with the same upsert -----------------


def _entity_statement() -> Insert:
    table = table_of(Entity)
    statement = sqlite_insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.code],
        set_={**{c: statement.excluded[c] for c in _CHANGING}, "updated_at": statement.excluded.updated_at},
        where=sa.or_(*[table.c[c].is_distinct_from(statement.excluded[c]) for c in _CHANGING]),
    )


def _sqlite_upsert_entities(rows: Iterable[Row], progress: Progress) -> int:
    statement = _entity_statement()
    moment = clock.now()
    count = 0
    for batch in batches(rows, CHUNK):
        latest = {_code(row): row for row in batch}  # within a chunk the later row wins (as on PostgreSQL)
        db.session.execute(
            statement, [{**{c: row.get(c) for c in ENTITY_FIELDS}, "updated_at": moment} for row in latest.values()]
        )
        count += len(batch)
        if progress:
            progress(count)
    if progress:
        progress(count)
    return count


def _code(row: Row) -> str:
    """The entity code of a cleaned row (a string: ``clean_entry`` checked it)."""
    return cast(str, row["code"])


def _sqlite_upsert_entries(tenant_id: int, rows: Iterable[Row], progress: Progress) -> int:
    table = table_of(DirectoryEntry)
    entity = table_of(Entity)
    statement = sqlite_insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.tenant_id, table.c.entity_id],
        set_={
            "category": statement.excluded.category,
            "risk": statement.excluded.risk,
            "tags": statement.excluded.tags,
            "last_inspected_on": sa.func.coalesce(statement.excluded.last_inspected_on, table.c.last_inspected_on),
        },
        where=sa.or_(
            table.c.category.is_distinct_from(statement.excluded.category),
            table.c.risk.is_distinct_from(statement.excluded.risk),
            table.c.tags.is_distinct_from(statement.excluded.tags),
            sa.and_(
                statement.excluded.last_inspected_on.is_not(None),
                table.c.last_inspected_on.is_distinct_from(statement.excluded.last_inspected_on),
            ),
        ),
    )
    moment = clock.now()
    count = 0
    for batch in batches(rows, CHUNK):
        codes = {_code(row) for row in batch}
        ids = dict(db.session.execute(sa.select(entity.c.code, entity.c.id).where(entity.c.code.in_(codes))).all())
        unknown = sorted(codes - ids.keys())
        if unknown:
            raise UnknownEntitiesError(unknown[:10], len(unknown))
        latest = {_code(row): row for row in batch}
        db.session.execute(
            statement,
            [
                {
                    "tenant_id": tenant_id,
                    "entity_id": ids[code],
                    "created_at": moment,
                    **{f: row.get(f) for f in ENTRY_FIELDS},
                }
                for code, row in latest.items()
            ],
        )
        count += len(batch)
        if progress:
            progress(count)
    if progress:
        progress(count)
    return count
