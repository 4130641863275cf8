"""A department's directory file merged at once (检查对象名录库导入): every row of the file staged in a temporary
table, then the registry and the department's directory written by a few statements over all of them — on
PostgreSQL and SQLite alike, in the caller's transaction.

The registry keeper's file (market regulation's) changes the entities already held in the columns the file has;
another department's leaves them as they are and counts them as kept. New entities are written in the order of
the file, a city's first load (:func:`bulk.is_first_load`) with the registry's indexes built once afterwards, as
the bulk import writes them. The department's entries are then added, and those held changed in the columns the
file has. Each count the import reports is read off the staged rows before what it counts is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import count as counter

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db, dialect, dialect_insert, table_of
from spotcheck.core.scoping import TenantViolationError, current_tenant_id
from spotcheck.tenants.directory import bulk
from spotcheck.tenants.directory.models import DirectoryEntry, Entity

#: What the import reports: the department's entries created, changed and unchanged; the registry's entities
#: created and changed, and those another department's file would have changed but the registry kept.
COUNTS = ("created", "changed", "unchanged", "entities_created", "entities_changed", "registry_kept")
#: The staged columns: a registry entity's (``checks.clean_entity``) and its directory entry's (``clean_entry``).
STAGED = (*bulk.ENTITY_FIELDS, *bulk.ENTRY_FIELDS)
CHUNK = 2_000  # rows per executemany into the staging table on SQLite


class DirectoryFileMerge:
    """The merge of one file into the current department's directory: :meth:`stage` its rows, then
    :meth:`write_registry` and :meth:`write_entries`; ``counts`` holds what each step counted.
    ``entity_keys`` and ``entry_keys``: the columns the file has, which alone change what is held."""

    def __init__(self, *, entity_keys: Sequence[str], entry_keys: Sequence[str], keeps_registry: bool):
        tenant_id = current_tenant_id()
        if tenant_id is None:
            raise TenantViolationError("a directory file is merged into a department's directory, in its scope")
        self.tenant_id, self.keeps_registry = tenant_id, keeps_registry
        self.changing = [key for key in entity_keys if key != "code"]  # never empty: a file holds the name
        self.entry_keys = list(entry_keys)
        self.counts = dict.fromkeys(COUNTS, 0)
        self.rows = 0
        entity = table_of(Entity)
        entry = table_of(DirectoryEntry)
        self.staged = sa.table(
            bulk.stage_name("directory_file"),
            sa.column("ord", sa.BigInteger),
            *(sa.column(name, entity.c[name].type) for name in bulk.ENTITY_FIELDS),
            *(sa.column(name, entry.c[name].type) for name in bulk.ENTRY_FIELDS),
        )

    @property
    def connection(self) -> sa.Connection:
        """The session's connection, as it is now (the rows are staged in one savepoint and merged in another)."""
        return db.session.connection()

    def stage(self, rows: Iterable[dict]) -> int:
        """Stage ``rows`` (an entity's and its entry's fields together, as cleaned), in the order given; returns
        their number."""
        name = self.staged.name
        bulk.create_stage(self.connection, name, bulk.ENTITY_FIELDS, bulk.ENTRY_FIELDS)
        if dialect() == "postgresql":
            self.rows = bulk.copy_into_stage(self.connection, name, STAGED, rows, None)
        else:
            numbers = counter(1)
            for batch in bulk.batches(rows, CHUNK):
                self.connection.execute(
                    sa.insert(self.staged), [{"ord": next(numbers), **{c: row.get(c) for c in STAGED}} for row in batch]
                )
                self.rows += len(batch)
        return self.rows

    def write_registry(self) -> None:
        """The entities of the file the registry lacks added; those it holds changed in the file's columns when
        the department keeps the registry, else counted as kept."""
        if dialect() == "postgresql":  # the merge's joins planned for the staged rows' real number (not a bad file's)
            self.connection.exec_driver_sql(f"ANALYZE {self.staged.name}")
        entity, stage = table_of(Entity), self.staged
        new = ~sa.exists().where(entity.c.code == stage.c.code)
        self.counts["entities_created"] = self._count(sa.select(sa.func.count()).select_from(stage).where(new))
        differs = sa.or_(*(entity.c[key].is_distinct_from(stage.c[key]) for key in self.changing))
        if self.keeps_registry:
            self.counts["entities_changed"] = self.connection.execute(
                sa.update(entity)
                .where(entity.c.code == stage.c.code, differs)
                .values({**{key: stage.c[key] for key in self.changing}, "updated_at": clock.now()})
            ).rowcount
        else:
            self.counts["registry_kept"] = self._count(
                sa.select(sa.func.count()).select_from(stage.join(entity, entity.c.code == stage.c.code)).where(differs)
            )
        if not self.counts["entities_created"]:
            return
        if dialect() == "postgresql" and bulk.is_first_load(self.connection, self.counts["entities_created"]):
            bulk.first_load_merge(self.connection, stage.name, update=False)
            return
        insert = dialect_insert(entity).from_select(
            [*bulk.ENTITY_FIELDS, "updated_at"],
            sa.select(
                *(stage.c[name] for name in bulk.ENTITY_FIELDS), sa.literal(clock.now(), entity.c.updated_at.type)
            )
            .where(new)
            .order_by(stage.c.ord),
        )
        # an entity another department's import added meanwhile is theirs: kept as it is, as one held before, and
        # not counted as created by this file
        self.counts["entities_created"] = self.connection.execute(
            insert.on_conflict_do_nothing(index_elements=[entity.c.code]).execution_options(preserve_rowcount=True)
        ).rowcount

    def write_entries(self) -> None:
        """The department's entries of the file's entities added, those held changed in the file's columns."""
        entity, entry, stage = table_of(Entity), table_of(DirectoryEntry), self.staged
        tenant = sa.literal(self.tenant_id, entry.c.tenant_id.type)
        named = stage.join(entity, entity.c.code == stage.c.code)
        held = sa.exists().where(entry.c.tenant_id == tenant, entry.c.entity_id == entity.c.id)
        self.counts["created"] = self._count(sa.select(sa.func.count()).select_from(named).where(~held))
        if self.entry_keys:
            self.counts["changed"] = self.connection.execute(
                sa.update(entry)
                .where(
                    entry.c.tenant_id == tenant,
                    entry.c.entity_id == entity.c.id,
                    entity.c.code == stage.c.code,
                    sa.or_(*(entry.c[key].is_distinct_from(stage.c[key]) for key in self.entry_keys)),
                )
                .values({key: stage.c[key] for key in self.entry_keys})
            ).rowcount
        if self.counts["created"]:
            self.connection.execute(
                sa.insert(entry).from_select(
                    ["tenant_id", "entity_id", *bulk.ENTRY_FIELDS, "created_at"],
                    sa.select(
                        tenant,
                        entity.c.id,
                        *(stage.c[name] for name in bulk.ENTRY_FIELDS),
                        sa.literal(clock.now(), entry.c.created_at.type),
                    )
                    .select_from(named)
                    .where(~held)
                    .order_by(stage.c.ord),
                )
            )
        self.counts["unchanged"] = self.rows - self.counts["created"] - self.counts["changed"]
        self.discard()

    def discard(self) -> None:
        """The staged rows dropped (a merge left undone, or done)."""
        self.connection.exec_driver_sql(f"DROP TABLE IF EXISTS {self.staged.name}")

    def _count(self, statement: sa.Select) -> int:
        return int(self.connection.execute(statement).scalar_one())
