"""the names indexed by their characters, in place of their two-character runs

0045 indexed each registry name's runs of two characters (``spotcheck_bigrams``), for a search of two characters.
A first load of the registry builds its indexes again after the merge, and that one cost more than all the others
together: 20.9 s of 36 at a million names on a slow day (7.5 s computing the runs in SQL, the rest sorting millions of
distinct runs as text in the database's collation), and the import of a million entities fell from 21.6 to 12.7
times the row-at-a-time baseline. Now each name is indexed by its characters (``string_to_array(name, NULL)``, done
in C: 0.6 s a million) compared byte by byte (``COLLATE "C"``): 6.4 s. A name containing 钱顺 holds 钱 and 顺, so the
index finds the candidates and ``LIKE`` checks them (``directory.queries.name_holds``); one character is found
by the index alone. The public register's names (0039) are indexed the same way, and ``spotcheck_bigrams`` is
dropped. PostgreSQL only.

Revision ID: 0046
Revises: 0045
Create Date: 2026-11-26 12:00:00

"""

from alembic import op

from spotcheck.platform.rls import earlier_migration

# revision identifiers, used by Alembic.
revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None

#: The names' characters as the queries write them (``directory.queries.name_characters``): the index is used only
#: for the same expression in the same collation.
CHARACTERS = 'string_to_array(CAST(name AS TEXT), NULL) COLLATE "C"'
TABLES = ("entity", "published_entity")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for table in TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_name_bigrams")
        op.execute(f"CREATE INDEX ix_{table}_name_characters ON {table} USING gin (({CHARACTERS}))")
    op.execute("DROP FUNCTION IF EXISTS spotcheck_bigrams(text)")
    op.execute("ANALYZE entity")  # the statistics of the new expression, which the planner weighs a search by
    op.execute("ANALYZE published_entity")


def downgrade():
    """The runs as 0045 indexed them (its function, from its own text)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(earlier_migration(__file__, "0045_registry_name_runs.py").BIGRAMS)
    for table in TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_name_characters")
        op.execute(f"CREATE INDEX ix_{table}_name_bigrams ON {table} USING gin (spotcheck_bigrams(name))")
