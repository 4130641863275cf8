"""a first load of the registry builds its search indexes once instead of updating them row by row

``spotcheck_suspend_indexes('entity')`` drops the registry's secondary indexes (not the primary key, not a unique
index or constraint: the import's ``ON CONFLICT (code)`` needs them) and keeps their definitions in a temporary
table of the transaction; ``spotcheck_restore_indexes('entity')`` builds them again from it, sorted in bulk. An
import whose rows outnumber the registry (a city's or a province's first load) calls them around its one
``INSERT … ON CONFLICT`` (:mod:`spotcheck.tenants.directory.bulk`): at a million rows the merge took 48 s with
its seven indexes kept up, 14 s without its five secondary ones and 14 s to build them. Both run as the schema's
owner (SECURITY DEFINER; the application's role owns no table) for the registry only; the definitions are kept
where only the owner can write them, so the application cannot have the owner run a statement of its own. The
import's transaction holds the registry locked until it commits — a first load, before anyone works on it.
PostgreSQL only.

Revision ID: 0041
Revises: 0040
Create Date: 2026-11-25 21:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

SUSPEND = """
CREATE OR REPLACE FUNCTION spotcheck_suspend_indexes(wanted text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  found record;
  dropped integer := 0;
BEGIN
  IF wanted IS DISTINCT FROM 'entity' THEN
    RAISE EXCEPTION 'the indexes of % are not suspended', wanted;
  END IF;
  CREATE TEMP TABLE spotcheck_suspended_index (tablename text, definition text) ON COMMIT DROP;
  FOR found IN SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
               FROM pg_index i
               WHERE i.indrelid = 'public.entity'::regclass AND NOT i.indisprimary AND NOT i.indisunique
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) LOOP
    INSERT INTO spotcheck_suspended_index VALUES (wanted, found.definition);
    EXECUTE format('DROP INDEX %s', found.name);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END $$
"""
RESTORE = """
CREATE OR REPLACE FUNCTION spotcheck_restore_indexes(wanted text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET maintenance_work_mem = '256MB' AS $$
DECLARE
  kept regclass := to_regclass('pg_temp.spotcheck_suspended_index');
  definition text;
  built integer := 0;
BEGIN
  IF kept IS NULL THEN
    RETURN 0;
  END IF;
  IF (SELECT relowner FROM pg_class WHERE oid = kept) <> (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'the suspended indexes were not kept by spotcheck_suspend_indexes';
  END IF;
  FOR definition IN SELECT s.definition FROM spotcheck_suspended_index s WHERE s.tablename = wanted LOOP
    IF definition NOT LIKE 'CREATE INDEX % ON public.entity %' THEN
      RAISE EXCEPTION 'not an index of the registry: %', definition;
    END IF;
    EXECUTE definition;
    built := built + 1;
  END LOOP;
  DROP TABLE spotcheck_suspended_index;  -- a later import of the same transaction may suspend them again
  RETURN built;
END $$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SUSPEND)
        op.execute(RESTORE)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS spotcheck_restore_indexes(text)")
        op.execute("DROP FUNCTION IF EXISTS spotcheck_suspend_indexes(text)")
