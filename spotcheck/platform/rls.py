"""PostgreSQL row-level security (行级安全) for tenant-owned tables, used by the migrations.

A row is visible and writable when its ``tenant_id`` is the transaction's ``app.tenant_id``; when it is one of
the departments a cross-department read opened, ``app.tenant_ids`` ("3,5,9": the reader's branch, or a joint
frame's departments, :func:`spotcheck.core.scoping.cross_tenant`); when the transaction is marked
``app.all_tenants = on`` (the platform's own path, :func:`spotcheck.core.scoping.system_access`); or, for rows of
no tenant, when it is marked ``app.platform = on`` (a platform administrator). With none set, no row matches.
ENABLE + FORCE: the policy binds the table owner too.

The scope computes the opened departments once per transaction and hands them over as that one setting: the
policy runs no look-up of regions, and reads the list once per statement (:data:`OPENED`), not once per row.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Protocol, cast

import sqlalchemy as sa
from flask import current_app

from spotcheck.platform.config import DB_ROLE_NAME, DEFAULT_DB_ROLE
from spotcheck.tenants.directory.models import ENTRY_INDUSTRY_COLUMN, DirectoryEntry

if TYPE_CHECKING:
    from alembic.runtime.environment import NameFilterType
    from sqlalchemy.engine import Connection
    from sqlalchemy.schema import Column, SchemaItem


class Migration(Protocol):
    """What these helpers use of a migration's ``op`` (the ``alembic.op`` module, or an ``Operations``)."""

    def get_bind(self) -> Connection: ...

    def execute(self, sqltext: str) -> None: ...


POLICY = "tenant_isolation"
PUBLIC_READ = "public_read"

#: The departments a cross-department read opened, as an array: an uncorrelated sub-select (the array
#: constructor ``ARRAY(SELECT …)``), which PostgreSQL evaluates once per statement (an InitPlan) and an index scan
#: may use as its key.
OPENED = "ARRAY(SELECT unnest(string_to_array(NULLIF(current_setting('app.tenant_ids', true), ''), ','))::integer)"

#: Whose rows a transaction reads and writes (:data:`POLICY`).
PREDICATE = (
    "(current_setting('app.all_tenants', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer "
    f"OR tenant_id = ANY ({OPENED}) "
    "OR (tenant_id IS NULL AND current_setting('app.platform', true) = 'on'))"
)


def enable(op: Migration, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING {PREDICATE} WITH CHECK {PREDICATE}")


def enable_public_read(op: Migration, table: str) -> None:
    """A public register (the published results): anyone may read every row; rows are written
    only in their own tenant, as in :func:`enable`."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY {PUBLIC_READ} ON {table} FOR SELECT USING (true)")
    op.execute(f"CREATE POLICY {POLICY} ON {table} USING {PREDICATE} WITH CHECK {PREDICATE}")


SHARED = "shared_with_receiver"
#: Which rows a receiving department reads and acknowledges (:data:`SHARED`): those it receives, or, in a read
#: across departments, those one of the opened departments receives.
RECEIVER = (
    "receiver_tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer "
    f"OR receiver_tenant_id = ANY ({OPENED})"
)


def enable_shared_with_receiver(op: Migration, table: str) -> None:
    """Rows of one tenant shared with one receiving tenant (a transfer 移送): the owner as in
    :func:`enable`; the receiver named in the row (``receiver_tenant_id``) may read it and update
    it (acknowledge), never insert one or pass it on to a third tenant."""
    if op.get_bind().dialect.name != "postgresql":
        return
    enable(op, table)
    op.execute(f"CREATE POLICY {SHARED}_read ON {table} FOR SELECT USING ({RECEIVER})")
    op.execute(f"CREATE POLICY {SHARED}_update ON {table} FOR UPDATE USING ({RECEIVER}) WITH CHECK ({RECEIVER})")


JOINT = "joint_participants_read"


def joint_read_predicate(table: str, key: str) -> str:
    """Rows of a joint campaign (联合抽查) visible to the participants of that campaign: inside the
    joint scope (``app.joint_campaign``), the row's joint campaign is that one and the current
    department is named by a reading row of its participants."""
    key = f"{table}.{key}"  # qualified: inside the subquery a bare "id" would be the participant's
    return (
        f"({key} = NULLIF(current_setting('app.joint_campaign', true), '')::integer "
        f"AND EXISTS (SELECT 1 FROM joint_participant p WHERE p.campaign_id = {key} "
        f"AND p.receiver_tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::integer "
        f"AND p.status IN ('invited', 'accepted', 'approved')))"
    )


def enable_joint_read(op: Migration, table: str, key: str) -> None:
    """A table with :func:`enable` (or the shared variant) already on: add the read policy "visible
    to the participants of this joint campaign" (:class:`spotcheck.core.scoping.JointShared`);
    ``key`` is the column holding the joint campaign's id. Participants never write these rows."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE POLICY {JOINT} ON {table} FOR SELECT USING {joint_read_predicate(table, key)}")


def disable_joint_read(op: Migration, table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP POLICY IF EXISTS {JOINT} ON {table}")


AREA_READ = "area_read"


def enable_area_read(op: Migration, table: str, using: str) -> None:
    """A table with :func:`enable` already on: add the read policy of an area's read (``app.area``, a region's
    registry-code prefix, set by :func:`spotcheck.core.scoping.cross_tenant` with ``area=``): the rows ``using``
    names, whichever department holds them, as the model's ``area_rows`` says
    (:class:`spotcheck.core.scoping.AreaReadable`). Read only: ``FOR SELECT``, no write policy."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE POLICY {AREA_READ} ON {table} FOR SELECT USING (current_setting('app.area', true) <> '' AND ({using}))"
    )


def disable_area_read(op: Migration, table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP POLICY IF EXISTS {AREA_READ} ON {table}")


def tables_with_policy(op: Migration, policy: str) -> list[str]:
    """The tables of the schema that have the policy named ``policy`` (none off PostgreSQL)."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return []
    rows = bind.execute(
        sa.text(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname = :policy "
            "ORDER BY tablename"
        ),
        {"policy": policy},
    )
    return [str(name) for (name,) in rows]


def set_predicates(op: Migration, predicate: str, receiver: str) -> None:
    """Every table's department policy (:data:`POLICY`) anew with ``predicate``, and every shared table's
    receiver policies (:data:`SHARED`) with ``receiver``: the same tables, the same commands, other conditions."""
    for table in tables_with_policy(op, POLICY):
        op.execute(f"ALTER POLICY {POLICY} ON {table} USING {predicate} WITH CHECK {predicate}")
    for table in tables_with_policy(op, f"{SHARED}_read"):
        op.execute(f"ALTER POLICY {SHARED}_read ON {table} USING ({receiver})")
    for table in tables_with_policy(op, f"{SHARED}_update"):
        op.execute(f"ALTER POLICY {SHARED}_update ON {table} USING ({receiver}) WITH CHECK ({receiver})")


def disable_shared_with_receiver(op: Migration, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {SHARED}_read ON {table}")
    op.execute(f"DROP POLICY IF EXISTS {SHARED}_update ON {table}")
    disable(op, table)


def disable_public_read(op: Migration, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {PUBLIC_READ} ON {table}")
    disable(op, table)


def disable(op: Migration, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
    op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


def app_role() -> str:
    """The application role the migrations grant to: ``SPOTCHECK_DB_ROLE`` of the app running them."""
    try:
        role = current_app.config["SPOTCHECK_DB_ROLE"]
    except RuntimeError:  # no application (Alembic run by hand): the default
        role = DEFAULT_DB_ROLE
    if not DB_ROLE_NAME.match(role or ""):
        raise ValueError(f"not a role name: {role!r}")
    return role


def create_app_role(op: Migration, role: str | None = None) -> None:
    """The application role: may read and write rows, owns nothing; the audit trail is insert-only.

    Roles belong to the whole cluster, not to a database: two migrations on two databases at once
    (the test workers, two deployments) may both find the role missing and both create it; the
    second then waits for the first and finds the name taken, which is what it wanted."""
    if op.get_bind().dialect.name != "postgresql":
        return
    role = role or app_role()
    op.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"BEGIN CREATE ROLE {role} NOLOGIN; "
        f"EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END; "
        f"END IF; END $$"
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}")


def grant_tables(op: Migration, tables: list[str], role: str | None = None) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    role = role or app_role()
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(tables)} TO {role}")
    op.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")


def append_only(op: Migration, table: str, role: str | None = None) -> None:
    """The application may only read and add rows (the audit trail)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {role or app_role()}")


def trigram_index(op: Migration, table: str, column: str) -> None:
    """A pg_trgm GIN index for substring search (``name LIKE '%…%'``), when the extension can be had."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; "
        "EXCEPTION WHEN insufficient_privilege OR undefined_file THEN "
        "RAISE NOTICE 'pg_trgm not available: name search will scan'; END $$"
    )
    op.execute(
        f"DO $$ BEGIN IF EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_trgm') THEN "
        f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops); "
        f"END IF; END $$"
    )


def drop_trigram_index(op: Migration, table: str, column: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_trgm")


def pattern_index(op: Migration, table: str, column: str) -> None:
    """A ``text_pattern_ops`` B-tree for prefix search (``code LIKE '9133%'``): the plain index
    follows the database's collation, which prefix matching cannot use unless it is "C"."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_{table}_{column}_pattern ON {table} ({column} text_pattern_ops)")


def drop_pattern_index(op: Migration, table: str, column: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{column}_pattern")


def earlier_migration(here: str, file: str) -> ModuleType:
    """The migration ``file`` beside the migration at ``here``, loaded: a downgrade puts back what an earlier one
    wrote from that one's own text, rather than from a copy."""
    spec = importlib.util.spec_from_file_location(f"migration_{file.partition('_')[0]}", Path(here).with_name(file))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: Tables the database keeps for its own functions, with no model (PostgreSQL only): the record of the registry's
#: first loads, whose check refuses a commit that left the registry's indexes suspended (migration 0042); each
#: directory entry's tags a row, kept by the directory's triggers for its search (migration 0043).
DATABASE_OWN_TABLES = ("registry_first_load", "directory_entry_tag")
#: Columns the database keeps for its search, with no model attribute (PostgreSQL only), as (table, column), and
#: their indexes: each directory entry's copy of its entity's industry (migration 0054).
DATABASE_OWN_COLUMNS = ((DirectoryEntry.__tablename__, ENTRY_INDUSTRY_COLUMN),)
DATABASE_OWN_INDEXES = ("ix_directory_entry_category_industry",)


def include_object(
    obj: SchemaItem, name: str | None, type_: NameFilterType, reflected: bool, compare_to: SchemaItem | None
) -> bool:
    """For Alembic's model comparison: the PostgreSQL-only search indexes of names (trigrams, characters) and the
    database's own tables, columns and indexes exist only in the database (the codes' pattern indexes are gone since
    migration 0047)."""
    if type_ == "column":
        column = cast("Column[object]", obj)  # Alembic passes a column for type_ "column"
        return (column.table.name, name) not in DATABASE_OWN_COLUMNS
    if name in {"table": DATABASE_OWN_TABLES, "index": DATABASE_OWN_INDEXES}.get(type_, ()):
        return False
    return not (type_ == "index" and name and name.endswith(("_trgm", "_characters")))
