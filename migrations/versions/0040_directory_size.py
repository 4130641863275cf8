"""检查对象名录库规模（按日）: each department's directory entries joined and removed per day, kept by triggers

``directory_size``: per department and day (Beijing time) the entries that joined its directory and those removed
from it. The triggers keep it whoever writes ``directory_entry`` or ``removed_entry`` — a command, an import's
``INSERT … ON CONFLICT``, the demo's SQL: on PostgreSQL one statement-level trigger a table and change (its rows
counted per department and day, so an import of a million entries adds a few rows here), on SQLite one a row. A
change of an entry's ``created_at`` or department (or of a removed entry's dates) moves its count. The supervisor's
figures then sum days instead of counting a province's millions of entries at each load. The days so far are
counted once here. A later migration that has SQLite rebuild ``directory_entry`` or ``removed_entry`` (a batch
alteration) drops their triggers there and must create them again (``_triggers``);
``tests/commands/test_directory_size.py`` compares the tally with a count of the entries on both databases.

Revision ID: 0040
Revises: 0039
Create Date: 2026-11-25 20:30:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

PG_DAY = "(({0}) AT TIME ZONE 'Asia/Shanghai')::date"
SQLITE_DAY = "date({0}, '+8 hours')"

PG_ADD = """
CREATE OR REPLACE FUNCTION spotcheck_directory_size_add(p_tenant integer, p_at timestamptz, p_joined integer,
                                                        p_removed integer) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO directory_size AS s (tenant_id, day, joined, removed)
  VALUES (p_tenant, {day_of_p_at}, p_joined, p_removed)
  ON CONFLICT (tenant_id, day) DO UPDATE SET joined = s.joined + EXCLUDED.joined, removed = s.removed + EXCLUDED.removed
$$
"""
PG_COUNTED = """
CREATE OR REPLACE FUNCTION spotcheck_directory_size() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  sign integer := CASE WHEN TG_OP = 'DELETE' THEN -1 ELSE 1 END;
BEGIN
  IF TG_TABLE_NAME = 'directory_entry' THEN
    INSERT INTO directory_size AS s (tenant_id, day, joined, removed)
    SELECT tenant_id, {day_of_created_at}, sign * count(*), 0 FROM changed GROUP BY 1, 2
    ON CONFLICT (tenant_id, day) DO UPDATE SET joined = s.joined + EXCLUDED.joined;
  ELSE
    INSERT INTO directory_size AS s (tenant_id, day, joined, removed)
    SELECT tenant_id, day, sign * sum(joined), sign * sum(removed) FROM (
      SELECT tenant_id, {day_of_joined_at} AS day, 1 AS joined, 0 AS removed FROM changed
      UNION ALL
      SELECT tenant_id, {day_of_removed_at}, 0, 1 FROM changed) AS moves
    GROUP BY 1, 2
    ON CONFLICT (tenant_id, day) DO UPDATE SET joined = s.joined + EXCLUDED.joined, removed = s.removed +
    EXCLUDED.removed;
  END IF;
  RETURN NULL;
END $$
"""
PG_MOVED = """
CREATE OR REPLACE FUNCTION spotcheck_directory_size_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'directory_entry' THEN
    PERFORM spotcheck_directory_size_add(OLD.tenant_id, OLD.created_at, -1, 0);
    PERFORM spotcheck_directory_size_add(NEW.tenant_id, NEW.created_at, 1, 0);
  ELSE
    PERFORM spotcheck_directory_size_add(OLD.tenant_id, OLD.joined_at, -1, 0);
    PERFORM spotcheck_directory_size_add(OLD.tenant_id, OLD.removed_at, 0, -1);
    PERFORM spotcheck_directory_size_add(NEW.tenant_id, NEW.joined_at, 1, 0);
    PERFORM spotcheck_directory_size_add(NEW.tenant_id, NEW.removed_at, 0, 1);
  END IF;
  RETURN NULL;
END $$
"""
#: (table, the columns whose change moves a count)
TABLES = {"directory_entry": ("tenant_id", "created_at"), "removed_entry": ("tenant_id", "joined_at", "removed_at")}


def _changed(columns, old="OLD", new="NEW") -> str:
    return " OR ".join(f"{old}.{c} IS DISTINCT FROM {new}.{c}" for c in columns)


def _sqlite_add(row: str, at: str, joined: int, removed: int) -> str:
    return (
        f"INSERT INTO directory_size (tenant_id, day, joined, removed) "
        f"VALUES ({row}.tenant_id, {SQLITE_DAY.format(f'{row}.{at}')}, {joined}, {removed}) "
        f"ON CONFLICT (tenant_id, day) DO UPDATE SET joined = joined + excluded.joined, "
        f"removed = removed + excluded.removed;"
    )


def _sqlite_moves(row: str, table: str, sign: int) -> list[str]:
    if table == "directory_entry":
        return [_sqlite_add(row, "created_at", sign, 0)]
    return [_sqlite_add(row, "joined_at", sign, 0), _sqlite_add(row, "removed_at", 0, sign)]


def _triggers(dialect: str) -> None:
    if dialect == "postgresql":
        days = {
            f"day_of_{column}": PG_DAY.format(column) for column in ("p_at", "created_at", "joined_at", "removed_at")
        }
        for statement in (PG_ADD, PG_COUNTED, PG_MOVED):
            op.execute(statement.format(**days))
    for table, columns in TABLES.items():
        if dialect == "postgresql":
            for change, rows in (("INSERT", "NEW"), ("DELETE", "OLD")):
                op.execute(
                    f"CREATE TRIGGER {table}_size_{change.lower()} AFTER {change} ON {table} "
                    f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION spotcheck_directory_size()"
                )
            op.execute(
                f"CREATE TRIGGER {table}_size_update AFTER UPDATE ON {table} FOR EACH ROW "
                f"WHEN ({_changed(columns)}) EXECUTE FUNCTION spotcheck_directory_size_moved()"
            )
            continue
        op.execute(
            f"CREATE TRIGGER {table}_size_insert AFTER INSERT ON {table} BEGIN "
            f"{' '.join(_sqlite_moves('NEW', table, 1))} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_size_delete AFTER DELETE ON {table} BEGIN "
            f"{' '.join(_sqlite_moves('OLD', table, -1))} END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_size_update AFTER UPDATE ON {table} WHEN {_changed(columns)} BEGIN "
            f"{' '.join(_sqlite_moves('OLD', table, -1) + _sqlite_moves('NEW', table, 1))} END"
        )


def upgrade():
    op.create_table(
        "directory_size",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("joined", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_directory_size_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_size")),
        sa.UniqueConstraint("tenant_id", "day", name="uq_directory_size_tenant_day"),
    )
    with op.batch_alter_table("directory_size", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_directory_size_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.create_index("ix_directory_entry_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("removed_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_removed_entry_joined_at"), ["joined_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_removed_entry_removed_at"), ["removed_at"], unique=False)
    dialect = op.get_bind().dialect.name
    day = PG_DAY if dialect == "postgresql" else SQLITE_DAY
    op.execute(
        "INSERT INTO directory_size (tenant_id, day, joined, removed) "
        "SELECT tenant_id, day, sum(joined), sum(removed) FROM ("
        f"SELECT tenant_id, {day.format('created_at')} AS day, 1 AS joined, 0 AS removed FROM directory_entry "
        f"UNION ALL SELECT tenant_id, {day.format('joined_at')}, 1, 0 FROM removed_entry "
        f"UNION ALL SELECT tenant_id, {day.format('removed_at')}, 0, 1 FROM removed_entry) AS moves "
        "GROUP BY tenant_id, day"
    )
    _triggers(dialect)
    rls.grant_tables(op, ["directory_size"])
    rls.enable(op, "directory_size")


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for change in ("insert", "delete", "update"):
            op.execute(
                f"DROP TRIGGER IF EXISTS {table}_size_{change}" + (f" ON {table}" if dialect == "postgresql" else "")
            )
    if dialect == "postgresql":
        for function in (
            "spotcheck_directory_size_moved()",
            "spotcheck_directory_size()",
            "spotcheck_directory_size_add(integer, timestamptz, integer, integer)",
        ):
            op.execute(f"DROP FUNCTION IF EXISTS {function}")
    rls.disable(op, "directory_size")
    with op.batch_alter_table("removed_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_removed_entry_removed_at"))
        batch_op.drop_index(batch_op.f("ix_removed_entry_joined_at"))
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_entry_created_at")
    with op.batch_alter_table("directory_size", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_size_tenant_id"))
    op.drop_table("directory_size")
