"""the public register by entity keeps the entity's name, with an index of its two-character runs

``published_entity.name``: the entity's name, set at publication and kept by a trigger when the registry
renames the entity (PostgreSQL; on SQLite the search reads the registry's name). The public search finds a
fragment of two characters or more — 临安, 餐饮 — through ``spotcheck_bigrams(name)`` (its distinct runs of
two characters) and a GIN index on it, rather than reading every published business's name: a Chinese name
has no word to index, and pg_trgm's trigrams need three characters. Only published businesses are indexed,
so importing the registry pays nothing for it.

Revision ID: 0039
Revises: 0038
Create Date: 2026-11-25 17:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

BIGRAMS = """
CREATE OR REPLACE FUNCTION spotcheck_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}'::text[]) FROM generate_series(1, char_length(t) - 1) AS i
$$
"""
RENAMED = """
CREATE OR REPLACE FUNCTION spotcheck_published_entity_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE published_entity SET name = NEW.name WHERE entity_id = NEW.id;
  RETURN NULL;
END $$
"""


def upgrade():
    with op.batch_alter_table("published_entity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sa.String(length=200), server_default="", nullable=False))
    op.execute(
        "UPDATE published_entity SET name = "
        "(SELECT entity.name FROM entity WHERE entity.id = published_entity.entity_id)"
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(BIGRAMS)
    op.execute("CREATE INDEX ix_published_entity_name_bigrams ON published_entity USING gin (spotcheck_bigrams(name))")
    op.execute(RENAMED)
    op.execute(
        "CREATE TRIGGER published_entity_renamed AFTER UPDATE OF name ON entity FOR EACH ROW "
        "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION spotcheck_published_entity_renamed()"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS published_entity_renamed ON entity")
        op.execute("DROP FUNCTION IF EXISTS spotcheck_published_entity_renamed()")
        op.execute("DROP INDEX IF EXISTS ix_published_entity_name_bigrams")
        op.execute("DROP FUNCTION IF EXISTS spotcheck_bigrams(text)")
    with op.batch_alter_table("published_entity", schema=None) as batch_op:
        batch_op.drop_column("name")
