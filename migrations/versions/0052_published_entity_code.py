"""the public register by entity keeps the entity's code too: a search by a code's beginning reads the register alone

The public search finds businesses whose 统一社会信用代码 starts with what was typed (``91330106M``) among those with
published results. It read the registry's index of codes, then each business's row for its id, then the register's
key for that id: a code's beginning held by a few thousand businesses took 18–30 ms of its search (the largest part
of 50 citizens searching at once on a slow machine), most of it reading registry rows scattered over the table. The
register now keeps the code beside the name (0039), compared byte by byte as the registry's is (0047), in a B-tree
with the business's id: the same matches from the register's own index, without a row read. Set at publication, and
kept by the trigger that keeps the name (PostgreSQL; on SQLite the search reads the registry's code).

Revision ID: 0052
Revises: 0051
Create Date: 2026-11-27 18:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform.rls import earlier_migration

# revision identifiers, used by Alembic.
revision = "0052"
down_revision = "0051"
branch_labels = None
depends_on = None

KEPT = """
CREATE OR REPLACE FUNCTION spotcheck_published_entity_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE published_entity SET name = NEW.name, code = NEW.code WHERE entity_id = NEW.id;
  RETURN NULL;
END $$
"""


def upgrade():
    with op.batch_alter_table("published_entity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code", sa.String(length=32), server_default="", nullable=False))
    op.execute(
        "UPDATE published_entity SET code = "
        "(SELECT entity.code FROM entity WHERE entity.id = published_entity.entity_id)"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE published_entity ALTER COLUMN code TYPE varchar(32) COLLATE "C"')
        op.execute(KEPT)
        op.execute("DROP TRIGGER published_entity_renamed ON entity")
        op.execute(
            "CREATE TRIGGER published_entity_renamed AFTER UPDATE OF name, code ON entity FOR EACH ROW "
            "WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.code IS DISTINCT FROM NEW.code) "
            "EXECUTE FUNCTION spotcheck_published_entity_renamed()"
        )
    op.create_index("ix_published_entity_code", "published_entity", ["code", "entity_id"])


def downgrade():
    op.drop_index("ix_published_entity_code", table_name="published_entity")
    if op.get_bind().dialect.name == "postgresql":
        named = earlier_migration(__file__, "0039_published_entity_name.py")
        op.execute("DROP TRIGGER published_entity_renamed ON entity")
        op.execute(named.RENAMED)
        op.execute(
            "CREATE TRIGGER published_entity_renamed AFTER UPDATE OF name ON entity FOR EACH ROW "
            "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION spotcheck_published_entity_renamed()"
        )
    with op.batch_alter_table("published_entity", schema=None) as batch_op:
        batch_op.drop_column("code")
