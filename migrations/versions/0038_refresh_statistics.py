"""the planner's statistics refreshed by the application after a bulk write (spotcheck.core.statistics)

``spotcheck_refresh_statistics(tables)``: ANALYZE the named tables of the schema, as their owner (SECURITY
DEFINER): the application's role owns no table and may not analyze one itself. Names that are not tables of
the schema are skipped. PostgreSQL only.

Revision ID: 0038
Revises: 0037
Create Date: 2026-11-25 16:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

FUNCTION = """
CREATE OR REPLACE FUNCTION spotcheck_refresh_statistics(wanted text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  name text;
  analyzed integer := 0;
BEGIN
  FOREACH name IN ARRAY wanted LOOP
    IF EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = name) THEN
      EXECUTE format('ANALYZE public.%I', name);
      analyzed := analyzed + 1;
    END IF;
  END LOOP;
  RETURN analyzed;
END $$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS spotcheck_refresh_statistics(text[])")
